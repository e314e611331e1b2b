import { describe, expect, it } from 'vitest';
import { findTicketReference, ticketNumberInSubject, withTicketTag } from '../../../src/core/mail/ticket-reference.js';
import { domainOfAddress, makeMessageId, messageIdList, normalizeMessageId } from '../../../src/core/mail/message-id.js';

describe('the ticket number in a subject', () => {
  it.each([
    ['Re: [#1234] Certificate signing request ready', 1234],
    ['AW: WG: [#77] Zertifikat', 77],
    ['RE: (#42) renewal', 42],
    ['Ticket #9001: still waiting', 9001],
    ['Your request #15 has been updated', 15],
    ['Case # 8 follow-up', 8],
    ['Re: #1234 certificate', 1234],
    ['Fwd: Re: #55', 55],
    ['SV: [#3] and also [#4]', 3],
  ])('finds it in "%s"', (subject, id) => {
    expect(ticketNumberInSubject(subject)).toBe(id);
  });

  it.each([
    ['Order #1234 confirmation'],
    ['Invoice 1234'],
    ['Certificate renewal for my.example.com'],
    ['[#0] zero is no ticket'],
    ['[#99999999999999999] beyond a safe integer'],
    [''],
  ])('finds none in "%s"', (subject) => {
    expect(ticketNumberInSubject(subject)).toBeNull();
  });

  it('tags a subject once', () => {
    expect(withTicketTag('New certificate installed', 7)).toBe('[#7] New certificate installed');
    expect(withTicketTag('[#7] New certificate installed', 7)).toBe('[#7] New certificate installed');
  });
});

describe('Message-IDs', () => {
  it.each([
    ['<ABC.123@Example.COM>', 'abc.123@example.com'],
    ['  <a@b>  ', 'a@b'],
    ['a@b', 'a@b'],
    ['<>', null],
    ['', null],
    ['<a b@c>', 'ab@c'],
    ['<a<b@c>', null],
  ])('normalises %j to %j', (value, expected) => {
    expect(normalizeMessageId(value)).toBe(expected);
  });

  it('lists In-Reply-To first, then References newest first, each once', () => {
    expect(messageIdList('<c@x>', ['<a@x>', '<b@x>', '<c@x>'])).toEqual(['c@x', 'b@x', 'a@x']);
    expect(messageIdList(undefined, '<a@x>\r\n <B@x>')).toEqual(['b@x', 'a@x']);
  });

  it('makes certdesk Message-IDs in the domain of MAIL_FROM', () => {
    expect(domainOfAddress('Certdesk <certdesk@Certdesk.Example>')).toBe('certdesk.example');
    expect(domainOfAddress('nobody')).toBeNull();
    expect(makeMessageId('8d1c4a52-7f0e', 'certdesk.example')).toBe('<certdesk.8d1c4a52-7f0e@certdesk.example>');
  });
});

describe('which ticket a message belongs to', () => {
  const sent = new Map([['sent-1@certdesk.example', 10]]);
  const lookup = (ids: string[]) => ids.map((id) => sent.get(id)).find((t) => t !== undefined) ?? null;

  it.each([
    ['a reply to a message certdesk sent', { inReplyTo: '<SENT-1@certdesk.example>', subject: 'Re: hello' }, { ticketId: 10, via: 'thread' }],
    [
      'a thread certdesk sent into, even with another number in the subject',
      { references: ['<x@y>', '<sent-1@certdesk.example>'], subject: '[#99] hi' },
      { ticketId: 10, via: 'thread' },
    ],
    ['a ticket number in the subject', { inReplyTo: '<unknown@elsewhere>', subject: 'Re: [#99] hi' }, { ticketId: 99, via: 'subject' }],
    ['a new message', { subject: 'Please renew' }, null],
  ])('%s', (_name, mail, expected) => {
    expect(findTicketReference(mail, lookup)).toEqual(expected);
  });
});
