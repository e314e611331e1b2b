import type { RequestHandler } from 'express';

/** The origin Zendesk serves app iframes from (zendesk-facts §6.1): https://<app id>.apps.zdusercontent.com */
export const ZAF_APP_ORIGIN = /^https:\/\/[a-z0-9-]+\.apps\.zdusercontent\.com$/i;

export const isZafAppOrigin = (origin: string): boolean => ZAF_APP_ORIGIN.test(origin);

/**
 * CORS for the agent API. Through Zendesk's proxy (`cors: false`, the default) no browser talks to
 * certdesk; these headers matter only if the app calls certdesk directly (`cors: true`), and only
 * the app's own origin is allowed. No cookies are involved, so no credentials are allowed.
 */
export function agentAppCors(allowOrigin: (origin: string) => boolean): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (origin && allowOrigin(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      if (req.method === 'OPTIONS') {
        res.set({
          'Access-Control-Allow-Methods': 'GET, POST',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type',
          'Access-Control-Max-Age': '600',
        });
      }
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}
