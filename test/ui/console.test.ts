// The admin console (ui/, issue 15) in a real browser: Debian's Chromium through playwright-core,
// offline, against the local service with its stream poller. One flow: sign in, create a WebHook
// binding through the form, ingest an event through the API, find it by a filter, see its failed
// delivery and replay it, test a matcher policy; a connector's secret shown once, an event
// ingested with it and counted; axe-core on every page, screenshots at 375 and 1440 px into
// test/artifacts/.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, hasChromium, inBrowser, noChromium } from '../helpers/browser.ts';
import { eventually, type Service, startService } from '../helpers/service.ts';

/** 15–30 s on an idle machine; room for a CI machine running the rest of the suite beside it. */
const flowTimeoutMs = 120_000;

let service: Service;
let receiver: Server;
let hookUrl: string;
/** The webhook receiver fails until the test lets it succeed, so the delivery has something to replay. */
let receiverHealthy = false;
const received: string[] = [];

beforeAll(async () => {
  service = await startService({ dispatch: true });
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push(body);
      response.writeHead(receiverHealthy ? 200 : 503).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await service?.close();
  receiver?.close();
});

describe('the admin console in headless Chromium', () => {
  it(
    'signs in, binds a WebHook, finds an event, replays its delivery and tests a matcher policy',
    async (context) => {
      if (!hasChromium()) context.skip(noChromium);
      await inBrowser(service.url, async (page) => {
        // Sign-in: /ui redirects to /ui/, which holds no data.
        const answer = await page.goto(`${service.url}/ui`);
        expect(answer?.status()).toBe(200);
        expect(page.url()).toBe(`${service.url}/ui/`);
        expect(answer?.headers()['content-security-policy']).toContain("default-src 'self'");
        await page.getByLabel('Admin token').waitFor();
        await capture(page, 'sign-in');
        await page.getByLabel('Admin token').fill('ieh_not-a-token-of-any-admin-0000000000');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByText('The service did not accept the token').waitFor();
        await page.getByLabel('Admin token').fill(service.rootToken);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
        expect(await page.evaluate(() => [sessionStorage.length, localStorage.length])).toEqual([1, 0]);

        // A WebHook binding through the form built from the descriptors.
        await page.getByRole('link', { name: 'Bindings' }).click();
        await page.getByRole('button', { name: 'New binding' }).click();
        await page.getByLabel('Name', { exact: true }).fill('console hook');
        await expect.poll(() => page.getByLabel('Handler module').inputValue()).toBe('WebHook');
        await page.getByLabel('login_failed', { exact: true }).check();
        await page.getByLabel('URL').fill(hookUrl);
        await capture(page, 'binding-form');
        await page.getByRole('button', { name: 'Create binding' }).click();
        await page.getByText('("console hook") created').waitFor();
        const row = page.getByRole('row', { name: /console hook/ });
        await expect.poll(() => row.textContent()).toContain('post_webhook');
        const [binding] = (await service.call('GET', '/event/')).body.result.value;
        expect(binding).toMatchObject({ name: 'console hook', handlermodule: 'WebHook', event: ['login_failed'] });
        expect(binding.options).toEqual({ URL: hookUrl, content_type: 'application/json' });

        // An edit that loses the race: someone else saves first, the console's If-Match fails with 412.
        await row.getByRole('button', { name: 'Edit' }).click();
        await page.getByLabel('Ordering').fill('5');
        const current = await service.call('GET', `/event/${binding.id}`);
        const other = await service.call('PATCH', `/event/${binding.id}`, {
          json: { ordering: 3 },
          headers: { 'if-match': current.headers.get('etag') as string },
        });
        expect(other.status).toBe(200);
        await page.getByRole('button', { name: 'Save changes' }).click();
        await page.getByText('Someone else changed this binding').waitFor();
        await page.getByRole('button', { name: 'Load their version' }).click();
        await expect.poll(() => page.getByLabel('Ordering').inputValue()).toBe('3');
        // Their version loaded with its ETag, the same edit now saves.
        await page.getByLabel('Ordering').fill('5');
        await page.getByRole('button', { name: 'Save changes' }).click();
        await page.getByText('("console hook") saved.').waitFor();
        await expect.poll(() => row.textContent()).toMatch(/post\s*yes\s*5/);
        await page.getByRole('button', { name: 'Disable console hook' }).click();
        await page.getByText('("console hook") disabled.').waitFor();
        await page.getByRole('button', { name: 'Enable console hook' }).click();
        await page.getByText('("console hook") enabled.').waitFor();
        expect((await service.call('GET', `/event/${binding.id}`)).body.result.value[0]).toMatchObject({
          ordering: 5,
          active: true,
          options: { URL: hookUrl, content_type: 'application/json' },
        });
        await capture(page, 'bindings');

        // A counter of failed logins, made through the API, for the counters page.
        const counting = await service.call('POST', '/event', {
          json: {
            name: 'count failed logins',
            event: 'login_failed',
            handlermodule: 'Counter',
            action: 'increase_counter',
            position: 'post',
            'option.counter_name': 'console_failed_logins',
          },
        });
        expect(counting.status).toBe(200);
        // An event through the API, found in the list by a filter; the filter is in the hash.
        const username = `console-${Date.now()}`;
        const created = await service.call('POST', '/events/events/', {
          json: { action: 'login_failed', app: 'authentik.core', user: { username }, client_ip: '192.0.2.7' },
        });
        expect(created.status).toBe(201);
        const pk = created.body.pk as string;
        await page.getByRole('link', { name: 'Events' }).click();
        await page.getByLabel('Username').fill(username);
        await page.getByRole('button', { name: 'Apply filters' }).click();
        // The list reads indexes, which may trail the write by a moment: refresh as an admin would.
        await eventually(async () => {
          if (await page.getByText('1 event, showing 1–1').isVisible()) return true;
          await page.getByRole('button', { name: 'Refresh' }).click();
          return false;
        });
        expect(new URL(page.url()).hash).toBe(
          `#events?username=${username}&ordering=-created&page_size=20&history_days=7`,
        );
        expect(page.url()).not.toContain(service.rootToken);
        await page.getByRole('link', { name: /Show the JSON of the login_failed event/ }).click();
        await page.getByRole('heading', { name: `Event ${pk}` }).waitFor();
        const json = JSON.parse((await page.getByLabel('The event as JSON').textContent()) as string);
        expect(json).toMatchObject({ pk, action: 'login_failed', user: { username }, client_ip: '192.0.2.7' });
        await capture(page, 'events');

        // The delivery failed (the receiver answers 503); replayed, it succeeds.
        await eventually(async () => received.length > 0);
        await page.getByRole('link', { name: 'Deliveries' }).click();
        await page.getByLabel('Binding').selectOption(String(binding.id));
        await page.getByRole('button', { name: 'Show deliveries' }).click();
        const delivery = page.getByRole('row', { name: new RegExp(pk) });
        await eventually(async () => {
          if (/failed/.test((await delivery.textContent({ timeout: 1_000 }).catch(() => '')) ?? '')) return true;
          await page.getByRole('button', { name: 'Refresh' }).click();
          return false;
        });
        await capture(page, 'deliveries');
        receiverHealthy = true;
        await delivery.getByRole('button', { name: /Replay/ }).click();
        await page.getByText(/replayed: now pending/).waitFor();
        await eventually(async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return /succeeded/.test((await delivery.textContent({ timeout: 1_000 }).catch(() => '')) ?? '');
        });
        expect(received.length).toBeGreaterThanOrEqual(2);

        // A matcher policy through the form, tested on an inline event and on the stored one.
        await page.getByRole('link', { name: 'Matcher policies' }).click();
        await page.getByRole('button', { name: 'New matcher policy' }).click();
        await page.getByLabel('Name', { exact: true }).fill('failed logins');
        await page.getByLabel('Action', { exact: true }).fill('login_failed');
        await page.getByRole('button', { name: 'Create policy' }).click();
        await page.getByText('Policy "failed logins" created.').waitFor();
        await page.getByRole('button', { name: 'Edit failed logins' }).click();
        await page.getByLabel('Client IP').fill('192.0.2.0/24');
        // A query that does not parse is refused in the form; one that does is saved with the policy.
        await page.getByLabel('Query', { exact: true }).fill('client_ip in');
        await page.getByRole('button', { name: 'Save changes' }).click();
        await page.getByRole('alert').filter({ hasText: /query/ }).waitFor();
        await page.getByLabel('Query', { exact: true }).fill('client_ip in cidr("192.0.2.0/24")');
        await page.getByRole('button', { name: 'Save changes' }).click();
        await page.getByText('Policy "failed logins" saved.').waitFor();
        const saved = (await service.call('GET', '/policies/event_matcher/?name=failed logins')).body.results[0];
        expect(saved.query).toBe('client_ip in cidr("192.0.2.0/24")');
        await expect
          .poll(() => page.getByRole('row', { name: /failed logins/ }).textContent())
          .toContain('192.0.2.0/24');
        await page.getByRole('button', { name: 'Test failed logins' }).click();
        await page.getByRole('button', { name: 'Run test' }).click();
        await page.getByText('The event passes.').waitFor();
        await page.getByLabel('A stored event, by id').check();
        await page.getByLabel('Event id').fill(pk);
        await page.getByRole('button', { name: 'Run test' }).click();
        await page.getByText('The event passes.').waitFor();
        await capture(page, 'policies');

        // A bound policy's deletion is refused with the bindings that use it; Escape cancels a confirmation.
        const [policy] = (await service.call('GET', '/policies/event_matcher/')).body.results;
        const user = await service.call('POST', '/event', {
          json: {
            name: 'uses the policy',
            event: 'login_failed',
            handlermodule: 'Logging',
            action: 'logging',
            position: 'post',
            conditions: { matcher_policy: policy.pk },
          },
        });
        expect(user.status).toBe(200);
        await page.reload();
        await page.getByRole('button', { name: 'Delete failed logins' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
        await page.getByText('"failed logins" is used by this binding').waitFor();
        await page.getByRole('link', { name: `Binding ${user.body.result.value} ("uses the policy")` }).click();
        const userRow = page.getByRole('row', { name: /uses the policy/ });
        await userRow.getByRole('button', { name: 'Delete uses the policy' }).click();
        await page.getByRole('dialog').waitFor();
        await page.keyboard.press('Escape');
        await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
        expect(await userRow.count()).toBe(1);
        await userRow.getByRole('button', { name: 'Delete uses the policy' }).click();
        // The dialog opens on Cancel; Tab moves to its Delete button.
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
        await page.getByText('("uses the policy") deleted.').waitFor();
        expect((await service.call('GET', '/event/')).body.result.value.map((b: any) => b.name).sort()).toEqual([
          'console hook',
          'count failed logins',
        ]);
        await page.getByRole('link', { name: 'Matcher policies' }).click();
        await page.getByRole('button', { name: 'Delete failed logins' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
        await page.getByText('Policy "failed logins" deleted.').waitFor();

        await page.getByRole('link', { name: 'Counters' }).click();
        await page.getByRole('heading', { name: 'Counters' }).waitFor();
        await expect.poll(() => page.getByRole('row', { name: /console_failed_logins/ }).textContent()).toMatch(/1/);
        await capture(page, 'counters');

        // A token the service no longer accepts sends the admin back to sign-in.
        await page.evaluate(() =>
          sessionStorage.setItem('idp-event-hub.token', 'ieh_revoked-token-000000000000000000000'),
        );
        await page.reload();
        await page.getByText('The service did not accept the token').waitFor();
        await page.getByLabel('Admin token').waitFor();
        expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      });
    },
    flowTimeoutMs,
  );

  it(
    'shows a missing policy action in words and disables its controls; draws volume/ when it answers',
    async (context) => {
      if (!hasChromium()) context.skip(noChromium);
      const created = await service.call('POST', '/event', {
        json: { name: 'read-only view', event: 'login', handlermodule: 'Logging', action: 'logging', position: 'post' },
      });
      expect(created.status).toBe(200);
      const token = await service.admin(`reader-${Date.now()}`, ['auditlog_read', 'eventhandling_read']);
      await inBrowser(service.url, async (page) => {
        // volume/ is another issue's route: answered here by the test, so the chart can be seen.
        const volumeQueries: string[] = [];
        await page.route(`${service.url}/events/events/volume/**`, (route) => {
          volumeQueries.push(new URL(route.request().url()).search);
          return route.fulfill({
            status: 200,
            contentType: 'application/json',
            body: JSON.stringify([
              { action: 'login', time: '2026-12-01T00:00:00Z', count: 3 },
              { action: 'login_failed', time: '2026-12-01T00:00:00Z', count: 1 },
              { action: 'login', time: '2026-12-01T01:00:00Z', count: 2 },
            ]),
          });
        });
        // A slow answer shows the loading indicator.
        await page.route(`${service.url}/event/counters`, async (route) => {
          await new Promise((resolve) => setTimeout(resolve, 900));
          await route.continue();
        });
        await page.goto(`${service.url}/ui/#events?search=login`);
        await page.getByLabel('Admin token').fill(token);
        await page.keyboard.press('Enter');
        await page.getByText('Event volume: 6 events in 2 intervals').waitFor();
        expect(volumeQueries.at(-1)).toContain('search=login');
        await expect.poll(() => page.getByLabel('Search').inputValue()).toBe('login');

        // Keyboard: the first Tab reaches the skip link, with a visible focus ring; then the sections.
        await page.keyboard.press('Tab');
        expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
        expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
        await page.keyboard.press('Tab');
        expect(await page.evaluate('document.activeElement.textContent')).toBe('Events');

        // Paging: 23 events of one user, 20 a page; the last page by keyboard, the position in the hash.
        const username = `pager-${Date.now()}`;
        for (let i = 0; i < 23; i++) {
          const answer = await service.call('POST', '/events/events/', {
            json: { action: 'login', app: 'authentik.core', user: { username }, context: { i } },
          });
          expect(answer.status).toBe(201);
        }
        await page.goto(`${service.url}/ui/#events?username=${username}`);
        await eventually(async () => {
          if (await page.getByText('23 events, showing 1–20').isVisible()) return true;
          await page.getByRole('button', { name: 'Refresh' }).click();
          return false;
        });
        await page.getByLabel('Go to page').fill('2');
        await page.keyboard.press('Enter');
        await page.getByText('23 events, showing 21–23').waitFor();
        await page.getByText('Page 2 of 2').waitFor();
        expect(new URL(page.url()).hash).toBe(`#events?username=${username}&page=2`);
        expect(await page.getByRole('row').count()).toBe(4);
        await page.getByText('(no policy_read)').waitFor();

        await page.getByRole('link', { name: 'Bindings' }).click();
        const row = page.getByRole('row', { name: /read-only view/ });
        await row.getByRole('button', { name: 'Disable read-only view' }).click();
        await page.getByText('Your admin lacks the policy action eventhandling_write').waitFor();
        expect(await row.getByRole('button', { name: 'Disable read-only view' }).isDisabled()).toBe(true);
        expect(await page.getByRole('button', { name: 'New binding' }).isDisabled()).toBe(true);
        expect((await service.call('GET', `/event/${created.body.result.value}`)).body.result.value[0].active).toBe(
          true,
        );
        await capture(page, 'forbidden');

        await page.getByRole('link', { name: 'Matcher policies' }).click();
        await page.getByText('Your admin lacks the policy action policy_read').waitFor();

        await page.getByRole('link', { name: 'Counters' }).click();
        await page.getByText('Loading…').waitFor();
        await page.getByRole('heading', { name: 'Counters' }).waitFor();
        await expect.poll(() => page.getByText('Loading…').count()).toBe(0);
      });
    },
    flowTimeoutMs,
  );
  it(
    'makes a connector, shows its secret once with a copy button, counts what it received, disables, rotates and deletes it',
    async (context) => {
      if (!hasChromium()) context.skip(noChromium);
      await inBrowser(service.url, async (page) => {
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.url });
        await page.goto(`${service.url}/ui/#connectors`);
        await page.getByLabel('Admin token').fill(service.rootToken);
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { name: 'Connectors', level: 1 }).waitFor();
        await page.getByText('No connectors yet.').waitFor();

        // Created through the form; its fields are there from the start, the button waits for the answer.
        await page.getByRole('button', { name: 'New connector' }).click();
        await page.getByLabel('Name', { exact: true }).fill('authentik prod');
        await page.getByLabel('Kind').selectOption('authentik');
        await expect.poll(() => page.getByLabel('Kind').inputValue()).toBe('authentik');
        await capture(page, 'connector-form');
        await page.getByRole('button', { name: 'Create connector' }).click();
        await page.getByText('Connector "authentik prod" created.').waitFor();
        await page.getByRole('heading', { name: 'Secret of "authentik prod"' }).waitFor();
        await page.getByText('it will not be shown again').waitFor();
        const [connector] = (await service.call('GET', '/connectors/')).body.results;
        expect(connector).toMatchObject({ name: 'authentik prod', kind: 'authentik', enabled: true, received: 0 });
        const secret = await page.getByLabel('Secret', { exact: true }).inputValue();
        expect(secret).toMatch(/^iehc_[A-Za-z0-9_-]{43}$/);
        const row = page.getByRole('row', { name: /authentik prod/ });
        await expect.poll(() => row.textContent()).toContain(connector.ingest_url);
        await page.getByRole('button', { name: 'Copy secret' }).click();
        await page.getByText('Copied to the clipboard.').waitFor();
        expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
        // Only in the page's memory: the token is all the tab's storage holds.
        expect(
          await page.evaluate('JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage)])'),
        ).toBe(JSON.stringify([[['idp-event-hub.token', service.rootToken]], []]));
        await capture(page, 'connector-secret');

        // Leaving the view drops the secret: back on it, it is gone.
        await page.getByRole('link', { name: 'Events' }).click();
        await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
        await page.getByRole('link', { name: 'Connectors' }).click();
        await row.waitFor();
        expect(await page.getByRole('heading', { name: /Secret of/ }).count()).toBe(0);
        expect(await page.getByLabel('Secret', { exact: true }).count()).toBe(0);

        // The platform's side: an event with the secret, counted on the connector.
        const eventPk = randomUUID();
        const ingest = (key: string) =>
          service.call('POST', `/ingest/${connector.pk}`, {
            authorization: `Bearer ${key}`,
            raw: JSON.stringify([
              { pk: eventPk, action: 'login', app: 'x', user: { username: 'console-connector' }, context: {} },
            ]),
          });
        const stored = await ingest(secret);
        expect(stored.status, stored.text).toBe(200);
        expect(stored.body).toMatchObject({ stored: 1, duplicates: 0, skipped: [] });
        await page.reload();
        await eventually(async () => {
          const cells = await row
            .locator('td')
            .allTextContents()
            .catch(() => []);
          if (cells[4]?.trim() === '1' && /^\d{4}-/.test(cells[5]?.trim() ?? '')) return true;
          await page.getByRole('button', { name: 'Refresh' }).click();
          return false;
        });
        expect(await page.getByLabel('Secret', { exact: true }).count()).toBe(0);
        expect(await page.content()).not.toContain(secret);
        await capture(page, 'connectors');

        // Disabled, its secret opens nothing.
        await page.getByRole('button', { name: 'Disable authentik prod' }).click();
        await page.getByText('Connector "authentik prod" disabled.').waitFor();
        await expect.poll(() => row.locator('td').nth(3).textContent()).toBe('no');
        expect((await service.call('GET', `/connectors/${connector.pk}/`)).body.enabled).toBe(false);
        expect((await ingest(secret)).status).toBe(401);
        await page.getByRole('button', { name: 'Enable authentik prod' }).click();
        await page.getByText('Connector "authentik prod" enabled.').waitFor();
        expect((await service.call('GET', `/connectors/${connector.pk}/`)).body.enabled).toBe(true);

        // Rotated after a confirmation (Escape cancels it): a new secret, once; the old one stops working.
        await page.getByRole('button', { name: 'Rotate secret of authentik prod' }).click();
        await page.getByRole('dialog').waitFor();
        await page.keyboard.press('Escape');
        await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
        expect(await page.getByLabel('Secret', { exact: true }).count()).toBe(0);
        await page.getByRole('button', { name: 'Rotate secret of authentik prod' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
        await page.getByText('The secret of "authentik prod" was rotated.').waitFor();
        await page.getByRole('heading', { name: 'New secret of "authentik prod"' }).waitFor();
        const rotated = await page.getByLabel('Secret', { exact: true }).inputValue();
        expect(rotated).toMatch(/^iehc_[A-Za-z0-9_-]{43}$/);
        expect(rotated).not.toBe(secret);
        expect((await ingest(secret)).status).toBe(401);
        // A duplicate by native id: opened by the new secret, stored before.
        expect((await ingest(rotated)).body).toMatchObject({ stored: 0, duplicates: 1 });
        // Where the browser refuses the clipboard, the secret is selected for Ctrl+C.
        await page.evaluate(
          "navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'))",
        );
        await page.getByRole('button', { name: 'Copy secret' }).click();
        await page.getByText('the secret is selected, press Ctrl+C').waitFor();
        expect(
          await page.evaluate(
            '(({ id, value, selectionStart, selectionEnd }) => [id, value.slice(selectionStart, selectionEnd)])(document.activeElement)',
          ),
        ).toEqual(['connector-secret', rotated]);
        // Dismissed, it is gone from the page.
        await page.getByRole('button', { name: 'Done, hide the secret' }).click();
        await expect.poll(() => page.getByLabel('Secret', { exact: true }).count()).toBe(0);
        expect(await page.content()).not.toContain(rotated);
        expect(await page.evaluate('JSON.stringify([sessionStorage.length, localStorage.length])')).toBe('[1,0]');

        // Deleted after a confirmation: gone from the list and the API, its secret opens nothing.
        await page.getByRole('button', { name: 'Delete authentik prod' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
        await page.getByText('Connector "authentik prod" deleted.').waitFor();
        await page.getByText('No connectors yet.').waitFor();
        expect((await service.call('GET', `/connectors/${connector.pk}/`)).status).toBe(404);
        expect([401, 404]).toContain((await ingest(rotated)).status);
        // Each change audited: created; disabled, enabled, rotated; deleted.
        const audited = `/events/events/?search=${encodeURIComponent(`context.model.pk = "${connector.pk}"`)}`;
        await eventually(async () => (await service.call('GET', audited)).body.pagination.count === 5);
        expect(
          (await service.call('GET', audited)).body.results.map((event: { action: string }) => event.action).sort(),
        ).toEqual(['model_created', 'model_deleted', 'model_updated', 'model_updated', 'model_updated']);
      });
    },
    flowTimeoutMs,
  );
});

describe('the console and hostile values (issue 25 item 7)', () => {
  it(
    'shows any shape an event holds as text: a Lit template, objects, lists, numbers, markup',
    async (context) => {
      if (!hasChromium()) context.skip(noChromium);
      const app = `hostile-${Date.now()}`;
      const shapes: unknown[] = [
        { _$litType$: 1, strings: ['<b>', '</b>'], values: [] },
        { _$litType$: 2, strings: { raw: ['x'] }, values: [{ _$litType$: 1 }] },
        { nested: { deeper: ['a', 1, null] } },
        ['a', { b: 2 }],
        42,
        true,
        '<img src=x onerror="document.title=1">',
      ];
      for (const username of shapes) {
        const answer = await service.call('POST', '/events/events/', {
          json: { action: 'login', app, user: { username, email: { _$litType$: 1, strings: [], values: [] } } },
        });
        expect(answer.status, answer.text).toBe(201);
      }
      await inBrowser(service.url, async (page) => {
        await page.goto(`${service.url}/ui/#events?search=${encodeURIComponent(`app = "${app}"`)}`);
        await page.getByLabel('Admin token').fill(service.rootToken);
        await page.keyboard.press('Enter');
        await page.getByText(`${shapes.length} events, showing 1–${shapes.length}`).waitFor();
        const cells = await page.locator('tbody tr td:nth-child(3)').allTextContents();
        expect(cells.map((cell) => cell.trim()).sort()).toEqual(
          shapes.map((shape) => (typeof shape === 'string' ? shape : JSON.stringify(shape))).sort(),
        );
        // Markup stays text: no element was made of it, and it ran nothing.
        expect(await page.locator('tbody img, tbody b').count()).toBe(0);
        expect(await page.title()).not.toBe('1');
        // The list keeps working after such a page: another filter, then back.
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.getByText(`${shapes.length} events, showing 1–${shapes.length}`).waitFor();
      });
    },
    flowTimeoutMs,
  );
});
