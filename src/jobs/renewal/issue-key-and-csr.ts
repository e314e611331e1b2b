import { NonRetryableError } from '../../lib/errors.js';
import { generateKeyPair, privateKeyToPkcs8Pem } from '../../core/keys/generate-key-pair.js';
import { encryptPrivateKey, privateKeyAad } from '../../core/keys/encrypt-private-key.js';
import { buildCsr } from '../../core/csr/build-csr.js';
import type { TransitionRecord } from '../../ports/store.js';
import type { RenewalDeps } from './renewal-deps.js';

/**
 * The `generate_key_and_csr` effect: a new key pair (off the event loop), the CSR, and the key
 * stored encrypted — at most once per transition, even if two workers raced or the process died
 * after generating: the check and the insert happen in one transaction, and a key generated but
 * not stored is simply dropped. The previous key, if any, is retired.
 */
export async function issueKeyAndCsr(deps: RenewalDeps, transition: TransitionRecord): Promise<void> {
  const { store, clock, settings } = deps;
  const effectKey = `tr:${transition.id}:generate_key_and_csr`;
  if (await store.effects.isDone(effectKey)) return;
  const renewal = await store.renewals.get(transition.ticketId);
  const f = renewal?.fields ?? {};
  if (!renewal?.site || !f.country || !f.state || !f.locality || !f.organization) {
    throw new NonRetryableError(`renewal ${transition.ticketId} has no complete request to build a CSR from`);
  }
  const pair = await generateKeyPair(settings.keyAlgorithm);
  const csr = await buildCsr({ site: renewal.site, country: f.country, state: f.state, locality: f.locality, organization: f.organization }, pair);
  // Reserved outside the transaction (an id wasted by a lost race is harmless): the key is sealed
  // under it before the transaction opens, which then only writes.
  const keyId = await store.keys.reserveId();
  const encrypted = encryptPrivateKey(privateKeyToPkcs8Pem(pair.privateKey), settings.keyEncryptionKey, privateKeyAad(transition.ticketId, keyId));

  await store.transaction(async () => {
    // Under the effect's lock: on PostgreSQL two workers running this transition at once (a job taken
    // over after its lease ran out) would otherwise both find it not done and both store a key.
    await store.lockForTransaction(effectKey);
    if (await store.effects.isDone(effectKey)) return;
    const now = clock.now().getTime();
    const current = (await store.renewals.get(transition.ticketId))!;
    await store.keys.insert({ id: keyId, ticketId: transition.ticketId, algorithm: settings.keyAlgorithm, spkiSha256: csr.spkiSha256, ...encrypted, createdAt: now, transitionId: transition.id });
    if (current.keyId !== null) await store.keys.retire(current.keyId, now);
    // A new key makes whatever was checked or accepted for the old one meaningless.
    await store.renewals.update(transition.ticketId, { keyId, csrPem: csr.csrPem, csrSpkiSha256: csr.spkiSha256, findings: null, certificate: null, fullchainPem: null }, now);
    await store.effects.markDone(effectKey, transition.ticketId, 'generate_key_and_csr', now);
    await store.audit.append(
      { ticketId: transition.ticketId, actor: 'certdesk', action: 'key_generated', detail: { keyId, algorithm: settings.keyAlgorithm, spkiSha256: csr.spkiSha256, retiredKeyId: current.keyId } },
      now,
    );
  });
}
