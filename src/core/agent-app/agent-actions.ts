import { COMMAND_TAGS, type RenewalState } from '../workflow/renewal-states.js';
import { statesAccepting } from '../workflow/transitions.js';
import { describeState } from './describe-state.js';

/** The commands the agent app offers as buttons; each has the same effect as its agent tag. */
export const AGENT_ACTIONS = ['regenerate_csr', 'retry_install'] as const;
export type AgentAction = (typeof AGENT_ACTIONS)[number];

const ACTION_TEXT: Record<AgentAction, { label: string; does: string }> = {
  regenerate_csr: {
    label: 'Regenerate CSR',
    does: 'Retires the current key, generates a new key pair and sends the customer a new CSR.',
  },
  retry_install: {
    label: 'Retry install',
    does: 'Installs the accepted certificate again; the old certificate keeps serving until the new one is verified live.',
  },
};

export function isAgentAction(value: unknown): value is AgentAction {
  return typeof value === 'string' && (AGENT_ACTIONS as readonly string[]).includes(value);
}

/** The tag an action adds to the ticket (the workflow acts on it, then removes it). */
export function actionTag(action: AgentAction): string {
  return COMMAND_TAGS[action];
}

export interface ActionAvailability {
  action: AgentAction;
  label: string;
  tag: string;
  available: boolean;
  /** What the action does when available; why it is not, otherwise. */
  explanation: string;
}

/**
 * Whether `action` applies to a renewal in `state`, read from the workflow's transition table so
 * the buttons can never disagree with what the tag would do.
 */
export function actionAvailability(action: AgentAction, state: RenewalState): ActionAvailability {
  const accepting = statesAccepting(action);
  const available = accepting.includes(state);
  const { label, does } = ACTION_TEXT[action];
  const where = accepting.map((s) => describeState(s).label.toLowerCase()).join(' or ');
  return {
    action,
    label,
    tag: actionTag(action),
    available,
    explanation: available ? does : `${label} applies only when the renewal is ${where}; this one is ${describeState(state).label.toLowerCase()}.`,
  };
}
