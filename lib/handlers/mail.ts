// UserNotification sendmail: recipients, subject and body filled from the event, one message
// handed to a transport (SMTP, or SES v2 in AWS).
import { randomUUID } from 'node:crypto';
import type { Event } from '../events/event.ts';
import { emailAddress } from './email-address.ts';
import { PermanentFailure } from './failure.ts';
import { escapeHtml, fillTags, noteUnknownTags } from './tags.ts';

export interface MailOptions {
  To: string;
  'To email'?: string;
  subject?: string;
  body?: string;
  mimetype?: string;
  reply_to?: string;
}

export interface Mail {
  from: string;
  to: string[];
  replyTo?: string;
  subject: string;
  body: string;
  html: boolean;
}

export interface MailTransport {
  readonly name: string;
  /** Sends one message; resolves with a note (the server's reply or message id). */
  send(mail: Mail): Promise<string>;
}

export const defaultSubject = 'idp-event-hub: {action}';
export const defaultBody = 'Event {action} from {app} for user {username} at {created} (event {event_uuid}).';

function checkedAddress(value: string, what: string): string {
  const trimmed = value.trim();
  if (!emailAddress.test(trimmed)) throw new PermanentFailure(`${what} '${trimmed}' is not an email address`);
  return trimmed;
}

/** Builds the message; throws PermanentFailure when there is no valid recipient. */
export function composeMail(options: MailOptions, event: Event, from: string): { mail: Mail; notes: string[] } {
  let to: string[];
  if (options.To === 'event_user') {
    const email = event.user.email;
    if (typeof email !== 'string' || email === '') throw new PermanentFailure('the event has no user.email to notify');
    to = [checkedAddress(email, 'user.email')];
  } else {
    to = (options['To email'] ?? '')
      .split(',')
      .filter((a) => a.trim() !== '')
      .map((a) => checkedAddress(a, 'To email'));
    if (to.length === 0) throw new PermanentFailure('To email lists no address');
  }
  const html = options.mimetype === 'html';
  const subject = fillTags(options.subject || defaultSubject, event);
  const body = fillTags(options.body || defaultBody, event, html ? escapeHtml : undefined);
  return {
    mail: {
      from,
      to,
      replyTo: options.reply_to ? checkedAddress(options.reply_to, 'reply_to') : undefined,
      // A header never carries a line break from a template or an event.
      subject: subject.text.replace(/[\r\n]+/g, ' '),
      body: body.text,
      html,
    },
    notes: [`to ${to.join(', ')}`, ...noteUnknownTags([...subject.unknown, ...body.unknown])],
  };
}

/** RFC 2047 encoded words of at most 75 characters, never splitting a character. */
function encodeHeader(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const character of value) {
    if (Buffer.byteLength(chunk + character) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** The RFC 5322 message: UTF-8 body in base64, so any text and any line length are safe. */
export function mimeMessage(mail: Mail, now: Date): string {
  const domain = mail.from.split('@')[1] ?? 'localhost';
  const lines = [
    `From: ${mail.from}`,
    `To: ${mail.to.join(', ')}`,
    ...(mail.replyTo ? [`Reply-To: ${mail.replyTo}`] : []),
    `Subject: ${encodeHeader(mail.subject)}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@${domain}>`,
    'MIME-Version: 1.0',
    `Content-Type: text/${mail.html ? 'html' : 'plain'}; charset=utf-8`,
    'Content-Transfer-Encoding: base64',
    '',
    ...(Buffer.from(mail.body, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []),
    '',
  ];
  return lines.join('\r\n');
}
