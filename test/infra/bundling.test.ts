// bench/ measures bundles built with esbuildOptions(); they must be the bytes the CDK deploys.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { build } from 'esbuild';
import { afterAll, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/bundling.ts';
import { RouteFunction } from '../../infra/route-function.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const outdir = mkdtempSync(join(tmpdir(), 'event-hub-bundling-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('builds the same bundle as the NodejsFunction of the stack', async () => {
  const app = new App({ outdir: join(outdir, 'cdk') });
  const stack = new Stack(app, 'Bundling');
  const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  new RouteFunction(stack, 'Ingest', { fn: 'events-create', table, access: 'write' });
  app.synth();
  const [asset] = readdirSync(join(outdir, 'cdk')).filter((name) => name.startsWith('asset.'));
  if (!asset) throw new Error('no function bundle in the cloud assembly');

  await build(esbuildOptions('functions/events-create.ts', join(outdir, 'bench'), projectRoot));
  const deployed = readFileSync(join(outdir, 'cdk', asset, 'index.mjs'));
  const measured = readFileSync(join(outdir, 'bench', 'index.mjs'));
  expect(measured.length).toBe(deployed.length);
  expect(measured.equals(deployed)).toBe(true);
});
