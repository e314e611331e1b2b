import type { TicketStatus, ZendeskApi } from '../../ports/zendesk.js';
import { ZendeskApiError } from '../../ports/zendesk-api-error.js';
import { resolveStatusTable, type StatusState, type StatusTable } from '../../core/workflow/status-table.js';
import type { Logger } from '../../lib/logger.js';

/** The status each renewal state sets in this account (see `resolveStatusTable`). */
export interface AccountStatuses {
  forState(state: StatusState): Promise<TicketStatus>;
  /** Forgets what was read, so the next update reads the account's settings again (after a refusal). */
  refresh(): void;
}

/**
 * Reads the account's settings once (On-hold active or not) and resolves the status table from
 * them and the operator's overrides. A failure is not remembered: the next job asks again. An
 * account whose settings certdesk may not read (403/404) is taken as one without On-hold, whose
 * statuses every account has.
 */
export function accountStatuses(
  zendesk: Pick<ZendeskApi, 'getAccountSettings'>,
  overrides: Partial<Record<StatusState, TicketStatus>>,
  logger: Logger,
): AccountStatuses {
  let table: Promise<StatusTable> | null = null;
  const read = async (): Promise<StatusTable> => {
    try {
      return resolveStatusTable(overrides, await zendesk.getAccountSettings());
    } catch (error) {
      if (!(error instanceof ZendeskApiError) || (error.status !== 403 && error.status !== 404)) throw error;
      logger.warn({ status: error.status }, 'cannot read the account settings; assuming On-hold is off');
      return resolveStatusTable(overrides, { onHold: false });
    }
  };
  return {
    async forState(state) {
      table ??= read().catch((error: unknown) => {
        table = null;
        throw error;
      });
      return (await table)[state];
    },
    refresh() {
      table = null;
    },
  };
}
