/**
 * Tags of proactive renewals (issue 15), beside the workflow's own (renewal-states.ts):
 * - `cert_renewal_proactive` marks a ticket certdesk opened itself ahead of expiry; until the
 *   proactive job has recorded its renewal, the ticket's own events leave it alone.
 * - `cert_renewal_linked` marks a second ticket for a site whose renewal is in progress elsewhere:
 *   it was answered with a link and solved; from then on it is the agents' (remove the tag to have
 *   certdesk read it again).
 */
export const PROACTIVE_TAG = 'cert_renewal_proactive';
export const LINKED_TAG = 'cert_renewal_linked';
