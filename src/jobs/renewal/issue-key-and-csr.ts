import { NonRetryableError } from '../../lib/errors.js';
import { generateKeyPair, privateKeyToPkcs8Pem } from '../../core/keys/generate-key-pair.js';
import { encryptPrivateKey, privateKeyAad } from '../../core/keys/encrypt-private-key.js';
import { buildCsr } from '../../core/csr/build-csr.js';
import type { TransitionRecord } from '../../ports/store.js';
import { effectKey } from '../../core/workflow/effects.js';
import { onceInStore } from './once-in-store.js';
import type { RenewalDeps } from './renewal-deps.js';

/**
 * The `generate_key_and_csr` effect: a new key pair (off the event loop), the CSR, and the key
 * stored encrypted — at most once per transition, even if two workers raced or the process died
 * after generating: the check and the insert happen in one transaction, and a key generated but
 * not stored is simply dropped. The previous key, if any, is retired.
 */
export async function issueKeyAndCsr(deps: RenewalDeps, transition: TransitionRecord): Promise<void> {
  const { store, settings } = deps;
  const key = effectKey(transition.id, 'generate_key_and_csr');
  if (await store.effects.isDone(key)) return;
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

  // Checked again under the effect's lock: two workers may have generated a key each; one stores it.
  await onceInStore(deps, { key, ticketId: transition.ticketId, kind: 'generate_key_and_csr' }, async (now) => {
    const current = (await store.renewals.get(transition.ticketId))!;
    await store.keys.insert({
      id: keyId,
      ticketId: transition.ticketId,
      algorithm: settings.keyAlgorithm,
      spkiSha256: csr.spkiSha256,
      ...encrypted,
      createdAt: now,
      transitionId: transition.id,
    });
    if (current.keyId !== null) await store.keys.retire(current.keyId, now);
    // A new key makes whatever was checked or accepted for the old one meaningless.
    await store.renewals.update(
      transition.ticketId,
      { keyId, csrPem: csr.csrPem, csrSpkiSha256: csr.spkiSha256, findings: null, certificate: null, fullchainPem: null },
      now,
    );
    await store.audit.append(
      {
        ticketId: transition.ticketId,
        actor: 'certdesk',
        action: 'key_generated',
        detail: { keyId, algorithm: settings.keyAlgorithm, spkiSha256: csr.spkiSha256, retiredKeyId: current.keyId },
      },
      now,
    );
  });
}
