import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentFailure } from '../../../lib/handlers/failure.ts';
import type { Mail } from '../../../lib/handlers/mail.ts';
import { SmtpError, sendSmtp, sesTransport, smtpTransport } from '../../../lib/handlers/mail-transports.ts';
import { selfSignedCertificate } from '../net/certificate.ts';
import { parseMessage, type SmtpSink, startSmtpSink } from '../net/smtp-sink.ts';

const envelope = {
  from: 'hub@example.com',
  to: ['a@example.com', 'b@example.com'],
  data: 'Subject: hi\r\n\r\nfirst line\r\n.a line starting with a dot\r\n..two dots\nbare LF line\r\n',
};

describe('sendSmtp to a server without STARTTLS', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  it('delivers the envelope and the message, dot-stuffed on the wire and restored by the server', async () => {
    const reply = await sendSmtp({ url: sink.url(), timeoutMs: 5_000 }, envelope);
    expect(reply).toMatch(/queued|ok/i);
    expect(sink.received).toHaveLength(1);
    const [mail] = sink.received;
    expect(mail).toMatchObject({ from: 'hub@example.com', to: ['a@example.com', 'b@example.com'], secure: false });
    expect(mail?.data).toBe(
      'Subject: hi\r\n\r\nfirst line\r\n.a line starting with a dot\r\n..two dots\r\nbare LF line\r\n',
    );
  });

  it('refuses to send when TLS is required and not offered', async () => {
    const before = sink.received.length;
    await expect(sendSmtp({ url: sink.url(), timeoutMs: 5_000, requireTls: true }, envelope)).rejects.toThrow(
      'SMTP server offers no STARTTLS and TLS is required',
    );
    expect(sink.received).toHaveLength(before);
  });

  it('never sends credentials in clear', async () => {
    await expect(sendSmtp({ url: sink.url('hub:secret@'), timeoutMs: 5_000 }, envelope)).rejects.toThrow(
      'credentials are not sent without TLS',
    );
  });

  it('refuses a URL that is not smtp or smtps', async () => {
    await expect(sendSmtp({ url: 'http://127.0.0.1:25', timeoutMs: 1_000 }, envelope)).rejects.toThrow(
      'SMTP_URL must start with smtp:// or smtps://',
    );
  });
});

describe('sendSmtp to a server offering STARTTLS', () => {
  const certificate = selfSignedCertificate();
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ tls: certificate, credentials: { user: 'hub', pass: 'p@ss:word' } });
  });
  afterAll(() => sink.close());

  it('upgrades to TLS, checking the certificate, then authenticates', async () => {
    await sendSmtp(
      { url: sink.url(`hub:${encodeURIComponent('p@ss:word')}@`), timeoutMs: 5_000, ca: certificate.cert },
      envelope,
    );
    expect(sink.received.at(-1)).toMatchObject({ secure: true, user: 'hub', to: envelope.to });
  });

  it('sends without credentials too, still over TLS', async () => {
    await sendSmtp({ url: sink.url(), timeoutMs: 5_000, ca: certificate.cert, requireTls: true }, envelope);
    expect(sink.received.at(-1)).toMatchObject({ secure: true, user: undefined });
  });

  it('fails when the certificate is not trusted, sending nothing', async () => {
    const before = sink.received.length;
    await expect(sendSmtp({ url: sink.url(), timeoutMs: 5_000 }, envelope)).rejects.toThrow(/self[- ]signed/i);
    expect(sink.received).toHaveLength(before);
  });

  it('reports refused credentials as an SMTP error with the code', async () => {
    const failure = await sendSmtp(
      { url: sink.url('hub:wrong@'), timeoutMs: 5_000, ca: certificate.cert },
      envelope,
    ).catch((error) => error);
    expect(failure).toBeInstanceOf(SmtpError);
    expect(failure.code).toBe(535);
  });
});

describe('sendSmtp to a server refusing the recipient', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ refuseRecipient: 550 });
  });
  afterAll(() => sink.close());

  it('throws an SmtpError carrying the reply code', async () => {
    const failure = await sendSmtp({ url: sink.url(), timeoutMs: 5_000 }, envelope).catch((error) => error);
    expect(failure).toBeInstanceOf(SmtpError);
    expect(failure.code).toBe(550);
    expect(failure.message).toMatch(/^SMTP RCPT TO refused: 550 /);
    expect(sink.received).toHaveLength(0);
  });
});

describe('sendSmtp to a server refusing one of the recipients', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ refuseRecipient: 550, refuseOnly: 'b@example.com' });
  });
  afterAll(() => sink.close());

  it('delivers to the accepted ones and names the refused one in the reply (a retry would send it twice)', async () => {
    const reply = await sendSmtp({ url: sink.url(), timeoutMs: 5_000 }, envelope);
    expect(reply).toMatch(/; refused b@example\.com: 550 /);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]?.to).toEqual(['a@example.com']);
  });
});

