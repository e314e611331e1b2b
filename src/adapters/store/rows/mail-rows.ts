import type { InboundRecord, InboundSource, OutboundRecord } from '../../../ports/store.js';
import { openSealedBytes, sealBytes } from '../seal-bytes.js';

/** An `inbound_messages` row as both stores return it (raw is a Buffer, sealed 0/1 in both). */
export interface InboundRow {
  dedup_key: string;
  message_id: string | null;
  source: InboundSource;
  sender: string;
  size: number;
  raw: Buffer | null;
  sealed: number;
  state: 'queued' | 'done';
  plan: string | null;
  outcome: string | null;
  ticket_id: number | null;
  received_at: number;
}

/** The record of an inbound row, its raw bytes opened with `sealKey` (rows from before sealing are in clear). */
export function inboundFromRow(row: InboundRow, sealKey: Buffer): InboundRecord {
  return {
    dedupKey: row.dedup_key,
    messageId: row.message_id,
    source: row.source,
    sender: row.sender,
    size: row.size,
    raw: row.raw === null ? null : row.sealed ? openSealedBytes(row.raw, sealKey, inboundAad(row.dedup_key)) : row.raw,
    state: row.state,
    plan: row.plan === null ? null : (JSON.parse(row.plan) as unknown),
    outcome: row.outcome,
    ticketId: row.ticket_id,
    receivedAt: row.received_at,
  };
}

export interface OutboundRow {
  message_id: string;
  ticket_id: number | null;
  kind: string;
  recipients: string;
  state: string;
}

export function outboundFromRow(row: OutboundRow): OutboundRecord {
  return { messageId: row.message_id, ticketId: row.ticket_id, kind: row.kind, recipients: JSON.parse(row.recipients) as string[], state: row.state };
}

/** The `raw` column of an inbound message: its bytes sealed under `sealKey`, bound to its row (`sealed` = 1). */
export function sealInboundRaw(raw: Buffer, dedupKey: string, sealKey: Buffer): Buffer {
  return sealBytes(raw, sealKey, inboundAad(dedupKey));
}

/** Binds a sealed message to its row: a ciphertext copied to another row does not open. */
function inboundAad(dedupKey: string): string {
  return `certdesk:inbound:${dedupKey}`;
}
