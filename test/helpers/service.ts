// A running service for one test file: its own table on the shared DynamoDB Local, the real
// local gateway on a free port, and admins made through the same code as the CLI.
import { createHash, randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { engineClient, ensureTable } from '../../infra/local/engine.ts';
import type { PolicyAction } from '../../lib/admins/policy-actions.ts';
import { engineEndpoint } from './engine-endpoint.ts';

export interface CallOptions {
  token?: string | null;
  /** Full Authorization header, overriding `token`. */
  authorization?: string;
  json?: unknown;
  form?: Record<string, string>;
  raw?: string;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface ServiceOptions {
  /** Also run the stream poller and the retry timer (post bindings, retries), as `npm start` does. */
  dispatch?: boolean;
  /** Handlers may call loopback and private destinations (WEBHOOK_ALLOW_PRIVATE=1); false: as deployed. */
  privateDestinations?: boolean;
}

export async function startService(options: ServiceOptions = {}) {
  const endpoint = engineEndpoint();
  const tableName = `test-${randomUUID()}`;
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME = tableName;
  process.env.WEBHOOK_ALLOW_PRIVATE = options.privateDestinations === false ? '0' : '1';
  // A binding written by a test acts on the very next event; a test file may shrink more.
  process.env.BINDING_CACHE_MS ??= '0';
  process.env.DELIVERY_RETRY_INTERVAL_MS ??= '200';
  // The seal's writes would move table digests; tests that need it call it themselves.
  process.env.SEAL_INTERVAL_MS ??= '0';
  process.env.LIVE_SEAL_INTERVAL_MS ??= '0';
  process.env.LOCAL_FUNCTION_TIMEOUT_MS ??= '30000';
  await ensureTable(endpoint, tableName);

  // Any Scan through the service's own client fails the request that made it; so does PartiQL,
  // whose SELECT without a key is a Scan in disguise.
  const { dynamo } = await import('../../lib/store/client.ts');
  const commands: string[] = [];
  // The service's only client: a write it completed is a change of the table.
  const writes = { completed: 0 };
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName as string;
      commands.push(command);
      if (command === 'ScanCommand') throw new Error('Scan on a request path');
      if (/ExecuteStatement|ExecuteTransaction/.test(command)) throw new Error('PartiQL on a request path');
      const result = await next(args);
      if (writeCommand.test(command)) writes.completed++;
      return result;
    },
    { step: 'initialize', name: 'scanGuard' },
  );

  const { startGateway } = await import('../../infra/local/gateway.ts');
  const { createAdmin, revokeAdmin } = await import('../../lib/admins/admins.ts');
  const { adminStore } = await import('../../lib/store/admins.ts');
  const { policyActions } = await import('../../lib/admins/policy-actions.ts');
  const gateway = await startGateway();
  const dispatch = options.dispatch
    ? await (await import('../../infra/local/stream-poller.ts')).startLocalDispatch({ endpoint, tableName })
    : undefined;
  const rootToken = await createAdmin(adminStore, 'root', [...policyActions]);
  const inspector = engineClient(endpoint);

  async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? rootToken : options.token;
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    else if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    } else if (options.form !== undefined) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(gateway.url + path, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  return {
    url: gateway.url,
    tableName,
    rootToken,
    /** Names of the DynamoDB commands the service has sent so far. */
    commands,
    /** How many writes (put, update, delete, batch, transaction) the service has completed so far. */
    completedWrites: () => writes.completed,
    call,
    admin: (name: string, actions: PolicyAction[]) => createAdmin(adminStore, name, actions),
    revoke: (name: string) => revokeAdmin(adminStore, name),
    /** A digest of every item in the table, read by the test (not by the service). */
    async digest(): Promise<string> {
      const items: string[] = [];
      let start: Record<string, any> | undefined;
      do {
        const page = await inspector.send(
          new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }),
        );
        for (const item of page.Items ?? []) items.push(canonical(item));
        start = page.LastEvaluatedKey;
      } while (start);
      return createHash('sha256').update(items.sort().join('\n')).digest('hex');
    },
    async close() {
      await dispatch?.stop();
      gateway.server.closeAllConnections();
      await gateway.close();
      inspector.destroy();
    },
  };
}

const writeCommand =
  /^(Put|PutItem|Update|UpdateItem|Delete|DeleteItem|BatchWrite|BatchWriteItem|TransactWrite|TransactWriteItems)Command$/;

function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export type Service = Awaited<ReturnType<typeof startService>>;

/** Polls until `check` holds, failing after the deadline (no sleeps tuned to pass). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, deadlineMs = 15_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
