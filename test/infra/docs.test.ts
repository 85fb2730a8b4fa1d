// The docs page (functions/docs-page.ts, functions/docs-asset.ts) in a real browser: Debian's
// Chromium through playwright-core, offline, against the local service.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledDocsFiles, docsAssets } from '../../functions/http/docs.ts';
import { routes } from '../../infra/routes.ts';
import { type Service, startService } from '../helpers/service.ts';

const chromiumPath = '/usr/bin/chromium';
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

describe('GET /docs', () => {
  it('serves the page without a credential, with no-store, nosniff and a same-origin CSP', async () => {
    const answer = await service.call('GET', '/docs', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self' 'sha256-/);
    for (const asset of Object.keys(docsAssets)) expect(answer.text).toContain(`docs/${asset}`);
    expect(answer.text).toContain("url: 'openapi.json'");
    // Nothing from another origin: no CDN, no validator badge.
    expect(answer.text).not.toMatch(/(https?:)?\/\/[a-z]/i);
  });

  it('serves each whitelisted swagger-ui-dist file as installed, and nothing else', async () => {
    const sources = bundledDocsFiles();
    for (const [asset, type] of Object.entries(docsAssets)) {
      const answer = await service.call('GET', `/docs/${asset}`, { token: null });
      expect(answer.status, asset).toBe(200);
      expect(answer.headers.get('content-type'), asset).toBe(type);
      expect(answer.headers.get('cache-control'), asset).toBe('no-store');
      expect(answer.headers.get('x-content-type-options'), asset).toBe('nosniff');
      expect(answer.text, asset).toBe(readFileSync(sources[`swagger-ui/${asset}`] as string, 'utf8'));
    }
    for (const other of ['package.json', 'index.html', 'swagger-initializer.js', '..%2Fpackage.json']) {
      const answer = await service.call('GET', `/docs/${other}`, { token: null });
      expect(answer.status, other).toBe(400);
      expect(answer.body, other).toEqual({ message: expect.any(String) });
      expect(answer.headers.get('cache-control'), other).toBe('no-store');
    }
  });

  it('renders every route of the table in headless Chromium, offline, and saves a screenshot', async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(`Chromium is missing at ${chromiumPath}: apt-get install -y chromium (.ci/run installs it)`);
    }
    const profile = mkdtempSync(join(tmpdir(), 'event-hub-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumFlags,
    });
    try {
      const elsewhere: string[] = [];
      const problems: string[] = [];
      // Anything not from the service is refused and recorded: the page must work offline.
      await browser.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(`${service.url}/`)) return route.continue();
        elsewhere.push(url);
        return route.abort();
      });
      const page = await browser.newPage();
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      const answer = await page.goto(`${service.url}/docs`);
      expect(answer?.status()).toBe(200);
      await page.locator('.opblock-summary').first().waitFor({ timeout: 30_000 });
      await page
        .locator('.opblock-summary')
        .nth(routes.length - 1)
        .waitFor({ timeout: 30_000 });

      const shown = await page.$$eval('.opblock-summary', (summaries) =>
        summaries.map((summary) => {
          const method = summary.querySelector('.opblock-summary-method')?.textContent ?? '';
          const path = summary.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
          return `${method.trim().toUpperCase()} ${path}`;
        }),
      );
      expect(shown.sort()).toEqual(routes.map((route) => route.key).sort());
      expect(await page.locator('.info .title').textContent()).toContain('idp-event-hub');

      mkdirSync(artifacts, { recursive: true });
      const screenshot = join(artifacts, 'docs.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');

      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
