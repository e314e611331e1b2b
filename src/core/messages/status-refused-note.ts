import type { CommentText } from './types.js';

/**
 * The internal note when Zendesk refused the status certdesk wanted to set (an account rule: no
 * assignee to solve, On-hold off, a field required on solve). The comment went out without the
 * status, so the customer lost nothing; the note tells an agent what to do with the ticket.
 */
export function statusRefusedNote(input: { status: string; reasons: string[]; assigneeConfigured: boolean }): CommentText {
  const lines = [
    `certdesk: Zendesk refused to set this ticket's status to ${input.status}, so certdesk's next comment was posted without changing the status.`,
    '',
    `Zendesk said: ${input.reasons.length ? input.reasons.join('; ') : 'the update is invalid (no details given)'}.`,
    '',
  ];
  if (input.status === 'solved') {
    lines.push(
      input.assigneeConfigured
        ? 'Assign the ticket (or fill the fields required to solve it), then solve it. The assignee set in ZENDESK_ASSIGNEE_ID was not enough: check that the agent and group still exist.'
        : 'Assign the ticket to an agent and solve it. To let certdesk solve tickets itself, set ZENDESK_ASSIGNEE_ID (and ZENDESK_GROUP_ID) to the agent it should assign.',
    );
  } else if (input.status === 'hold') {
    lines.push(
      'The account has no On-hold status: activate it in Admin Center (Objects and rules > Tickets > Settings), or map this state to another status with ZENDESK_STATUSES.',
    );
  } else {
    lines.push(`Set the status by hand if it matters, and check certdesk's ZENDESK_STATUSES setting.`);
  }
  return { body: lines.join('\n') };
}

/** Zendesk's 422 `details` (field → [{ description }]) as plain sentences. */
export function refusalReasons(details: unknown): string[] {
  if (!details || typeof details !== 'object') return [];
  const out: string[] = [];
  for (const [field, entries] of Object.entries(details as Record<string, unknown>)) {
    for (const e of Array.isArray(entries) ? entries : [entries]) {
      const d = e && typeof e === 'object' ? (e as { description?: unknown }).description : e;
      out.push(typeof d === 'string' && d ? d : `${field} is invalid`);
    }
  }
  return out;
}
