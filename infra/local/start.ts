// `npm start`: DynamoDB Local (unless DYNAMODB_ENDPOINT is set), the table, a bootstrap admin
// holding every policy action, the stream poller with the retry timer, and the local gateway.
// Ctrl-C stops everything.
import { ensureTable, JavaMissingError, type LocalEngine, startEngine } from './engine.ts';

const port = Number(process.env.PORT ?? 3000);
const enginePort = Number(process.env.DYNAMODB_PORT ?? 8000);
const tableName = process.env.TABLE_NAME || 'idp-event-hub';
process.env.TABLE_NAME = tableName;

let engine: LocalEngine | undefined;
try {
  if (!process.env.DYNAMODB_ENDPOINT) {
    engine = await startEngine({ port: enginePort, dataDir: process.env.DATA_DIR || undefined });
    process.env.DYNAMODB_ENDPOINT = engine.endpoint;
  }
  const endpoint = process.env.DYNAMODB_ENDPOINT as string;
  await ensureTable(endpoint, tableName);

  // The store reads DYNAMODB_ENDPOINT and TABLE_NAME when first imported.
  const { bootstrapAdmin } = await import('./bootstrap.ts');
  const { startGateway } = await import('./gateway.ts');
  const { startLocalDispatch } = await import('./stream-poller.ts');
  const token = await bootstrapAdmin(process.env.EVENT_HUB_ADMIN_TOKEN);
  // The stream poller and the retry timer: post bindings run as the dispatcher Lambda runs them.
  const dispatch = await startLocalDispatch({ endpoint, tableName });
  // LOCAL_CAPACITY_HEADER=1 (off by default): answers carry x-consumed-rcu/-wcu, that request's units alone.
  const meter =
    process.env.LOCAL_CAPACITY_HEADER === '1' ? (await import('./request-capacity.ts')).requestMeter() : undefined;
  const gateway = await startGateway({ port, meter });

  console.log(`idp-event-hub listening on ${gateway.url}`);
  console.log(`DYNAMODB_ENDPOINT=${endpoint} TABLE_NAME=${tableName}`);
  console.log(`admin token (every policy action): ${token}`);
  console.log(`console: ${gateway.url}/ui/ (sign in with the token); API docs: ${gateway.url}/docs`);
  console.log(`try: curl -H "Authorization: Bearer ${token}" ${gateway.url}/events/events/`);

  let stopping = false;
  const stop = () => {
    // A second Ctrl-C does not wait for the dispatcher (exiting kills DynamoDB Local too).
    if (stopping) process.exit(130);
    stopping = true;
    gateway.server.closeAllConnections();
    void gateway.close();
    // Exit even when a run is mid-flight: the ledger's lease lets the next start take it over.
    setTimeout(() => {
      engine?.stop();
      process.exit(0);
    }, 2_000).unref();
    void dispatch.stop().finally(() => {
      engine?.stop();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  engine?.stop();
  console.error(error instanceof JavaMissingError ? error.message : error);
  process.exit(1);
}
