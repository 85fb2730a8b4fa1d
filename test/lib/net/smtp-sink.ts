// A real SMTP server (the smtp-server package) on loopback for mail tests, plain or offering
// STARTTLS with a self-signed certificate (certificate.ts).
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
  secure: boolean;
  user?: string;
}

export interface SinkOptions {
  /** Offer STARTTLS with this key and certificate; without it the server offers no STARTTLS. */
  tls?: { key: string; cert: string };
  /** Accepted credentials (AUTH PLAIN/LOGIN); without it no AUTH is offered. */
  credentials?: { user: string; pass: string };
  /** TLS from the first byte (smtps://) with `tls`, instead of STARTTLS. */
  implicitTls?: boolean;
  /** Refuse RCPT TO with this reply code. */
  refuseRecipient?: number;
  /** Refuse only this address (with `refuseRecipient`), accepting the others. */
  refuseOnly?: string;
}

export async function startSmtpSink(options: SinkOptions = {}) {
  const received: ReceivedMail[] = [];
  const settings: SMTPServerOptions = {
    secure: options.implicitTls === true,
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(options.credentials ? [] : ['AUTH'])],
    ...(options.tls && { key: options.tls.key, cert: options.tls.cert }),
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.credentials?.user && auth.password === options.credentials?.pass;
      callback(ok ? null : new Error('Invalid username or password'), ok ? { user: auth.username } : undefined);
    },
    onRcptTo(address, _session, callback) {
      if (!options.refuseRecipient || (options.refuseOnly && address.address !== options.refuseOnly)) return callback();
      const error = new Error(`mailbox ${address.address} refused`) as Error & { responseCode: number };
      error.responseCode = options.refuseRecipient;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          data: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: (session.user as string | false | undefined) || undefined,
        });
        callback(null);
      });
    },
  };
  const server = new SMTPServer(settings);
  // A client that refuses the certificate drops the connection: expected in some tests.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    url: (userinfo = '') => `${options.implicitTls ? 'smtps' : 'smtp'}://${userinfo}127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;

/** Headers (unfolded, lower-case names) and the decoded body of a message this service sent. */
export function parseMessage(data: string): { headers: Record<string, string>; body: string } {
  const [head = '', encoded = ''] = data.split(/\r\n\r\n/, 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body =
    headers['content-transfer-encoding'] === 'base64'
      ? Buffer.from(encoded.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoded;
  return { headers, body };
}
