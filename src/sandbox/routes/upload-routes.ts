import express, { Router } from 'express';
import { forbidden, notFound, recordInvalid } from '../api-error.js';
import { caller, queryString, type SandboxContext } from '../sandbox-context.js';
import { attachmentJson } from '../zendesk-json.js';

/** Zendesk caps attachments at 50 MB. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** `POST /api/v2/uploads?filename=` (raw bytes, real MIME type) and `DELETE /api/v2/uploads/{token}`. */
export function uploadRoutes(ctx: SandboxContext): Router {
  const r = Router();
  r.post('/uploads', express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES }), (req, res) => {
    const fileName = queryString(req, 'filename') ?? '';
    if (!fileName) throw recordInvalid('filename', 'Filename: cannot be blank (pass ?filename=)', 'BlankValue');
    const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const token = queryString(req, 'token');
    const contentType = (req.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
    const upload = ctx.store.attachments.createUpload({ fileName, contentType, data, token, uploaderId: caller(res).id });
    const origin = ctx.origin();
    res.status(201).json({
      upload: {
        token: upload.token,
        attachment: attachmentJson(upload.attachment, origin),
        attachments: upload.attachments.map((a) => attachmentJson(a, origin)),
      },
    });
  });
  r.delete('/uploads/:token', (req, res) => {
    if (!ctx.store.attachments.deleteUpload(String(req.params.token))) throw notFound();
    res.status(204).end();
  });
  return r;
}

/**
 * `GET /attachments/token/{token}/?name=` on the API host: like Zendesk, a 302 to a signed URL on
 * another origin (the CDN). Attachments flagged as malware are not served.
 */
export function attachmentRedirectRoutes(ctx: SandboxContext): Router {
  const r = Router();
  r.get(['/attachments/token/:token', '/attachments/token/:token/'], (req, res) => {
    const file = ctx.store.attachments.byFileToken(String(req.params.token));
    if (!file) throw notFound();
    if (file.malware_scan_result === 'malware_found') throw forbidden('This attachment was flagged as malware and cannot be downloaded.');
    res.redirect(302, ctx.cdnUrlFor(file.file_token, file.file_name));
  });
  return r;
}
