import type { NextFunction, Request, Response } from 'express';
import { SandboxApiError } from './api-error.js';
import type { SandboxStore, User } from './sandbox-store.js';

/**
 * The email an `Authorization` header names (DESIGN §3 "Sandbox identities"):
 * - Basic `{email}/token:{anything}` (API token) or `{email}:{password}` — any secret is accepted;
 * - Bearer `{email}` or `{email}:{anything}` names that user; any other bearer token is certdesk's
 *   own API user (`apiUserEmail`), the way an OAuth token belongs to the user who granted it.
 */
export function emailFromAuthorization(header: string | undefined, apiUserEmail: string): string | null {
  if (!header) return null;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (/^basic$/i.test(scheme ?? '')) {
    let decoded: string;
    try {
      decoded = Buffer.from(value, 'base64').toString('utf8');
    } catch {
      return null;
    }
    const user = decoded.split(':')[0]!.replace(/\/token$/, '');
    return user.includes('@') ? user : null;
  }
  if (/^bearer$/i.test(scheme ?? '') && value) {
    const named = value.split(':')[0]!;
    return named.includes('@') ? named : apiUserEmail;
  }
  return null;
}

function nameFromEmail(email: string): string {
  const local = email.split('@')[0]!;
  return local.split(/[._-]+/).filter(Boolean).map((p) => p[0]!.toUpperCase() + p.slice(1)).join(' ') || email;
}

/** 401 without credentials; otherwise the named user, an unknown email becoming a new agent. */
export function authenticate(store: SandboxStore, apiUserEmail: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const email = emailFromAuthorization(req.headers.authorization, apiUserEmail);
    if (!email) {
      next(new SandboxApiError(401, { error: "Couldn't authenticate you" }, { 'www-authenticate': 'Basic realm="Web Password"' }));
      return;
    }
    let user: User;
    try {
      user = store.ensureUser(email, nameFromEmail(email), 'agent');
    } catch (error) {
      next(error);
      return;
    }
    res.locals.user = user;
    next();
  };
}
