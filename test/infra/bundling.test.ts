// bench/ measures bundles built by bundleFunction(); they must be the bytes the CDK deploys.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, expect, it } from 'vitest';
import { bundleFunction, chunksDir } from '../../infra/bundling.ts';
import { RouteFunction } from '../../infra/route-function.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const outdir = mkdtempSync(join(tmpdir(), 'event-hub-bundling-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Every file of a bundle, by its path inside it. */
const filesOf = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [path.slice(dir.length + 1), readFileSync(path)];
      }),
  );

it('builds the same bundle as the function of the stack, the code import() loads in chunks of its own', () => {
  const app = new App({ outdir: join(outdir, 'cdk') });
  const stack = new Stack(app, 'Bundling');
  const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  const ingest = new RouteFunction(stack, 'Ingest', { fn: 'events-create', table, access: 'write' });
  // A second function gets a bundle of its own (the asset cache is keyed by the bundling options).
  const health = new RouteFunction(stack, 'Health', { fn: 'health', table, access: 'none' });
  const assembly = app.synth();
  const template = assembly.getStackByName('Bundling').template as {
    Resources: Record<string, { Properties?: { Code?: { S3Key?: string } } }>;
  };
  const s3Key = (fn: RouteFunction) =>
    template.Resources[stack.getLogicalId(fn.function.node.defaultChild as CfnFunction)]?.Properties?.Code?.S3Key;
  expect(s3Key(ingest)).not.toBe(s3Key(health));
  const asset = `asset.${s3Key(ingest)?.replace(/\.zip$/, '')}`;

  bundleFunction('events-create', join(outdir, 'bench'), projectRoot);
  const deployed = filesOf(join(outdir, 'cdk', asset));
  const measured = filesOf(join(outdir, 'bench'));
  expect(Object.keys(deployed).sort()).toEqual(Object.keys(measured).sort());
  for (const [path, bytes] of Object.entries(measured)) expect(bytes.equals(deployed[path] as Buffer), path).toBe(true);
  // re2js is one of them: ingest compiles a pattern only when a pre binding has one.
  const index = (measured['index.mjs'] as Buffer).toString();
  const chunks = Object.keys(measured).filter((path) => path.startsWith(`${chunksDir}/`));
  const re2js = chunks.find((path) => (measured[path] as Buffer).includes('invalid nested repetition operator'));
  expect(re2js).toBeDefined();
  expect(index).not.toContain('invalid nested repetition operator');
});
