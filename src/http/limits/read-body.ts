import type { Request } from 'express';
import { HttpError } from '../../lib/errors.js';
import type { IntakeBudget } from './intake-budget.js';

export interface ReadBodyOptions {
  /** The route's largest body, in bytes. */
  limit: number;
  /** Shared by every unauthenticated door (see IntakeBudget). */
  budget: IntakeBudget;
  /** The whole body must arrive within this time, or 408. */
  timeoutMs: number;
  /** Sees every chunk as it arrives: the signature is computed while the body streams in. */
  onChunk(chunk: Buffer): void;
  /** Retry-After for a 503 when the budget is full (Zendesk retries only under 60 s). */
  retryAfterSeconds: string;
}

/**
 * Reads a request body whose sender is not authenticated yet, under the intake limits:
 * - 413 when Content-Length says more than `limit`, before reading anything; a chunked body is cut
 *   at `limit`, not read to its end;
 * - 503 + Retry-After when the budget has no room for it, before reading anything;
 * - 408 when the body takes longer than `timeoutMs`;
 * - 415 for a Content-Encoding other than identity (the signature covers the bytes as sent).
 * A refused body is not read further (errorsToResponse closes the connection of any request whose
 * body was not read to its end, once the answer is written). The bytes held are counted in the budget until the promise settles — the
 * caller checks the signature at once and the body is then no longer a stranger's.
 */
export function readUnauthenticatedBody(req: Request, options: ReadBodyOptions): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') return Promise.reject(new HttpError(415, `bodies must not be compressed (Content-Encoding: ${encoding})`));
  const declared = declaredLength(req);
  if (declared === 'invalid') return Promise.reject(new HttpError(400, 'the Content-Length header is not a number'));
  if (declared !== null && declared > options.limit) {
    return Promise.reject(new HttpError(413, `the request body is larger than the limit (${options.limit} bytes)`));
  }
  const admission = options.budget.admit(declared, req.ip ?? req.socket.remoteAddress ?? 'unknown');
  if (!admission.ok) {
    return Promise.reject(new HttpError(503, 'too many requests are being received; please retry', { 'Retry-After': options.retryAfterSeconds }));
  }
  const { reservation } = admission;

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: HttpError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      reservation.release();
      if (error) {
        req.pause();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.limit) return settle(new HttpError(413, `the request body is larger than the limit (${options.limit} bytes)`));
      if (declared === null && !reservation.grow(chunk.length)) {
        return settle(new HttpError(503, 'too many requests are being received; please retry', { 'Retry-After': options.retryAfterSeconds }));
      }
      options.onChunk(chunk);
      chunks.push(chunk);
    };
    const onEnd = () => settle(null);
    const onClose = () => settle(new HttpError(400, 'the client closed the connection before the body was complete'));
    const timer = setTimeout(
      () => settle(new HttpError(408, `the request body did not arrive within ${Math.round(options.timeoutMs / 1000)} s`)),
      options.timeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}

function declaredLength(req: Request): number | null | 'invalid' {
  const raw = req.headers['content-length'];
  if (raw === undefined) return null;
  return /^\d{1,15}$/.test(raw.trim()) ? Number(raw) : 'invalid';
}
