// The two ways a notification leaves: SMTP (SMTP_URL, STARTTLS when offered) or SES v2 in AWS
// (EMAIL_TRANSPORT=ses). The SES client is the one AWS SDK import outside lib/store: it is an
// outbound edge like the table, built once per cold start.

import { readFileSync } from 'node:fs';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SmtpError, sendMail } from '../net/smtp.ts';
import { PermanentFailure } from './failure.ts';
import { type Mail, type MailTransport, mimeMessage } from './mail.ts';

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
        const reply = await sendMail(
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

export function sesTransport(client: SESv2Client = new SESv2Client({})): MailTransport {
  return {
    name: 'ses',
    async send(mail: Mail) {
      const body = { Data: mail.body, Charset: 'UTF-8' };
      const { MessageId } = await client.send(
        new SendEmailCommand({
          FromEmailAddress: mail.from,
          Destination: { ToAddresses: mail.to },
          ReplyToAddresses: mail.replyTo ? [mail.replyTo] : undefined,
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: mail.html ? { Html: body } : { Text: body },
            },
          },
        }),
      );
      return `ses: ${MessageId ?? 'sent'}`;
    },
  };
}

/** A transport that refuses: no SMTP_URL and not SES (the delivery fails and is retried). */
export const missingTransport: MailTransport = {
  name: 'none',
  send: () => Promise.reject(new Error('no mail transport: set SMTP_URL, or EMAIL_TRANSPORT=ses')),
};
