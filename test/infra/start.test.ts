// `npm start` as a newcomer runs it: a real child process, real DynamoDB Local, real HTTP.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import { describe, expect, it, onTestFailed } from 'vitest';
import { freePort } from '../../infra/local/engine.ts';
import { eventually } from '../helpers/service.ts';

const projectRoot = new URL('../..', import.meta.url).pathname;
// Exactly the command of `npm start`, without npm around it. It must not run under the tsx CLI:
// that wrapper SIGKILLs a child slow to acknowledge Ctrl-C, leaving DynamoDB Local behind.
const [command, ...startArgs] = (
  JSON.parse(readFileSync(`${projectRoot}package.json`, 'utf8')) as { scripts: { start: string } }
).scripts.start.split(' ');

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** Whether a DynamoDB Local started on this port is still running (by command line, not by the port: another engine may take a freed port). */
function engineRunning(port: number): boolean {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return (
          args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && args[args.indexOf('-port') + 1] === String(port)
        );
      } catch {
        return false; // the process ended while we looked
      }
    });
}

function run(env: Record<string, string>) {
  expect(command).toBe('node');
  const child = spawn(process.execPath, startArgs, {
    cwd: projectRoot,
    env: { ...process.env, DYNAMODB_ENDPOINT: '', TABLE_NAME: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { text: '' };
  child.stdout?.on('data', (chunk) => {
    output.text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output.text += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // What the child wrote, shown with the test's report when it fails (a passing run prints none).
  onTestFailed(() => console.log(`npm start wrote:\n${output.text}`));
  return { child, output, exited };
}

describe('npm start', () => {
  it('says clearly that Java is missing', async () => {
    const { output, exited } = run({ PATH: dirname(process.execPath), PORT: String(await freePort()) });
    expect(await exited).toBe(1);
    expect(output.text).toContain('DynamoDB Local needs a Java 17+ runtime');
  });

  it('serves the routes with the given admin token and leaves no Java process behind on Ctrl-C', async () => {
    const port = await freePort();
    const enginePort = await freePort();
    const token = `ieh_${'t'.repeat(43)}`;
    const { child, output, exited } = run({
      PORT: String(port),
      DYNAMODB_PORT: String(enginePort),
      EVENT_HUB_ADMIN_TOKEN: token,
    });
    try {
      await eventually(async () => output.text.includes('listening on'), 60_000);
      expect(output.text).toContain(`http://127.0.0.1:${port}`);
      expect(output.text).toContain(`DYNAMODB_ENDPOINT=http://127.0.0.1:${enginePort}`);
      expect(output.text).toContain(token);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const created = await fetch(`http://127.0.0.1:${port}/events/events/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'login', app: 'smoke' }),
      });
      expect(created.status).toBe(201);
      const refused = await fetch(`http://127.0.0.1:${port}/events/events/`, {
        headers: { authorization: 'Bearer nope' },
      });
      expect(refused.status).toBe(401);
      expect(await portOpen(enginePort)).toBe(true);
      expect(engineRunning(enginePort)).toBe(true);
    } finally {
      (child as ChildProcess).kill('SIGINT');
    }
    await exited;
    await eventually(async () => !engineRunning(enginePort), 15_000);
  });
});
