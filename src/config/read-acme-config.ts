import type { EnvReader } from './env-reader.js';
import type { AcmeConfig } from './config.js';

/** ACME_* (issue 20): all optional; the others need ACME_DIRECTORY_URL, and the EAB pair goes together. */
export function readAcmeConfig(env: EnvReader): AcmeConfig | null {
  const directoryUrl = env.url('ACME_DIRECTORY_URL', ['https:']);
  const email = env.email('ACME_EMAIL');
  const kid = env.get('ACME_EAB_KID') ?? null;
  const hmacKey = env.get('ACME_EAB_HMAC_KEY') ?? null;
  if ((kid === null) !== (hmacKey === null))
    env.problem(
      `${kid === null ? 'ACME_EAB_HMAC_KEY' : 'ACME_EAB_KID'} is set but ${kid === null ? 'ACME_EAB_KID' : 'ACME_EAB_HMAC_KEY'} is not: External Account Binding needs both (the CA gives them together).`,
    );
  if (hmacKey !== null && !/^[A-Za-z0-9_-]+={0,2}$/.test(hmacKey))
    env.problem('ACME_EAB_HMAC_KEY must be the base64url key the CA gave (letters, digits, "-" and "_").');
  const expected = env.get('ACME_EXPECTED_CNAME')?.toLowerCase().replace(/\.$/, '') ?? null;
  if (expected !== null && !/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(expected))
    env.problem(`ACME_EXPECTED_CNAME must be a host name, e.g. sites.provider.example (got "${expected}").`);
  if (directoryUrl === null) {
    const stray = ['ACME_EMAIL', 'ACME_EAB_KID', 'ACME_EAB_HMAC_KEY', 'ACME_EXPECTED_CNAME'].filter((n) => env.get(n) !== undefined);
    if (stray.length > 0)
      env.problem(`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but ACME_DIRECTORY_URL is not: set the ACME CA's directory URL too.`);
    return null;
  }
  return { directoryUrl, email, eab: kid !== null && hmacKey !== null ? { kid, hmacKey } : null, expectedCname: expected };
}
