import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { MAX_AGENT_TOKEN_LIFETIME_SECONDS, verifyAgentToken } from '../../../src/http/agent-app/verify-agent-token.js';

const SECRET = 'zaf-shared-secret-for-lifetime-tests';
const NOW = new Date('2026-12-03T12:00:00Z');
const nowSeconds = NOW.getTime() / 1000;

function token(claims: { iat?: number; exp: number }): Promise<string> {
  const jwt = new SignJWT({ ticket_id: 42 }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setExpirationTime(claims.exp);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  return jwt.sign(new TextEncoder().encode(SECRET));
}

const verify = async (jwt: string) => verifyAgentToken(`Bearer ${jwt}`, { secret: SECRET, now: NOW, skewSeconds: 30 });

describe('agent-app tokens live at most an hour (a leaked long-lived token is refused)', () => {
  it('accepts a token valid for exactly the cap', async () => {
    await expect(verify(await token({ iat: nowSeconds, exp: nowSeconds + MAX_AGENT_TOKEN_LIFETIME_SECONDS }))).resolves.toEqual({ ticketId: 42, userId: null });
  });

  it('refuses a token issued for a day, naming its lifetime and the cap', async () => {
    await expect(verify(await token({ iat: nowSeconds - 60, exp: nowSeconds + 86_400 }))).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/valid for 86460 s; at most 3600 s/),
    });
  });

  it('refuses a token without iat whose expiry is more than an hour away', async () => {
    await expect(verify(await token({ exp: nowSeconds + 2 * 3600 }))).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/at most 3600 s/) });
  });

  it('accepts a token without iat that expires within the hour', async () => {
    await expect(verify(await token({ exp: nowSeconds + 600 }))).resolves.toMatchObject({ ticketId: 42 });
  });
});
