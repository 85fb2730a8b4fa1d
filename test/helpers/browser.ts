// Debian's Chromium through playwright-core for a console test: a fresh profile per flow, nothing
// but the service reachable, no page error or console error allowed, axe-core and screenshots at
// 375 and 1440 px into test/artifacts/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = () => existsSync(chromiumPath);
export const noChromium = `Chromium is missing at ${chromiumPath}: apt-get install -y chromium (.ci/run installs it)`;

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
const axeSource = readFileSync(
  fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url)),
  'utf8',
);

/** axe-core on the page as it stands: no serious or critical violation. */
async function checkAccessibility(page: Page, name: string) {
  // page.evaluate runs through DevTools, outside the page's CSP (which refuses inline script).
  await page.evaluate(axeSource);
  // Source text, not functions: tests are type-checked without the DOM library.
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
    result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) })))`)) as {
    id: string;
    impact: string;
    nodes: string[];
  }[];
  const severe = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(severe, `${name}: ${JSON.stringify(severe)}`).toEqual([]);
}

/** Screenshots at both widths (nothing wider than a 375 px window but tables in their own box), then axe-core. */
export async function capture(page: Page, name: string) {
  for (const width of [375, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(artifacts, `ui-${name}-${width}.png`), fullPage: true });
    const overflow = (await page.evaluate(`(() => {
      const wide = [...document.querySelectorAll('body *')].filter(
        (e) => !e.parentElement?.closest('.table-wrap, .json') && e.getBoundingClientRect().right > innerWidth + 1,
      );
      const scroll = document.documentElement.scrollWidth - innerWidth;
      return [...wide.map((e) => e.tagName.toLowerCase() + '.' + e.className).slice(0, 5), ...(scroll > 0 ? ['page +' + scroll + ' px'] : [])];
    })()`)) as string[];
    expect(overflow, `${name} at ${width} px: wider than the window`).toEqual([]);
  }
  await checkAccessibility(page, name);
}

/**
 * Runs a flow on a fresh page of a fresh profile; afterwards nothing may have left for another
 * host than `origin` and the page may have logged no problem. A failure saves what the page showed.
 */
export async function inBrowser(origin: string, flow: (page: Page) => Promise<void>) {
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'event-hub-console-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumFlags,
    viewport: { width: 1440, height: 900 },
  });
  const elsewhere: string[] = [];
  const problems: string[] = [];
  try {
    await browser.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // 4xx answers the console asked for on purpose (400, 403, 404) are logged by Chromium.
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
    });
    try {
      await flow(page);
      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(artifacts, 'ui-failure.png'), fullPage: true });
      throw error;
    }
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
