import { describe, expect, it } from 'vitest';
import { PermanentFailure } from '../../../lib/handlers/failure.ts';
import { composeMail, defaultBody, type MailOptions, mimeMessage } from '../../../lib/handlers/mail.ts';
import { parseMessage } from '../net/smtp-sink.ts';
import { sampleEvent } from './event.ts';

const event = sampleEvent();
const from = 'hub@example.com';
const compose = (options: Partial<MailOptions>, overrides = {}) =>
  composeMail({ To: 'event_user', ...options } as MailOptions, sampleEvent(overrides), from);

describe('composeMail', () => {
  it("sends to the event's user.email with the default subject and body", () => {
    const { mail, notes } = compose({});
    expect(mail).toEqual({
      from,
      to: ['alice@example.com'],
      replyTo: undefined,
      subject: 'idp-event-hub: login_failed',
      body: `Event login_failed from authentik.core for user alice at ${event.created} (event ${event.pk}).`,
      html: false,
    });
    expect(defaultBody).toContain('{event_uuid}');
    expect(notes).toEqual(['to alice@example.com']);
  });

  it('sends to the listed addresses when To is email', () => {
    const { mail } = compose({ To: 'email', 'To email': ' sec@example.com, ops@example.org ,' });
    expect(mail.to).toEqual(['sec@example.com', 'ops@example.org']);
  });

  it.each([
    [
      'the event has no user.email',
      { To: 'event_user' },
      { user: { username: 'bob' } },
      'the event has no user.email to notify',
    ],
    [
      'user.email is not an address',
      { To: 'event_user' },
      { user: { email: 'bob <b@x>\r\nBcc: e@vil' } },
      'is not an email address',
    ],
    ['To email lists nothing', { To: 'email', 'To email': ' , ' }, {}, 'To email lists no address'],
    [
      'To email holds a bad address',
      { To: 'email', 'To email': 'a@b.c, not-an-address' },
      {},
      "To email 'not-an-address'",
    ],
    ['reply_to is not an address', { reply_to: 'x\r\ny@z' }, {}, 'reply_to'],
  ])('fails permanently when %s', (_what, options, overrides, message) => {
    let failure: unknown;
    try {
      compose(options as Partial<MailOptions>, overrides);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(PermanentFailure);
    expect((failure as Error).message).toContain(message);
  });

  it('fills tags; HTML-escapes the filled values (not the template) for html', () => {
    const overrides = { user: { username: '<b>"eve"</b> & co', email: 'eve@example.com' } };
    const html = compose(
      { mimetype: 'html', subject: 'Hi {username}', body: '<p>User {username} from {client_ip}</p>' },
      overrides,
    );
    expect(html.mail.html).toBe(true);
    expect(html.mail.body).toBe('<p>User &lt;b&gt;&quot;eve&quot;&lt;/b&gt; &amp; co from 198.51.100.7</p>');
    // The subject is a header, not HTML: never escaped.
    expect(html.mail.subject).toBe('Hi <b>"eve"</b> & co');
    const plain = compose({ mimetype: 'plain', body: 'User {username}' }, overrides);
    expect(plain.mail.body).toBe('User <b>"eve"</b> & co');
  });

  it('keeps line breaks out of the subject and notes unknown tags', () => {
    const { mail, notes } = compose(
      { subject: '{context.reason} {nope}', reply_to: 'help@example.com' },
      {
        context: { reason: 'line one\r\nBcc: evil@example.com' },
      },
    );
    expect(mail.subject).toBe('line one Bcc: evil@example.com {nope}');
    expect(mail.replyTo).toBe('help@example.com');
    expect(notes).toContain('unknown tags left as written: {nope}');
  });
});

describe('mimeMessage', () => {
  it('writes headers and a base64 UTF-8 body that decodes to the text', () => {
    const body = `Grüße ✓\n.dot line\n${'x'.repeat(500)}`;
    const text = mimeMessage(
      {
        from,
        to: ['a@example.com', 'b@example.com'],
        replyTo: 'r@example.com',
        subject: 'plain subject',
        body,
        html: true,
      },
      new Date('2026-11-30T04:00:00Z'),
    );
    expect(text.split('\r\n').every((line) => line.length <= 998)).toBe(true);
    const { headers, body: decoded } = parseMessage(text);
    expect(headers).toMatchObject({
      from,
      to: 'a@example.com, b@example.com',
      'reply-to': 'r@example.com',
      subject: 'plain subject',
      date: 'Mon, 30 Nov 2026 04:00:00 +0000',
      'mime-version': '1.0',
      'content-type': 'text/html; charset=utf-8',
      'content-transfer-encoding': 'base64',
    });
    expect(headers['message-id']).toMatch(/^<[0-9a-f-]{36}@example\.com>$/);
    expect(decoded).toBe(body);
  });

  it('encodes a non-ASCII subject as RFC 2047 words of at most 75 characters', () => {
    const subject = `Anmeldung fehlgeschlagen für Jürgen ✓ ${'ä'.repeat(40)}`;
    const text = mimeMessage({ from, to: ['a@example.com'], subject, body: 'x', html: false }, new Date());
    const { headers } = parseMessage(text);
    const words = headers.subject?.split(' ') ?? [];
    expect(words.length).toBeGreaterThan(1);
    expect(words.every((word) => /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/.test(word) && word.length <= 75)).toBe(true);
    const decoded = words.map((word) => Buffer.from(word.slice(10, -2), 'base64').toString('utf8')).join('');
    expect(decoded).toBe(subject);
  });
});
