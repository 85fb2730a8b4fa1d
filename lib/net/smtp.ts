// A minimal SMTP client (RFC 5321) on node:net and node:tls: EHLO, STARTTLS when offered (or
// implicit TLS for smtps://), AUTH PLAIN/LOGIN when the URL carries credentials, one message.

import { isIP, connect as netConnect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';

export interface SmtpEnvelope {
  from: string;
  to: string[];
  /** The whole message: headers, blank line, body, lines ending in CRLF. */
  data: string;
}

export interface SmtpSettings {
  /** `smtp://[user:pass@]host[:port]` (STARTTLS when offered) or `smtps://…` (TLS from the start). */
  url: string;
  timeoutMs: number;
  /** Extra trusted CA certificates (PEM), e.g. for a relay with a private CA. */
  ca?: string;
  /** Refuse to send without TLS even when the server offers no STARTTLS. */
  requireTls?: boolean;
}

export class SmtpError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
}

interface Reply {
  code: number;
  lines: string[];
}

class Connection {
  private buffer = '';
  private replies: Reply[] = [];
  private partial: string[] = [];
  private waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(
    public socket: Socket | TLSSocket,
    private readonly timeoutMs: number,
  ) {
    this.attach(socket);
  }

  attach(socket: Socket | TLSSocket) {
    this.socket = socket;
    socket.setTimeout(this.timeoutMs, () =>
      socket.destroy(new Error(`SMTP server silent for ${this.timeoutMs / 1000} s`)),
    );
    socket.on('data', (chunk: Buffer) => this.receive(chunk.toString('latin1')));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('SMTP connection closed')));
  }

  /** Stops reading from the current socket (before a STARTTLS upgrade takes it over). */
  detach() {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('error');
    this.socket.removeAllListeners('close');
    this.socket.setTimeout(0);
  }

  private fail(error: Error) {
    this.failure ??= error;
    this.waiting?.reject(error);
    this.waiting = null;
  }

  private receive(text: string) {
    this.buffer += text;
    for (let end = this.buffer.indexOf('\r\n'); end >= 0; end = this.buffer.indexOf('\r\n')) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const match = /^(\d{3})([ -])(.*)$/.exec(line);
      if (!match) continue;
      this.partial.push(match[3] as string);
      if (match[2] === ' ') {
        this.replies.push({ code: Number(match[1]), lines: this.partial });
        this.partial = [];
      }
    }
    if (this.waiting && this.replies.length > 0) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve(this.replies.shift() as Reply);
    }
  }

  read(): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  async command(line: string | null, expected: number[], what = line?.split(' ')[0] ?? 'greeting'): Promise<Reply> {
    if (line !== null) this.socket.write(`${line}\r\n`);
    const reply = await this.read();
    if (!expected.includes(reply.code)) {
      throw new SmtpError(`SMTP ${what} refused: ${reply.code} ${reply.lines.join(' ')}`, reply.code);
    }
    return reply;
  }
}

// SNI carries names only (RFC 6066); the certificate is still checked against `host`, IP or name.
const serverName = (host: string) => (isIP(host) === 0 ? host : undefined);

function open(url: URL, settings: SmtpSettings): Promise<Socket | TLSSocket> {
  const implicitTls = url.protocol === 'smtps:';
  const port = Number(url.port || (implicitTls ? 465 : 25));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = implicitTls
      ? tlsConnect({ host, port, servername: serverName(host), ca: settings.ca, timeout: settings.timeoutMs }, () =>
          resolve(socket),
        )
      : netConnect({ host, port, timeout: settings.timeoutMs }, () => resolve(socket));
    socket.once('error', reject);
    socket.once('timeout', () => socket.destroy(new Error(`no SMTP connection within ${settings.timeoutMs / 1000} s`)));
  });
}

function upgrade(socket: Socket, host: string, settings: SmtpSettings): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({ socket, host, servername: serverName(host), ca: settings.ca }, () => resolve(secure));
    secure.once('error', reject);
  });
}

const extensionsOf = (reply: Reply) =>
  new Set(reply.lines.slice(1).map((line) => line.split(' ')[0]?.toUpperCase() ?? ''));

/** Sends one message; resolves with the server's final reply text, throws SmtpError or a network error. */
export async function sendMail(settings: SmtpSettings, envelope: SmtpEnvelope): Promise<string> {
  const url = new URL(settings.url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new Error('SMTP_URL must start with smtp:// or smtps://');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const connection = new Connection(await open(url, settings), settings.timeoutMs);
  try {
    await connection.command(null, [220]);
    const name = hostname() || 'localhost';
    let hello = await connection.command(`EHLO ${name}`, [250]);
    let secure = url.protocol === 'smtps:';
    if (!secure && extensionsOf(hello).has('STARTTLS')) {
      await connection.command('STARTTLS', [220]);
      connection.detach();
      const tls = await upgrade(connection.socket as Socket, host, settings);
      connection.attach(tls);
      secure = true;
      hello = await connection.command(`EHLO ${name}`, [250]);
    }
    if (!secure && settings.requireTls) throw new SmtpError('SMTP server offers no STARTTLS and TLS is required', 0);
    if (url.username) {
      // A password never crosses the network in clear.
      if (!secure) throw new SmtpError('SMTP server offers no STARTTLS: credentials are not sent without TLS', 0);
      const user = decodeURIComponent(url.username);
      const pass = decodeURIComponent(url.password);
      const auth = [...extensionsOf(hello)].includes('AUTH')
        ? (hello.lines.find((l) => l.toUpperCase().startsWith('AUTH')) ?? '')
        : '';
      if (/\bPLAIN\b/i.test(auth) || !/\bLOGIN\b/i.test(auth)) {
        await connection.command(`AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString('base64')}`, [235], 'AUTH');
      } else {
        await connection.command('AUTH LOGIN', [334], 'AUTH');
        await connection.command(Buffer.from(user).toString('base64'), [334], 'AUTH');
        await connection.command(Buffer.from(pass).toString('base64'), [235], 'AUTH');
      }
    }
    await connection.command(`MAIL FROM:<${envelope.from}>`, [250], 'MAIL FROM');
    for (const to of envelope.to) await connection.command(`RCPT TO:<${to}>`, [250, 251], 'RCPT TO');
    await connection.command('DATA', [354]);
    // Dot-stuffing: a line starting with "." gets another one.
    const stuffed = envelope.data.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    const accepted = await connection.command(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.`, [250], 'message');
    // The message is accepted; a server that answers QUIT badly changes nothing.
    await connection.command('QUIT', [221]).catch(() => undefined);
    return accepted.lines.join(' ');
  } finally {
    connection.detach();
    connection.socket.end();
    connection.socket.destroy();
  }
}
