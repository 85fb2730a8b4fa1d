import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpError, sendMail } from '../../../lib/net/smtp.ts';
import { selfSignedCertificate } from './certificate.ts';
import { type SmtpSink, startSmtpSink } from './smtp-sink.ts';

const envelope = {
  from: 'hub@example.com',
  to: ['a@example.com', 'b@example.com'],
  data: 'Subject: hi\r\n\r\nfirst line\r\n.a line starting with a dot\r\n..two dots\nbare LF line\r\n',
};

describe('sendMail to a server without STARTTLS', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  it('delivers the envelope and the message, dot-stuffed on the wire and restored by the server', async () => {
    const reply = await sendMail({ url: sink.url(), timeoutMs: 5_000 }, envelope);
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
    await expect(sendMail({ url: sink.url(), timeoutMs: 5_000, requireTls: true }, envelope)).rejects.toThrow(
      'SMTP server offers no STARTTLS and TLS is required',
    );
    expect(sink.received).toHaveLength(before);
  });

  it('never sends credentials in clear', async () => {
    await expect(sendMail({ url: sink.url('hub:secret@'), timeoutMs: 5_000 }, envelope)).rejects.toThrow(
      'credentials are not sent without TLS',
    );
  });

  it('refuses a URL that is not smtp or smtps', async () => {
    await expect(sendMail({ url: 'http://127.0.0.1:25', timeoutMs: 1_000 }, envelope)).rejects.toThrow(
      'SMTP_URL must start with smtp:// or smtps://',
    );
  });
});

describe('sendMail to a server offering STARTTLS', () => {
  const certificate = selfSignedCertificate();
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ tls: certificate, credentials: { user: 'hub', pass: 'p@ss:word' } });
  });
  afterAll(() => sink.close());

  it('upgrades to TLS, checking the certificate, then authenticates', async () => {
    await sendMail(
      { url: sink.url(`hub:${encodeURIComponent('p@ss:word')}@`), timeoutMs: 5_000, ca: certificate.cert },
      envelope,
    );
    expect(sink.received.at(-1)).toMatchObject({ secure: true, user: 'hub', to: envelope.to });
  });

  it('sends without credentials too, still over TLS', async () => {
    await sendMail({ url: sink.url(), timeoutMs: 5_000, ca: certificate.cert, requireTls: true }, envelope);
    expect(sink.received.at(-1)).toMatchObject({ secure: true, user: undefined });
  });

  it('fails when the certificate is not trusted, sending nothing', async () => {
    const before = sink.received.length;
    await expect(sendMail({ url: sink.url(), timeoutMs: 5_000 }, envelope)).rejects.toThrow(/self[- ]signed/i);
    expect(sink.received).toHaveLength(before);
  });

  it('reports refused credentials as an SMTP error with the code', async () => {
    const failure = await sendMail(
      { url: sink.url('hub:wrong@'), timeoutMs: 5_000, ca: certificate.cert },
      envelope,
    ).catch((error) => error);
    expect(failure).toBeInstanceOf(SmtpError);
    expect(failure.code).toBe(535);
  });
});

describe('sendMail to a server refusing the recipient', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ refuseRecipient: 550 });
  });
  afterAll(() => sink.close());

  it('throws an SmtpError carrying the reply code', async () => {
    const failure = await sendMail({ url: sink.url(), timeoutMs: 5_000 }, envelope).catch((error) => error);
    expect(failure).toBeInstanceOf(SmtpError);
    expect(failure.code).toBe(550);
    expect(failure.message).toMatch(/^SMTP RCPT TO refused: 550 /);
    expect(sink.received).toHaveLength(0);
  });
});

describe('sendMail over smtps:// (TLS from the start)', () => {
  const certificate = selfSignedCertificate();
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ tls: certificate, implicitTls: true, credentials: { user: 'hub', pass: 'pw' } });
  });
  afterAll(() => sink.close());

  it('delivers over TLS and authenticates, checking the certificate', async () => {
    await sendMail({ url: sink.url('hub:pw@'), timeoutMs: 5_000, ca: certificate.cert, requireTls: true }, envelope);
    expect(sink.received.at(-1)).toMatchObject({ secure: true, user: 'hub' });
    await expect(sendMail({ url: sink.url('hub:pw@'), timeoutMs: 5_000 }, envelope)).rejects.toThrow(/self[- ]signed/i);
    expect(sink.received).toHaveLength(1);
  });
});
