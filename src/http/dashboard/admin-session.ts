import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'certdesk_dashboard';
const SESSION_SECONDS = 12 * 3600;

/** Constant-time equality of two strings of any length (both are hashed to the same size first). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The cookie value: derived from ADMIN_TOKEN (never the token itself), so rotating the token ends every session. */
function sessionValue(adminToken: string): string {
  return createHmac('sha256', adminToken).update('certdesk dashboard session v1').digest('base64url');
}

function cookie(req: Request, name: string): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

/**
 * Who may see the dashboard: a request with `Authorization: Bearer <ADMIN_TOKEN>`, or with the
 * session cookie set after the token was given once (`?token=` or the login form).
 */
export function isAdmin(req: Request, adminToken: string): boolean {
  const bearer = /^Bearer\s+(\S+)\s*$/.exec(req.get('authorization') ?? '')?.[1];
  if (bearer !== undefined) return sameSecret(bearer, adminToken);
  const session = cookie(req, SESSION_COOKIE);
  return session !== null && sameSecret(session, sessionValue(adminToken));
}

/** Sets the HttpOnly session cookie (Secure when the request came over https). */
export function startSession(req: Request, res: Response, adminToken: string): void {
  res.cookie(SESSION_COOKIE, sessionValue(adminToken), {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: '/dashboard',
    maxAge: SESSION_SECONDS * 1000,
  });
}
