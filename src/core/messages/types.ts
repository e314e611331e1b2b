/** A Zendesk comment's plain-text body; whether it is public is decided by the caller. */
export interface CommentText {
  body: string;
}

/** The renewal states of DESIGN §1. */
export type RenewalStateName =
  | 'ignored'
  | 'needs_info'
  | 'needs_review'
  | 'rejected'
  | 'awaiting_certificate'
  | 'installing'
  | 'installed'
  | 'install_failed';

/** The agent command tags of DESIGN §1. */
export type AgentCommandTag = 'cert_renewal_approve' | 'cert_renewal_regenerate_csr' | 'cert_renewal_retry_install';
