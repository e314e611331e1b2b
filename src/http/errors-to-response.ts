import type { IncomingMessage } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import { HttpError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

/**
 * The one place where errors become HTTP responses: `{ "error": <code>, "message": <sentence> }`.
 * HttpError carries its own status; body-parser's errors are mapped; anything else is a 500 with
 * no detail (the detail goes to the log). A request whose body was not read to its end (refused
 * before or while reading it: size, signature, intake budget) gets `Connection: close`, and its
 * socket is dropped once the answer is written: Node would otherwise read the rest to keep the
 * connection alive.
 */
export function errorsToResponse(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    if (!req.complete && hasBody(req)) {
      req.pause();
      res.setHeader('Connection', 'close');
      res.once('finish', () => req.socket.destroy());
    }
    const e = error as { status?: number; type?: string; message?: string };
    let status = 500;
    let message = 'internal error';
    let headers: Record<string, string> = {};
    if (error instanceof HttpError) {
      status = error.status;
      message = error.message;
      headers = error.headers;
    } else if (e && e.type === 'entity.too.large') {
      status = 413;
      message = 'the request body is larger than the limit';
    } else if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      status = e.status;
      message = e.message ?? 'bad request';
    } else {
      logger.error({ err: error instanceof Error ? error.message : String(error) }, 'unhandled error in a request');
    }
    res
      .status(status)
      .set(headers)
      .json({ error: STATUS_CODES[status] ?? 'error', message });
  };
}

/** A body was announced (a bodiless GET may not be marked complete yet while its handler runs). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'unavailable',
};
