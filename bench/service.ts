// The local service as operators run it (`infra/local/start.ts`), in a child process of its own
// so that the load generator does not share its event loop, on the bench's DynamoDB Local.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { freePort } from '../infra/local/engine.ts';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Tables made for this run (deleted at the end when the engine is not the bench's own). */
export const benchTables: string[] = [];

export interface BenchService {
  url: string;
  token: string;
  tableName: string;
  /** Lines the service wrote to stderr (errors it logged). */
  errors: string[];
  stop(): Promise<void>;
}

export async function startBenchService(endpoint: string, env: Record<string, string> = {}): Promise<BenchService> {
  const port = await freePort();
  const token = randomBytes(32).toString('hex');
  const tableName = `bench-${randomUUID()}`;
  benchTables.push(tableName);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      ...env,
      DYNAMODB_ENDPOINT: endpoint,
      TABLE_NAME: tableName,
      PORT: String(port),
      EVENT_HUB_ADMIN_TOKEN: token,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errors: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => errors.push(...chunk.split('\n').filter(Boolean)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let seen: string | null = '';
    const timer = setTimeout(
      () => reject(new Error(`the service did not start in 60 s: ${errors.join('\n')}`)),
      60_000,
    );
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (seen === null) return;
      seen += chunk;
      const found = /listening on (http:\/\/\S+)/.exec(seen);
      if (found) {
        seen = null; // started: the rest of stdout is drained and dropped
        clearTimeout(timer);
        resolve(found[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code}) during start: ${errors.join('\n')}`));
    });
  });
  return {
    url,
    token,
    tableName,
    errors,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A JSON call to the service as the bootstrap admin. */
export async function callService(service: BenchService, method: string, path: string, json?: unknown) {
  const response = await fetch(service.url + path, {
    method,
    headers: { authorization: `Bearer ${service.token}`, 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as any) };
}
