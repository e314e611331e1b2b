import { NonRetryableError } from '../lib/errors.js';

export type AttachmentRefusal = 'invalid_url' | 'host_not_allowed' | 'too_many_redirects' | 'too_large';

/**
 * certdesk would not fetch (or keep) this attachment; asking again gives the same answer. Thrown by
 * the Zendesk port's `downloadAttachment` (adapters/zendesk/download-attachment.ts); the renewal
 * jobs tell the customer why instead of failing the job.
 */
export class AttachmentRefusedError extends NonRetryableError {
  override readonly name = 'AttachmentRefusedError';
  constructor(
    readonly reason: AttachmentRefusal,
    message: string,
  ) {
    super(message);
  }
}
