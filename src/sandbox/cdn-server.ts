import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Express } from 'express';
import type { FaultController } from './fault-controller.js';
import type { SandboxStore } from './store/sandbox-store.js';

/** One request the CDN received, as it received it (tests check that no credentials arrived). */
export interface CdnRequestRecord {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
}

/**
 * The sandbox's attachment CDN, served on a different origin from the API like Zendesk's
 * `*.zdusercontent.com`: signed URLs only, and a 403 for any request carrying an `Authorization`
 * header (zendesk-facts §4.6).
 */
export class SandboxCdn {
  readonly app: Express;
  readonly requests: CdnRequestRecord[] = [];
  private readonly key = randomBytes(32);

  constructor(
    private readonly store: SandboxStore,
    faults: FaultController,
  ) {
    this.app = express();
    this.app.disable('x-powered-by');
    this.app.get('/attachment/:token/:name', async (req, res) => {
      const record: CdnRequestRecord = { method: req.method, path: req.path, headers: { ...req.headers }, status: 0 };
      this.requests.push(record);
      const decision = faults.decide(req.method, req.path);
      if (decision.latencyMs) await sleep(decision.latencyMs);
      const answer = (status: number, text: string) => {
        record.status = status;
        res.status(status).type('text/plain').send(text);
      };
      if (decision.error) return answer(decision.error.status, 'Injected fault');
      if (req.headers.authorization) return answer(403, 'Forbidden: requests with an Authorization header are refused');
      const token = String(req.params.token);
      if (!this.validSignature(token, String(req.query.sig ?? ''))) return answer(403, 'Forbidden: bad signature');
      const file = this.store.attachments.byFileToken(token);
      if (!file) return answer(404, 'Not found');
      record.status = 200;
      res
        .status(200)
        .type(file.content_type)
        .set('content-disposition', `attachment; filename="${file.file_name.replace(/["\\\r\n]/g, '_')}"`)
        .set('cache-control', 'private, max-age=60')
        .send(file.data);
    });
    this.app.use((_req, res) => {
      res.status(404).type('text/plain').send('Not found');
    });
  }

  /** The signed path of a file on the CDN (relative to its origin). */
  pathFor(fileToken: string, fileName: string): string {
    return `/attachment/${fileToken}/${encodeURIComponent(fileName)}?sig=${this.sign(fileToken)}`;
  }

  private sign(token: string): string {
    return createHmac('sha256', this.key).update(token).digest('base64url');
  }

  private validSignature(token: string, sig: string): boolean {
    const expected = Buffer.from(this.sign(token));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
