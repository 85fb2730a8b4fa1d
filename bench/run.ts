// `npm run bench [-- section… --duration <s>]`: prints cost and speed figures. Never a test:
// nothing here asserts a time. Sections run in the order listed; none named runs them all.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { engineClient, ensureTable, freePort, type LocalEngine, startEngine } from '../infra/local/engine.ts';
import { benchTables } from './service.ts';

const sections = [
  'ingest',
  'scale',
  'throughput',
  'bundles',
  'load',
  'dispatch',
  'query',
  'burst',
  'bounds',
  'connectors',
  'rules',
] as const;
type Section = (typeof sections)[number];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { duration: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
const unknown = positionals.filter((name) => !sections.includes(name as Section));
if (values.help || unknown.length > 0) {
  if (unknown.length > 0) console.error(`unknown section: ${unknown.join(', ')}`);
  console.log(
    `usage: npm run bench -- [${sections.join('|')}]… [--duration <seconds of the load section, default 60>]`,
  );
  process.exit(unknown.length > 0 ? 2 : 0);
}
const chosen = positionals.length > 0 ? sections.filter((name) => positionals.includes(name)) : [...sections];
const duration = values.duration === undefined ? 60 : Number(values.duration);
if (!(duration > 0)) throw new Error('--duration must be a positive number of seconds');

let engine: LocalEngine | undefined;
const stopEngine = () => engine?.stop();
process.once('SIGINT', () => {
  stopEngine();
  process.exit(130);
});

try {
  if (!process.env.DYNAMODB_ENDPOINT) {
    // On a busy machine DynamoDB Local can miss the engine's 30 s start deadline: try again.
    for (let attempt = 1; !engine; attempt++) {
      try {
        engine = await startEngine({ port: await freePort() });
      } catch (error) {
        if (attempt === 3) throw error;
        console.error(`DynamoDB Local, attempt ${attempt}: ${(error as Error).message}; trying again`);
      }
    }
    process.env.DYNAMODB_ENDPOINT = engine.endpoint;
  }
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  // In-process sections share one table; each service the bench starts gets its own.
  process.env.TABLE_NAME = `bench-${Date.now()}`;
  benchTables.push(process.env.TABLE_NAME);
  await ensureTable(endpoint, process.env.TABLE_NAME);
  console.log(
    `idp-event-hub bench, ${new Date().toISOString()}, Node ${process.version}, DynamoDB Local at ${endpoint}`,
  );
  console.log(`sections: ${chosen.join(', ')}`);
  console.log('(figures depend on the machine: the load average is printed after each section)');

  const run: Record<Section, () => Promise<unknown>> = {
    ingest: async () => (await import('./ingest-cost.ts')).ingestCost(),
    scale: async () => (await import('./scale.ts')).scaleFigures(endpoint),
    throughput: async () => (await import('./throughput.ts')).ingestThroughput(endpoint, Math.min(10, duration)),
    bundles: async () => (await import('./bundles.ts')).bundleFigures(),
    load: async () => (await import('./load.ts')).mixedLoad(endpoint, duration),
    dispatch: async () => (await import('./dispatch.ts')).dispatchFigures(endpoint),
    query: async () => (await import('./query.ts')).queryFigures(),
    burst: async () => (await import('./burst.ts')).burstFigures(endpoint),
    bounds: async () => (await import('./request-bounds.ts')).requestBoundFigures(endpoint),
    connectors: async () => (await import('./connector-ingest.ts')).connectorIngestFigures(endpoint),
    rules: async () => (await import('./rules.ts')).ruleFigures(endpoint),
  };
  let failed = false;
  for (const section of chosen) {
    const started = performance.now();
    console.log(`\n=== ${section} ===`);
    try {
      await run[section]();
    } catch (error) {
      failed = true;
      console.error(`section ${section} failed:`, error);
    }
    const load = loadavg()
      .map((value) => value.toFixed(1))
      .join(' ');
    console.log(`(${section}: ${((performance.now() - started) / 1000).toFixed(1)} s; load average ${load})`);
  }
  process.exitCode = failed ? 1 : 0;
  if (!engine) {
    // Someone else's engine: leave it as it was.
    const client = engineClient(endpoint);
    for (const name of benchTables)
      await client.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
    client.destroy();
  }
} finally {
  stopEngine();
}
// Open sockets of the SDK clients would keep the process alive.
process.exit();
