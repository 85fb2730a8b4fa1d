// The console's routes (functions/ui-*.ts): the page and its two files through the local gateway,
// and the ui-asset function as the stack bundles it, serving the console built at synth time.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { App, Stack } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionNamed } from '../../infra/functions.ts';
import { RouteFunction } from '../../infra/route-function.ts';
import { consoleAssets } from '../../ui/assets.ts';
import { buildConsole } from '../../ui/build.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

/** Issue 15: the whole console, gzipped. */
const budgetBytes = 150 * 1024;

describe('GET /ui', () => {
  it('redirects to /ui/, whose page holds no data, loads only same-origin files and has a strict CSP', async () => {
    const redirect = await service.call('GET', '/ui', { token: null });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/ui/');

    const page = await service.call('GET', '/ui/', { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self';/);
    expect(policy).not.toMatch(/unsafe|https?:|\*/);
    expect(page.text).toContain('<script type="module" src="console.js"></script>');
    expect(page.text).toContain('<link rel="stylesheet" href="console.css">');
    // No inline script or style, nothing from another origin.
    expect(page.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(page.text).not.toMatch(/<style|\sstyle=/);
    expect(page.text).not.toMatch(/(https?:)?\/\/[a-z]/i);
  });

  it('serves the console built from ui/console/, within 150 KB gzipped, and nothing else', async () => {
    const built = buildConsole();
    let gzipped = 0;
    for (const [asset, type] of Object.entries(consoleAssets)) {
      const answer = await service.call('GET', `/ui/${asset}`, { token: null });
      expect(answer.status, asset).toBe(200);
      expect(answer.headers.get('content-type'), asset).toBe(type);
      expect(answer.headers.get('x-content-type-options'), asset).toBe('nosniff');
      expect(answer.text, asset).toBe(built[asset as keyof typeof built]);
      expect(answer.text, asset).not.toMatch(/https?:\/\/[a-z]/i);
      gzipped += gzipSync(answer.text).length;
    }
    expect(gzipped).toBeLessThanOrEqual(budgetBytes);
    for (const other of ['index.html', 'main.ts', 'app.ts', '..%2Fbuild.ts', 'console.js.map']) {
      const answer = await service.call('GET', `/ui/${other}`, { token: null });
      expect(answer.status, other).toBe(400);
      expect(answer.body, other).toEqual({ message: expect.any(String) });
    }
  });
});

describe('the ui-asset function as the stack bundles it', () => {
  const bundleOut = mkdtempSync(join(tmpdir(), 'event-hub-console-bundle-'));
  afterAll(() => rmSync(bundleOut, { recursive: true, force: true }));

  it('carries the built console and serves it with no esbuild, source or node_modules in reach', () => {
    const entry = functionNamed('ui-asset');
    const files = entry.files?.() ?? {};
    const app = new App({ outdir: bundleOut });
    const stack = new Stack(app, 'ConsoleBundle');
    const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    new RouteFunction(stack, 'UiAsset', { fn: 'ui-asset', table, access: 'none', files });
    app.synth();
    const [bundle] = readdirSync(bundleOut)
      .map((name) => join(bundleOut, name))
      .filter((dir) => existsSync(join(dir, 'index.mjs')));
    if (!bundle) throw new Error('no function bundle in the cloud assembly');
    expect(readdirSync(join(bundle, 'console-files')).sort()).toEqual(Object.keys(consoleAssets).sort());
    expect(readFileSync(join(bundle, 'index.mjs'), 'utf8')).not.toContain('buildSync');

    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(bundle, 'index.mjs')).href)});
      const answers = {};
      for (const asset of ${JSON.stringify(Object.keys(consoleAssets))}) {
        const event = { version: '2.0', routeKey: 'GET /ui/{file}', rawPath: '/ui/' + asset, rawQueryString: '',
          headers: {}, pathParameters: { file: asset }, isBase64Encoded: false,
          requestContext: { http: { method: 'GET', path: '/ui/' + asset } } };
        const answer = await handler(event, { getRemainingTimeInMillis: () => 10000 });
        answers[asset] = { status: answer.statusCode, type: answer.headers['content-type'], body: answer.body };
      }
      console.log(JSON.stringify(answers));`;
    const { NODE_PATH: _, ...env } = process.env;
    // Its stderr is piped, not inherited: a failure's error message carries it.
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: bundle,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const answers = JSON.parse(output.toString().trim().split('\n').at(-1) ?? '{}');
    for (const [asset, type] of Object.entries(consoleAssets)) {
      expect(answers[asset], asset).toEqual({
        status: 200,
        type,
        body: readFileSync(files[`console-files/${asset}`] as string, 'utf8'),
      });
    }
  });
});
