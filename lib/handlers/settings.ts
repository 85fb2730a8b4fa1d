// The handler runners' outbound settings, read from the environment once per cold start:
//   SMTP_URL (smtp:// with STARTTLS when offered, or smtps://), SMTP_CA_FILE, SMTP_REQUIRE_TLS=1,
//   EMAIL_TRANSPORT=ses (SES v2 instead of SMTP), EMAIL_FROM, WEBHOOK_ALLOW_PRIVATE=1.
import type { MailTransport } from './mail.ts';
import { missingTransport, sesTransport, smtpTransport } from './mail-transports.ts';
import type { CounterActions, RunnerSettings } from './runners.ts';
import { webhookSettingsFrom } from './webhook.ts';

const smtpTimeoutMs = 30_000;

function mailTransport(env: NodeJS.ProcessEnv): MailTransport {
  if (env.EMAIL_TRANSPORT === 'ses') return sesTransport();
  if (env.EMAIL_TRANSPORT !== undefined && env.EMAIL_TRANSPORT !== '' && env.EMAIL_TRANSPORT !== 'smtp') {
    throw new Error('environment variable EMAIL_TRANSPORT must be smtp or ses');
  }
  if (!env.SMTP_URL) return missingTransport;
  return smtpTransport({
    url: env.SMTP_URL,
    timeoutMs: smtpTimeoutMs,
    caFile: env.SMTP_CA_FILE || undefined,
    requireTls: env.SMTP_REQUIRE_TLS === '1',
  });
}

function emailFrom(env: NodeJS.ProcessEnv): string {
  if (env.EMAIL_FROM) return env.EMAIL_FROM;
  // SES sends only from a verified identity: no default can be right.
  if (env.EMAIL_TRANSPORT === 'ses') throw new Error('environment variable EMAIL_FROM is required');
  return 'idp-event-hub@localhost';
}

/** Everything `handlerRunners` needs but the log (the caller adds it) and the counters (it passes its store). */
export function runnerDepsFromEnvironment(counters: CounterActions, env: NodeJS.ProcessEnv): RunnerSettings {
  return {
    counters,
    mail: mailTransport(env),
    emailFrom: emailFrom(env),
    webhook: webhookSettingsFrom(env),
  };
}
