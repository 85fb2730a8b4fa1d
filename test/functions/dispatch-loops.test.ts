// No loops, end to end: a sendmail binding on `email_sent` would mail forever, since each mail
// records an email_sent event. Each recorded event carries its cause, one step deeper; the
// chain stops at depth 3. Real SMTP on loopback (smtp-server), real stream, real HTTP.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Service, startService } from '../helpers/service.ts';

const mails: string[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      mails.push(Buffer.concat(chunks).toString());
      callback();
    });
  },
});

let service: Service;
beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  service = await startService({ dispatch: true });
});
afterAll(async () => {
  await service?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const events = async (action: string) => {
  const answer = await service.call('GET', `/events/events/?action=${action}&page_size=100`);
  expect(answer.status, answer.text).toBe(200);
  return answer.body.results as any[];
};

describe('a chain of handler-caused events', () => {
  it('stops at depth 3, each event naming its cause', async () => {
    for (const event of ['custom_loop_start', 'email_sent']) {
      const answer = await service.call('POST', '/event', {
        json: {
          name: `mail on ${event}`,
          event,
          handlermodule: 'UserNotification',
          action: 'sendmail',
          'option.To': 'email',
          'option.To email': 'ops@example.com',
          'option.subject': 'step {action} {event_uuid}',
        },
      });
      expect(answer.status, answer.text).toBe(200);
    }
    const start = await service.call('POST', '/events/events/', {
      json: { action: 'custom_loop_start', app: 'tests' },
    });
    expect(start.status, start.text).toBe(201);

    const chain = await eventually(async () => {
      const found = await events('email_sent');
      return found.length >= 3 && found;
    }, 30_000);
    const byDepth = new Map(chain.map((event) => [event.context.cause.depth, event]));
    expect([...byDepth.keys()].sort()).toEqual([1, 2, 3]);
    expect(byDepth.get(1)?.context.cause.event).toBe(start.body.pk);
    expect(byDepth.get(2)?.context.cause.event).toBe(byDepth.get(1)?.pk);
    expect(byDepth.get(3)?.context.cause.event).toBe(byDepth.get(2)?.pk);
    for (const event of chain) {
      expect(event.app).toBe('idp_event_hub');
      expect(event.context.cause.delivery).toMatch(/^[0-9a-f-]{36}\.\d+\.sendmail$/);
    }

    // The depth-3 event is dispatched too (a later marker proves the stream got past it) but runs nothing.
    const marker = await service.call('POST', '/events/events/', {
      json: { action: 'custom_loop_start', app: 'tests' },
    });
    expect(marker.status).toBe(201);
    await eventually(
      async () => (await events('email_sent')).some((event) => event.context.cause.event === marker.body.pk),
      30_000,
    );
    const deepest = byDepth.get(3)?.pk;
    const fromDeepest = await service.call('GET', `/event/deliveries?event=${deepest}`);
    expect(fromDeepest.body.result.value).toEqual([]);
    // Mailed once for each event of the chain but the last, which mailed nothing.
    const subjects = mails.map((mail) => /^Subject: (.*)$/m.exec(mail)?.[1] ?? '');
    for (const pk of [start.body.pk, byDepth.get(1)?.pk, byDepth.get(2)?.pk]) {
      expect(
        subjects.filter((subject) => subject.endsWith(pk)),
        pk,
      ).toHaveLength(1);
    }
    expect(subjects.filter((subject) => subject.endsWith(deepest))).toEqual([]);
  });
});