describe('sendSmtp and the query of SMTP_URL', () => {
  const certificate = selfSignedCertificate();
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ tls: certificate });
  });
  afterAll(() => sink.close());

  it('takes no transport options from it', async () => {
    await expect(
      sendSmtp({ url: `${sink.url()}/?ignoreTLS=true&tls.rejectUnauthorized=false`, timeoutMs: 5_000 }, envelope),
    ).rejects.toThrow(/self[- ]signed/i);
    expect(sink.received).toHaveLength(0);
  });
});

describe('sendSmtp over smtps:// (TLS from the start)', () => {
  const certificate = selfSignedCertificate();
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ tls: certificate, implicitTls: true, credentials: { user: 'hub', pass: 'pw' } });
  });
  afterAll(() => sink.close());

  it('delivers over TLS and authenticates, checking the certificate', async () => {
    await sendSmtp({ url: sink.url('hub:pw@'), timeoutMs: 5_000, ca: certificate.cert, requireTls: true }, envelope);
    expect(sink.received.at(-1)).toMatchObject({ secure: true, user: 'hub' });
    await expect(sendSmtp({ url: sink.url('hub:pw@'), timeoutMs: 5_000 }, envelope)).rejects.toThrow(/self[- ]signed/i);
    expect(sink.received).toHaveLength(1);
  });
});

const mail: Mail = {
  from: 'hub@example.com',
  to: ['alice@example.com'],
  replyTo: 'help@example.com',
  subject: 'Login failed für alice',
  body: '<p>Someone tried to log in as alice.</p>',
  html: true,
};

describe('smtpTransport over STARTTLS', () => {
  const certificate = selfSignedCertificate();
  const dir = mkdtempSync(join(tmpdir(), 'smtp-ca-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, certificate.cert);
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ tls: certificate });
  });
  afterAll(async () => {
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers the message over TLS, trusting the CA file', async () => {
    const note = await smtpTransport({ url: sink.url(), timeoutMs: 5_000, caFile }).send(mail);
    expect(note).toMatch(/^smtp: /);
    const [received] = sink.received;
    expect(received).toMatchObject({ from: 'hub@example.com', to: ['alice@example.com'], secure: true });
    const { headers, body } = parseMessage(received?.data ?? '');
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headers['reply-to']).toBe('help@example.com');
    expect(body).toBe(mail.body);
  });
});

describe('smtpTransport failures', () => {
  it('makes a 5xx refusal permanent and a 4xx one retryable', async () => {
    const permanent = await startSmtpSink({ refuseRecipient: 550 });
    const transient = await startSmtpSink({ refuseRecipient: 451 });
    try {
      const hard = await smtpTransport({ url: permanent.url(), timeoutMs: 5_000 })
        .send(mail)
        .catch((error) => error);
      expect(hard).toBeInstanceOf(PermanentFailure);
      expect(hard.message).toMatch(/^SMTP RCPT TO refused: 550/);
      const soft = await smtpTransport({ url: transient.url(), timeoutMs: 5_000 })
        .send(mail)
        .catch((error) => error);
      expect(soft).toBeInstanceOf(Error);
      expect(soft).not.toBeInstanceOf(PermanentFailure);
      expect(soft.message).toMatch(/^SMTP RCPT TO refused: 451/);
    } finally {
      await permanent.close();
      await transient.close();
    }
  });

  it('fails (to be retried) when nothing listens', async () => {
    const sink = await startSmtpSink();
    const url = sink.url();
    await sink.close();
    const failure = await smtpTransport({ url, timeoutMs: 2_000 })
      .send(mail)
      .catch((error) => error);
    expect(failure).not.toBeInstanceOf(PermanentFailure);
    expect(failure.code).toBe('ECONNREFUSED');
  });
});

describe('sesTransport', () => {
  // SES is the one outbound edge mocked: at the SDK client, so the command built is the real one.
  function fakeClient() {
    const sent: SendEmailCommand[] = [];
    const client = {
      send: async (command: SendEmailCommand) => {
        sent.push(command);
        return { MessageId: 'ses-message-1' };
      },
    } as unknown as SESv2Client;
    return { client, sent };
  }

  it('sends an HTML mail as SES v2 Simple content', async () => {
    const { client, sent } = fakeClient();
    expect(await sesTransport(client).send(mail)).toBe('ses: ses-message-1');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(SendEmailCommand);
    expect(sent[0]?.input).toEqual({
      FromEmailAddress: 'hub@example.com',
      Destination: { ToAddresses: ['alice@example.com'] },
      ReplyToAddresses: ['help@example.com'],
      Content: {
        Simple: {
          Subject: { Data: 'Login failed für alice', Charset: 'UTF-8' },
          Body: { Html: { Data: mail.body, Charset: 'UTF-8' } },
        },
      },
    });
  });

  it('sends plain text as Text, without Reply-To when there is none', async () => {
    const { client, sent } = fakeClient();
    await sesTransport(client).send({ ...mail, html: false, replyTo: undefined });
    expect(sent[0]?.input.Content?.Simple?.Body).toEqual({ Text: { Data: mail.body, Charset: 'UTF-8' } });
    expect(sent[0]?.input.ReplyToAddresses).toBeUndefined();
  });
});
