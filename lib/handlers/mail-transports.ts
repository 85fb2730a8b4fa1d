// The two ways a notification leaves, both through nodemailer: SMTP (SMTP_URL, STARTTLS when
// offered) or SES v2 in AWS (EMAIL_TRANSPORT=ses). The SES client is the one AWS SDK import
// outside lib/store: it is an outbound edge like the table, built once, with the first mail.

import { readFileSync } from 'node:fs';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import { PermanentFailure } from './failure.ts';
import { type Mail, type MailTransport, mimeMessage } from './mail.ts';

export interface SmtpEnvelope {
  from: string;
  to: string[];
  /** The whole message: headers, blank line, body, lines ending in CRLF. */
  data: string;
}

export interface SmtpSettings {
  /** `smtp://[user:pass@]host[:port]` (STARTTLS when offered) or `smtps://…` (TLS from the start). */
  url: string;
  /** Bounds the connection, the greeting, the TLS upgrade and every silence of the server. */
  timeoutMs: number;
  /** CA certificates (PEM) trusted for the server's certificate instead of Node's defaults, e.g. a private CA. */
  ca?: string;
  /** Refuse to send without TLS even when the server offers no STARTTLS. */
  requireTls?: boolean;
}

/** The server refused (`code` is its reply code) or would not give the TLS this client requires (code 0). */
export class SmtpError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
}

/** What nodemailer's SMTP errors carry beyond Error. */
interface NodemailerError extends Error {
  code?: string;
  originalCode?: string;
  command?: string;
  response?: string;
  responseCode?: number;
}

// nodemailer loads with the first message, not at cold start: most dispatches send no mail.
const mailer = async () => (await import('nodemailer/lib/mailer')).default;

function transportOptions(settings: SmtpSettings): SMTPTransportOptions {
  // Parsed here, not by nodemailer: its URL parser turns query parameters into options (ignoreTLS, tls.*).
  const url = new URL(settings.url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new Error('SMTP_URL must start with smtp:// or smtps://');
  const secure = url.protocol === 'smtps:';
  const credentials = url.username !== '';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || (secure ? 465 : 25)),
    secure,
    // A password never crosses the network in clear: credentials make STARTTLS required.
    requireTLS: !secure && (settings.requireTls === true || credentials),
    tls: { ca: settings.ca },
    ...(credentials && {
      auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
      forceAuth: true,
    }),
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    dnsTimeout: settings.timeoutMs,
    logger: false,
  };
}

/** nodemailer's error in this client's terms: SmtpError with the reply code, or the network error with its system code. */
function smtpFailure(error: NodemailerError, options: SMTPTransportOptions): Error {
  if (error.command === 'STARTTLS' && error.responseCode && options.requireTLS) {
    const answer = `(STARTTLS answered: ${error.response})`;
    return options.auth
      ? new SmtpError(`SMTP server offers no STARTTLS: credentials are not sent without TLS ${answer}`, 0)
      : new SmtpError(`SMTP server offers no STARTTLS and TLS is required ${answer}`, 0);
  }
  if (error.responseCode) {
    const command = error.command ?? 'command';
    const what = command.startsWith('AUTH') ? 'AUTH' : command === 'CONN' ? 'greeting' : command;
    return new SmtpError(`SMTP ${what} refused: ${error.response}`, error.responseCode);
  }
  // nodemailer files ECONNREFUSED and the like under ECONNECTION; the system code says more.
  if (error.originalCode) error.code = error.originalCode;
  return error;
}

/** Sends one message; resolves with the server's final reply text, throws SmtpError or a network error. */
export async function sendSmtp(settings: SmtpSettings, envelope: SmtpEnvelope): Promise<string> {
  const options = transportOptions(settings);
  try {
    const [Mailer, SMTPTransport] = await Promise.all([mailer(), import('nodemailer/lib/smtp-transport')]);
    const info = await new Mailer(new SMTPTransport.default(options)).sendMail({
      envelope: { from: envelope.from, to: envelope.to },
      raw: envelope.data,
    });
    const reply = info.response.replace(/^\d{3}[ -]/, '');
    // Some recipients accepted: the message is sent, and a retry would send it to them again.
    const refused = info.rejectedErrors?.map((refusal) => `${refusal.recipient}: ${refusal.response}`) ?? [];
    return refused.length > 0 ? `${reply}; refused ${refused.join('; ')}` : reply;
  } catch (error) {
    throw smtpFailure(error as NodemailerError, options);
  }
}

export function smtpTransport(settings: {
  url: string;
  timeoutMs: number;
  caFile?: string;
  requireTls?: boolean;
}): MailTransport {
  const ca = settings.caFile ? readFileSync(settings.caFile, 'utf8') : undefined;
  return {
    name: 'smtp',
    async send(mail: Mail) {
      try {
        const reply = await sendSmtp(
          { url: settings.url, timeoutMs: settings.timeoutMs, ca, requireTls: settings.requireTls },
          { from: mail.from, to: mail.to, data: mimeMessage(mail, new Date()) },
        );
        return `smtp: ${reply}`;
      } catch (error) {
        // 5xx is the server's final word (unknown mailbox, relay denied); 4xx and network errors are retried.
        if (error instanceof SmtpError && error.code >= 500) throw new PermanentFailure(error.message);
        throw error;
      }
    },
  };
}

export function sesTransport(client?: SESv2Client): MailTransport {
  return {
    name: 'ses',
    async send(mail: Mail) {
      const body = { Data: mail.body, Charset: 'UTF-8' };
      // Loaded with the first mail, not at cold start (a chunk of its own in the bundle).
      const [Mailer, SESTransport, { SESv2Client, SendEmailCommand }] = await Promise.all([
        mailer(),
        import('nodemailer/lib/ses-transport'),
        import('@aws-sdk/client-sesv2'),
      ]);
      client ??= new SESv2Client({});
      const ses = new SESTransport.default({ SES: { sesClient: client, SendEmailCommand } });
      const info = await new Mailer(ses).sendMail({
        from: mail.from,
        to: mail.to,
        // SES builds the message from Simple content; it replaces the Raw one nodemailer would send.
        ses: {
          ReplyToAddresses: mail.replyTo ? [mail.replyTo] : undefined,
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: mail.html ? { Html: body } : { Text: body },
            },
          },
        },
      });
      return `ses: ${info.response || 'sent'}`;
    },
  };
}

/** A transport that refuses: no SMTP_URL and not SES (the delivery fails and is retried). */
export const missingTransport: MailTransport = {
  name: 'none',
  send: () => Promise.reject(new Error('no mail transport: set SMTP_URL, or EMAIL_TRANSPORT=ses')),
};
