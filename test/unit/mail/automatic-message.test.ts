import { describe, expect, it } from 'vitest';
import { automaticMessageReason } from '../../../src/core/mail/automatic-message.js';

describe('automatic messages', () => {
  it.each([
    [{ from: 'a@b.example', autoSubmitted: 'auto-replied' }, 'Auto-Submitted: auto-replied'],
    [{ from: 'a@b.example', autoSubmitted: 'Auto-Generated' }, 'Auto-Submitted: auto-generated'],
    [{ from: 'a@b.example', precedence: 'bulk' }, 'Precedence: bulk'],
    [{ from: 'a@b.example', contentType: 'multipart/report; report-type=delivery-status' }, 'a delivery report'],
    [{ from: 'MAILER-DAEMON@mx.example' }, 'sent by MAILER-DAEMON@mx.example'],
    [{ from: 'a@b.example', autoReplyMarker: true }, 'an automatic reply'],
  ])('recognises %j', (headers, reason) => {
    expect(automaticMessageReason(headers)).toBe(reason);
  });

  it.each([
    [{ from: 'a@b.example' }],
    [{ from: 'a@b.example', autoSubmitted: 'no' }],
    [{ from: 'a@b.example', precedence: 'first-class' }],
    [{ from: 'a@b.example', contentType: 'multipart/mixed' }],
  ])('takes %j for a person', (headers) => {
    expect(automaticMessageReason(headers)).toBeNull();
  });
});
