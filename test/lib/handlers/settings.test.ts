import { describe, expect, it } from 'vitest';
import type { Mail } from '../../../lib/handlers/mail.ts';
import { missingTransport } from '../../../lib/handlers/mail-transports.ts';
import { runnerDepsFromEnvironment } from '../../../lib/handlers/settings.ts';

const mail: Mail = { from: 'hub@example.com', to: ['alice@example.com'], subject: 's', body: 'b', html: false };

describe('runnerDepsFromEnvironment', () => {
  const counters = { increase: async () => 1, decrease: async () => 0, reset: async () => 0 };

  it('picks SMTP from SMTP_URL, SES from EMAIL_TRANSPORT=ses, and refuses to guess otherwise', async () => {
    expect(runnerDepsFromEnvironment(counters, { SMTP_URL: 'smtp://127.0.0.1:2525' }).mail.name).toBe('smtp');
    expect(
      runnerDepsFromEnvironment(counters, {
        EMAIL_TRANSPORT: 'ses',
        EMAIL_FROM: 'hub@example.com',
        AWS_REGION: 'eu-west-1',
      }).mail.name,
    ).toBe('ses');
    expect(() => runnerDepsFromEnvironment(counters, { EMAIL_TRANSPORT: 'ses' })).toThrow(
      'environment variable EMAIL_FROM is required',
    );
    expect(() => runnerDepsFromEnvironment(counters, { EMAIL_TRANSPORT: 'pigeon' })).toThrow('EMAIL_TRANSPORT');
    const none = runnerDepsFromEnvironment(counters, {});
    expect(none.mail).toBe(missingTransport);
    await expect(none.mail.send(mail)).rejects.toThrow('no mail transport: set SMTP_URL, or EMAIL_TRANSPORT=ses');
    expect(none.emailFrom).toBe('idp-event-hub@localhost');
  });

  it('allows private webhook destinations only with WEBHOOK_ALLOW_PRIVATE=1, and waits 10 s', () => {
    expect(runnerDepsFromEnvironment(counters, {}).webhook).toEqual({ allowPrivate: false, timeoutMs: 10_000 });
    expect(runnerDepsFromEnvironment(counters, { WEBHOOK_ALLOW_PRIVATE: '1' }).webhook.allowPrivate).toBe(true);
    expect(runnerDepsFromEnvironment(counters, { WEBHOOK_ALLOW_PRIVATE: 'yes' }).webhook.allowPrivate).toBe(false);
  });
});
