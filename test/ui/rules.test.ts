// The console's Detection rules view (issue 22 item 7) in headless Chromium against the local
// service with its stream poller: a rule made through the form (a bad threshold and query refused
// under their fields first), paged as the API pages it, edited, tested on events ingested through
// the API, its live fire found through its Fires link in Events, deleted; an admin with only
// eventhandling_read sees the rules and is told what it lacks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, hasChromium, inBrowser, noChromium } from '../helpers/browser.ts';
import { eventually, type Service, startService } from '../helpers/service.ts';

// A rule change applies to the next stream batch (1 s in production).
process.env.RULE_CACHE_MS = '0';

const flowTimeoutMs = 120_000;
let service: Service;

beforeAll(async () => {
  service = await startService({ dispatch: true });
});
afterAll(async () => {
  await service?.close();
});

/** The console's time as formatTime shows it. */
const shown = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

describe('the Detection rules view in headless Chromium', () => {
  it(
    'creates a rule through the form, pages, edits, tests it on ingested events, finds its fire in Events and deletes it',
    async (context) => {
      if (!hasChromium()) context.skip(noChromium);
      const app = `rules-console-${Date.now()}`;
      const alice = `alice-${Date.now()}`;
      const bob = `bob-${Date.now()}`;
      await inBrowser(service.url, async (page) => {
        await page.goto(`${service.url}/ui/#rules`);
        await page.getByLabel('Admin token').fill(service.rootToken);
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { name: 'Detection rules', level: 1 }).waitFor();
        await page.getByText('No detection rules yet.').waitFor();

        // A bad threshold and a query that does not parse: each refusal under its field, nothing stored.
        await page.getByRole('button', { name: 'New rule' }).click();
        // The opened form has the focus, on its heading.
        await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('rule-form-heading');
        await page.getByLabel('Name', { exact: true }).fill('many failed logins');
        await page.getByLabel('Query: the events counted').fill('action = ');
        expect(await page.getByLabel('Field counted distinct').count()).toBe(0);
        await page.getByLabel('Path 1').fill('user.username');
        await page.getByLabel('Window (seconds)').fill('600');
        await page.getByLabel('Threshold').fill('0');
        await page.getByText('Query language:').click();
        await page.getByText('write parentheses').waitFor();
        await capture(page, 'rule-form');
        await page.getByRole('button', { name: 'Create rule' }).click();
        await page.getByText('Nothing was saved: correct the fields marked above.').waitFor();
        const threshold = page.getByLabel('Threshold');
        expect(await threshold.getAttribute('aria-invalid')).toBe('true');
        expect(await threshold.getAttribute('aria-describedby')).toContain('rule-threshold-error');
        expect(await page.locator('#rule-threshold-error').textContent()).toBe(
          'Ensure this value is greater than or equal to 1.',
        );
        expect(await page.getByLabel('Query: the events counted').getAttribute('aria-invalid')).toBe('true');
        expect(await page.locator('#rule-query-error').textContent()).toMatch(/\S/);
        expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('false');
        expect((await service.call('GET', '/rules/')).body.pagination.count).toBe(0);
        await capture(page, 'rule-form-errors');

        await page.getByLabel('Query: the events counted').fill(`action = "login_failed" and app = "${app}"`);
        await threshold.fill('3');
        await page.getByRole('button', { name: 'Create rule' }).click();
        await page.getByText('Rule "many failed logins" created.').waitFor();
        expect(await page.locator('#rule-threshold-error').count()).toBe(0);
        const row = page.getByRole('row', { name: /many failed logins/ });
        await expect.poll(() => row.textContent()).toContain('event_count');
        const [rule] = (await service.call('GET', '/rules/')).body.results;
        expect(rule).toMatchObject({
          name: 'many failed logins',
          enabled: true,
          query: `action = "login_failed" and app = "${app}"`,
          type: 'event_count',
          field: null,
          group_by: ['user.username'],
          window: 600,
          threshold: 3,
          suppress_for: 0,
          severity: 'warning',
        });

        // More rules than a page: the list pages as the API does, the page in the hash.
        for (let i = 0; i < 20; i++) {
          const made = await service.call('POST', '/rules/', {
            json: {
              name: `z quiet ${String(i).padStart(2, '0')}`,
              enabled: false,
              query: 'action = "never_happens"',
              type: 'event_count',
              window: 60,
              threshold: 1,
            },
          });
          expect(made.status, made.text).toBe(201);
        }
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.getByText('21 rules, showing 1–20').waitFor();
        await page.getByRole('button', { name: 'Next' }).click();
        await page.getByText('21 rules, showing 21–21').waitFor();
        await page.getByText('Page 2 of 2').waitFor();
        expect(new URL(page.url()).hash).toBe('#rules?page=2');
        expect(await page.getByRole('row', { name: /z quiet 19/ }).count()).toBe(1);
        await page.getByRole('button', { name: 'Previous' }).click();
        await page.getByText('21 rules, showing 1–20').waitFor();

        // Edited: value_count asks for its field; the fields changed are saved, and only those: a
        // window someone else changed meanwhile stays theirs.
        await row.getByRole('button', { name: 'Edit many failed logins' }).click();
        await expect.poll(() => page.getByLabel('Path 1').inputValue()).toBe('user.username');
        const meanwhile = await service.call('PATCH', `/rules/${rule.pk}/`, { json: { window: 900 } });
        expect(meanwhile.status, meanwhile.text).toBe(200);
        await page.getByLabel('Type', { exact: true }).selectOption('value_count');
        await page.getByLabel('Field counted distinct').fill('client_ip');
        await page.getByLabel('Suppress for (seconds)').fill('60');
        await page.getByLabel('Severity').selectOption('alert');
        await page.getByRole('button', { name: 'Save changes' }).click();
        await page.getByText('Rule "many failed logins" saved.').waitFor();
        const cells = async () => (await row.locator('td').allTextContents()).map((cell) => cell.trim()).slice(0, 9);
        await expect
          .poll(cells)
          .toEqual([
            'many failed logins',
            'yes',
            `action = "login_failed" and app = "${app}"`,
            'distinct client_ip',
            'user.username',
            '900 s',
            '3',
            '60 s',
            'alert',
          ]);
        expect((await service.call('GET', `/rules/${rule.pk}/`)).body).toEqual({
          ...rule,
          window: 900,
          type: 'value_count',
          field: 'client_ip',
          suppress_for: 60,
          severity: 'alert',
        });

        // Saved without an edit: nothing written.
        await row.getByRole('button', { name: 'Edit many failed logins' }).click();
        await page.getByRole('button', { name: 'Save changes' }).click();
        await page.getByText('Rule "many failed logins" unchanged: nothing was edited.').waitFor();

        // Events through the API: alice from 3 addresses crosses the threshold, bob from one does not.
        const created: string[] = [];
        for (const [username, ip] of [
          [alice, '192.0.2.1'],
          [bob, '192.0.2.9'],
          [alice, '192.0.2.2'],
          [bob, '192.0.2.9'],
          [alice, '192.0.2.3'],
        ] as const) {
          const answer = await service.call('POST', '/events/events/', {
            json: { action: 'login_failed', app, user: { username }, client_ip: ip },
          });
          expect(answer.status, answer.text).toBe(201);
          if (username === alice) created.push(answer.body.created);
        }
        const crossing = created.at(-1) as string;

        // The test panel: a reversed range refused beside its field, then the default range.
        await row.getByRole('button', { name: 'Test many failed logins' }).click();
        await page.getByRole('heading', { name: 'Test "many failed logins" on stored events' }).waitFor();
        await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('rule-test-heading');
        await page.getByLabel('From (created__gte)').fill('2026-12-01T12:00:00');
        await page.getByLabel('Before (created__lt)').fill('2026-12-01T11:00:00');
        await page.getByRole('button', { name: 'Run test' }).click();
        await page.getByText('The range was refused').waitFor();
        expect(await page.locator('#rule-test-created__lt-error').textContent()).toBe(
          'Ensure created__lt is after created__gte.',
        );
        await page.getByLabel('From (created__gte)').fill('');
        await page.getByLabel('Before (created__lt)').fill('');
        const fired = page.getByRole('region', { name: 'Groups that would have fired' }).getByRole('row');
        // The replay reads the log's indexes, which may trail the writes by a moment: run it again as an admin would.
        await eventually(async () => {
          await page.getByRole('button', { name: 'Run test' }).click();
          await page.getByRole('status').filter({ hasText: 'matching events' }).waitFor();
          const summary = await page.getByRole('status').filter({ hasText: 'matching events' }).textContent();
          return /^1 fire in 1 group from .* \(5 matching events\)\.$/.test(summary?.replace(/\s+/g, ' ').trim() ?? '');
        });
        expect(await fired.count()).toBe(2);
        expect((await fired.nth(1).locator('td').allTextContents()).map((cell) => cell.trim())).toEqual([
          `user.username = "${alice}"`,
          '3',
          shown(crossing),
        ]);
        await capture(page, 'rules');

        // The live path fired the same: its event is found through the rule's Fires link.
        await row.getByRole('link', { name: 'Fires of many failed logins in Events' }).click();
        await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
        await expect
          .poll(() => page.getByLabel('Search').inputValue())
          .toBe(
            `action = "custom_threshold_exceeded" and app = "idp-event-hub.rules" and context.rule.pk = "${rule.pk}"`,
          );
        await eventually(async () => {
          if (await page.getByText('1 event, showing 1–1').isVisible()) return true;
          await page.getByRole('button', { name: 'Refresh' }).click();
          return false;
        });
        const fire = page.getByRole('row', { name: /custom_threshold_exceeded/ });
        expect((await fire.locator('td').allTextContents()).map((cell) => cell.trim()).slice(1, 4)).toEqual([
          'custom_threshold_exceeded',
          alice,
          'idp-event-hub.rules',
        ]);
        await fire.getByRole('link', { name: /Show the JSON/ }).click();
        const json = JSON.parse((await page.getByLabel('The event as JSON').textContent()) as string);
        expect(json.context).toMatchObject({
          rule: { pk: rule.pk, name: 'many failed logins', severity: 'alert' },
          group: { 'user.username': alice },
          count: 3,
          window_end: crossing,
        });

        // Deleted after a confirmation: gone from the list and the API; its fire stays.
        await page.getByRole('link', { name: 'Detection rules' }).click();
        await row.getByRole('button', { name: 'Delete many failed logins' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
        await page.getByText('Rule "many failed logins" deleted.').waitFor();
        await page.getByText('20 rules, showing 1–20').waitFor();
        expect(await row.count()).toBe(0);
        expect((await service.call('GET', `/rules/${rule.pk}/`)).status).toBe(404);
        // Audited: created, their change and the console's edit, deleted; the save without an edit wrote nothing.
        const audited = `/events/events/?search=${encodeURIComponent(`context.model.pk = "${rule.pk}"`)}`;
        await eventually(async () => (await service.call('GET', audited)).body.pagination.count === 4);
        expect(
          (await service.call('GET', audited)).body.results.map((event: { action: string }) => event.action).sort(),
        ).toEqual(['model_created', 'model_deleted', 'model_updated', 'model_updated']);
      });
    },
    flowTimeoutMs,
  );

  it(
    'shows what a rule and its groups hold as text: a Lit template, objects, markup (issue 25 item 7)',
    async (context) => {
      if (!hasChromium()) context.skip(noChromium);
      const app = `rules-hostile-${Date.now()}`;
      const name = '<img src=x onerror="document.title=1">';
      const shapes: unknown[] = [
        { _$litType$: 1, strings: ['<b>', '</b>'], values: [] },
        ['a', { b: 2 }],
        '<img src=x onerror="document.title=2">',
        42,
      ];
      const made = await service.call('POST', '/rules/', {
        json: {
          name,
          enabled: false,
          query: `app = "${app}"`,
          type: 'event_count',
          group_by: ['context.shape'],
          window: 60,
          threshold: 1,
        },
      });
      expect(made.status, made.text).toBe(201);
      for (const shape of shapes) {
        const answer = await service.call('POST', '/events/events/', {
          json: { action: 'login', app, context: { shape } },
        });
        expect(answer.status, answer.text).toBe(201);
      }
      await inBrowser(service.url, async (page) => {
        await page.goto(`${service.url}/ui/#rules`);
        await page.getByLabel('Admin token').fill(service.rootToken);
        await page.keyboard.press('Enter');
        const row = page.getByRole('row', { name: /document\.title=1/ });
        await expect.poll(() => row.locator('td').first().textContent()).toBe(name);
        await row.getByRole('button', { name: `Test ${name}` }).click();
        const groups = page
          .getByRole('region', { name: 'Groups that would have fired' })
          .locator('tbody tr td:first-child');
        await eventually(async () => {
          await page.getByRole('button', { name: 'Run test' }).click();
          await page.getByRole('status').filter({ hasText: 'matching events' }).waitFor();
          return (await groups.count()) === shapes.length;
        });
        expect((await groups.allTextContents()).map((cell) => cell.trim()).sort()).toEqual(
          shapes.map((shape) => `context.shape = ${JSON.stringify(shape)}`).sort(),
        );
        // Markup stays text: no element was made of it, and it ran nothing.
        expect(await page.locator('main img, tbody b').count()).toBe(0);
        expect(await page.title()).not.toMatch(/^[12]$/);
      });
    },
    flowTimeoutMs,
  );

  it(
    'shows the rules to an admin with eventhandling_read alone and says what writing and testing lack',
    async (context) => {
      if (!hasChromium()) context.skip(noChromium);
      const made = await service.call('POST', '/rules/', {
        json: {
          name: 'seen read-only',
          enabled: false,
          query: 'action = "login"',
          type: 'event_count',
          window: 60,
          threshold: 5,
        },
      });
      expect(made.status, made.text).toBe(201);
      const before = (await service.call('GET', '/rules/?page_size=1000')).body.pagination.count;
      const token = await service.admin(`rules-reader-${Date.now()}`, ['eventhandling_read']);
      await inBrowser(service.url, async (page) => {
        await page.goto(`${service.url}/ui/#rules`);
        await page.getByLabel('Admin token').fill(token);
        await page.keyboard.press('Enter');
        const row = page.getByRole('row', { name: /seen read-only/ });
        await expect.poll(() => row.textContent()).toContain('5');

        // The replay needs auditlog_read: said in the panel, its button disabled.
        await row.getByRole('button', { name: 'Test seen read-only' }).click();
        await page.getByText('Testing reads the event log, so it needs the policy action auditlog_read').waitFor();
        expect(await page.getByRole('button', { name: 'Run test' }).isDisabled()).toBe(true);

        // A write answers 403: said in the form in words, then every write control disabled.
        await page.getByRole('button', { name: 'New rule' }).click();
        await page.getByLabel('Name', { exact: true }).fill('not allowed');
        await page.getByLabel('Query: the events counted').fill('action = "login"');
        await page.getByRole('button', { name: 'Create rule' }).click();
        await page.getByText('Your admin lacks the policy action eventhandling_write').waitFor();
        expect(await page.getByRole('button', { name: 'Create rule' }).isDisabled()).toBe(true);
        expect(await page.getByRole('button', { name: 'New rule' }).isDisabled()).toBe(true);
        expect(await row.getByRole('button', { name: 'Edit seen read-only' }).isDisabled()).toBe(true);
        expect(await row.getByRole('button', { name: 'Delete seen read-only' }).isDisabled()).toBe(true);
        expect((await service.call('GET', '/rules/?page_size=1000')).body.pagination.count).toBe(before);
        await capture(page, 'rules-read-only');
      });
    },
    flowTimeoutMs,
  );
});
