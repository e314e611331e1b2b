import type { RenewalTimeline } from '../../core/agent-app/renewal-timeline.js';
import { describeState } from '../../core/agent-app/describe-state.js';
import type { RenewalState } from '../../core/workflow/renewal-states.js';

const EFFECT_MARK = { done: 'done', claimed: 'CLAIMED, NOT CONFIRMED', owed: 'NOT PERFORMED YET' } as const;

/** `renewal show` as text: a header, the timeline, then the jobs. Times are UTC, ISO 8601. */
export function formatRenewalTimeline(
  renewal: { ticketId: number; state: RenewalState; site: string | null; createdAt: number; updatedAt: number },
  timeline: RenewalTimeline,
): string {
  const lines = [
    `Renewal of ticket ${renewal.ticketId}${renewal.site ? ` for ${renewal.site}` : ''}`,
    `State: ${renewal.state} (${describeState(renewal.state).label}), last changed ${new Date(renewal.updatedAt).toISOString()}; opened ${new Date(renewal.createdAt).toISOString()}`,
    '',
    'Timeline',
  ];
  if (timeline.entries.length === 0) lines.push('  (nothing recorded)');
  for (const entry of timeline.entries) {
    if (entry.type === 'transition') {
      lines.push(`  ${entry.at}  ${entry.from} -> ${entry.to}  [${entry.event}]${entry.pending ? '  (effects still owed)' : ''}`);
      lines.push(`  ${' '.repeat(24)}  ${entry.description}`);
      for (const e of entry.effects) lines.push(`  ${' '.repeat(24)}    ${e.effect}: ${EFFECT_MARK[e.status]}${e.at ? ` ${e.at}` : ''}`);
    } else {
      lines.push(`  ${entry.at}  ${entry.actor}: ${entry.description}`);
      if (entry.error) lines.push(`  ${' '.repeat(24)}    error: ${entry.error}`);
    }
  }
  lines.push('', `Jobs (${timeline.jobs.length})`);
  if (timeline.jobs.length === 0) lines.push('  (none)');
  for (const job of timeline.jobs) {
    const attempts = `${job.attempts} of ${job.maxAttempts} attempt${job.maxAttempts === 1 ? '' : 's'}`;
    const end = job.finishedAt ? `, ${job.state === 'dead' ? 'died' : 'finished'} ${job.finishedAt}` : '';
    lines.push(`  ${job.queuedAt}  job ${job.id} ${job.kind}: ${job.state}, ${attempts}${end}`);
    if (job.lastError) lines.push(`  ${' '.repeat(24)}    last error: ${job.lastError}`);
  }
  return lines.join('\n') + '\n';
}
