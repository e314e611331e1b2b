import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM, startRenewalHarness, type RenewalHarness } from '../../helpers/renewal-harness.js';

/**
 * "No firehose" must not lose a renewal: a request opened at normal priority is dropped at the door
 * (no job, no Zendesk call), and an agent setting the priority to low later starts the renewal.
 */
let h: RenewalHarness;
beforeAll(async () => {
  h = await startRenewalHarness();
});
afterAll(async () => h.stop());

describe('a renewal request opened at another priority', () => {
  it('costs nothing while at normal priority, and starts a renewal once an agent sets it to low', async () => {
    await h.settle();
    const site = h.demo.registry[0]!.domain;
    const jobsBefore = (await h.svc.store.jobs.list({ kind: 'ticket-event' })).length;
    const callsBefore = h.svc.sandbox!.stats.apiCalls;
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site), priority: 'normal' });
    await h.settle();
    expect(h.svc.sandbox!.stats.apiCalls - callsBefore).toBe(0);
    expect((await h.svc.store.jobs.list({ kind: 'ticket-event' })).length - jobsBefore).toBe(0);
    expect(await h.certdeskComments(id)).toHaveLength(0);

    await h.api('PUT', `/api/v2/tickets/${id}.json`, { as: h.demo.agent.email, body: { ticket: { priority: 'low' } } });
    await h.settle();
    expect((await h.ticket(id)).tags).toContain('cert_renewal_csr_sent');
    expect((await h.certdeskComments(id)).some((c) => c.body.includes('CERTIFICATE REQUEST'))).toBe(true);
  });
});
