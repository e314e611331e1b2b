import { ConfigError } from '../../lib/errors.js';

/** Zendesk accounts live at `https://<subdomain>.zendesk.com`; anything else must prove it speaks the API. */
const ZENDESK_ACCOUNT_URL = /^https:\/\/[a-z0-9][a-z0-9-]*\.zendesk\.com$/i;

/**
 * A ZENDESK_URL that is not `https://<subdomain>.zendesk.com` (a host mapping, a proxy, a
 * sandbox) is accepted only when it answers Zendesk's API itself: `GET /api/v2/users/me` without
 * credentials must be Zendesk's JSON 401 (or 200), not a redirect or a web page. Else start-up
 * stops with a ConfigError saying what was found.
 */
export async function checkZendeskUrl(url: string, fetchImpl: typeof fetch): Promise<void> {
  if (ZENDESK_ACCOUNT_URL.test(url)) return;
  const probe = new URL('/api/v2/users/me', url);
  let res: Response;
  try {
    res = await fetchImpl(probe, {
      redirect: 'manual',
      headers: { accept: 'application/json', 'user-agent': 'certdesk' },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new ConfigError([
      `ZENDESK_URL ${url} is not a Zendesk account address (https://<subdomain>.zendesk.com) and could not be reached to check that it answers Zendesk's API: ${(error as Error).message}`,
    ]);
  }
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text().catch(() => '');
  if (res.status >= 300 && res.status < 400) {
    throw new ConfigError([
      `ZENDESK_URL ${url} redirects API calls to ${res.headers.get('location') ?? 'another address'}: set ZENDESK_URL to the account's own address, https://<subdomain>.zendesk.com.`,
    ]);
  }
  let json: unknown;
  try {
    json = /json/i.test(type) ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const speaksZendesk = json !== null && typeof json === 'object' && ((res.status === 401 && 'error' in json) || (res.status === 200 && 'user' in json));
  if (!speaksZendesk) {
    throw new ConfigError([
      `ZENDESK_URL ${url} is not a Zendesk account address (https://<subdomain>.zendesk.com) and does not answer Zendesk's API (GET /api/v2/users/me gave ${res.status} ${type || 'without a content type'}): set it to https://<subdomain>.zendesk.com.`,
    ]);
  }
}
