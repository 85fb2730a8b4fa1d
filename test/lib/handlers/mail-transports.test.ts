import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentFailure } from '../../../lib/handlers/failure.ts';
import type { Mail } from '../../../lib/handlers/mail.ts';
import { sesTransport, smtpTransport } from '../../../lib/handlers/mail-transports.ts';
import { selfSignedCertificate } from '../net/certificate.ts';
import { parseMessage, type SmtpSink, startSmtpSink } from '../net/smtp-sink.ts';

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
