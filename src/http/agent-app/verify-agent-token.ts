import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { HttpError } from '../../lib/errors.js';

/** What a verified agent-app token says. */
export interface AgentClaims {
  ticketId: number;
  /** The Zendesk user the app ran for, when the app put it in the claims. */
  userId: number | null;
}

export interface VerifyAgentTokenOptions {
  secret: string;
  now: Date;
  /** Clock skew allowed on exp / nbf / iat, in seconds. */
  skewSeconds: number;
}

const ALGORITHM = 'HS256';
/**
 * The longest lifetime accepted (exp − iat, or exp − now without iat). Zendesk's proxy signs
 * short-lived tokens; a token valid for days is a leaked-token risk, not a client need.
 */
export const MAX_AGENT_TOKEN_LIFETIME_SECONDS = 3600;
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="certdesk", error="invalid_token"' };
const unauthorized = (message: string) => new HttpError(401, message, CHALLENGE);

/**
 * Verifies the JWT Zendesk's request proxy signs for the agent app (`client.request({ jwt })`):
 * `Authorization: Bearer <token>`, HS256 only (the algorithm is pinned, `none` and public-key
 * algorithms are refused), signed with ZAF_SHARED_SECRET, `exp` required and checked, `iat` not in
 * the future, a lifetime of at most MAX_AGENT_TOKEN_LIFETIME_SECONDS, and a `ticket_id` claim. Throws HttpError 401 with a sentence saying which check failed.
 */
export async function verifyAgentToken(authorization: string | undefined, options: VerifyAgentTokenOptions): Promise<AgentClaims> {
  const match = /^Bearer\s+([A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)\s*$/.exec(authorization ?? '');
  if (!match) throw unauthorized('send the agent app\'s token as "Authorization: Bearer <JWT>"');
  const token = match[1]!;
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized('the token is not a JWT');
  }
  if (alg !== ALGORITHM) throw unauthorized(`the token must be signed with ${ALGORITHM}, not ${JSON.stringify(alg ?? null)}`);

  let payload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(options.secret), {
      algorithms: [ALGORITHM],
      currentDate: options.now,
      clockTolerance: options.skewSeconds,
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    throw unauthorized(describeJoseError(error));
  }
  const nowSeconds = options.now.getTime() / 1000;
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds + options.skewSeconds)
    throw unauthorized('the token was issued in the future (check the clocks)');
  const lifetime = payload.exp! - (typeof payload.iat === 'number' ? payload.iat : nowSeconds);
  if (lifetime > MAX_AGENT_TOKEN_LIFETIME_SECONDS + options.skewSeconds) {
    throw unauthorized(`the token is valid for ${Math.round(lifetime)} s; at most ${MAX_AGENT_TOKEN_LIFETIME_SECONDS} s is accepted`);
  }
  const ticketId = wholeNumber(payload.ticket_id);
  if (ticketId === null) throw unauthorized('the token has no ticket_id claim');
  return { ticketId, userId: wholeNumber(payload.user_id) };
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "the token's signature does not match: the app's shared secret and certdesk's ZAF_SHARED_SECRET differ, or the token was altered";
  if (error instanceof errors.JOSEAlgNotAllowed) return `the token must be signed with ${ALGORITHM}`;
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the token's ${error.claim} claim is not acceptable (${error.reason === 'missing' ? 'missing' : error.message})`;
  return 'the token is not a valid JWT';
}

function wholeNumber(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : null;
}
