import type { RenewalState, COMMAND_TAGS } from '../workflow/renewal-states.js';

/** A Zendesk comment's plain-text body; whether it is public is decided by the caller. */
export interface CommentText {
  body: string;
}

/** The renewal states of DESIGN §1. */
export type RenewalStateName = RenewalState;

/** The agent command tags of DESIGN §1. */
export type AgentCommandTag = (typeof COMMAND_TAGS)[keyof typeof COMMAND_TAGS];
