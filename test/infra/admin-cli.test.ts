// `npm run admin` as an operator runs it: a child process against the test engine and this
// file's own table; the tokens it prints are then used over real HTTP.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineClient } from '../../infra/local/engine.ts';
import { type Service, startService } from '../helpers/service.ts';

const root = new URL('../../', import.meta.url).pathname;

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function admin(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', 'admin', '--', ...args],
      {
        cwd: root,
        env: { ...process.env, DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT, TABLE_NAME: service.tableName },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        // Kept with the test and shown only if it fails.
        console.log(`npm run admin -- ${args.join(' ')} (exit ${code}):\n${stdout}${stderr}`);
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? '';

async function adminItems() {
  const client = engineClient(process.env.DYNAMODB_ENDPOINT as string);
  try {
    const { Items } = await client.send(
      new QueryCommand({
        TableName: service.tableName,
        IndexName: 'by-ref',
        KeyConditionExpression: 'rpk = :rpk',
        ExpressionAttributeValues: { ':rpk': { S: 'ADMINS' } },
      }),
    );
    return Items ?? [];
  } finally {
    client.destroy();
  }
}

describe('npm run admin', () => {
  let token: string;

  it('create prints the token as the last line of stdout', async () => {
    const run = await admin('create', 'cli-auditor', '--actions', 'auditlog_read,eventhandling_read');
    expect(run.code, run.stderr).toBe(0);
    token = lastLine(run.stdout);
    expect(token).toMatch(/^\S{43,}$/);
    // ≥ 256 random bits: 43 base64url characters at least after any prefix.
    expect(token.replace(/^ieh_/, '')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  });

  it('the token works over HTTP with exactly the given actions', async () => {
    expect((await service.call('GET', '/events/events/', { token })).status).toBe(200);
    expect((await service.call('GET', '/event/', { token })).status).toBe(200);
    expect((await service.call('GET', '/event/', { token: null, headers: { 'pi-authorization': token } })).status).toBe(
      200,
    );
    expect((await service.call('POST', '/events/events/', { token, json: { action: 'login', app: 'x' } })).status).toBe(
      403,
    );
    expect((await service.call('POST', '/event', { token, json: {} })).status).toBe(403);
  });

  it('stores only a hash of the token', async () => {
    const items = await adminItems();
    const item = items.find((i) => i.name?.S === 'cli-auditor');
    expect(item).toBeDefined();
    const stored = JSON.stringify(item);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(token.replace(/^ieh_/, ''));
    expect(stored).toContain(createHash('sha256').update(token).digest('hex'));
    expect(stored).toContain('auditlog_read');
    expect(stored).toContain('eventhandling_read');
  });

  it('list shows the admin and its actions, never a token', async () => {
    const run = await admin('list');
    expect(run.code, run.stderr).toBe(0);
    const line = run.stdout.split('\n').find((l) => l.startsWith('cli-auditor\t'));
    expect(line).toBeDefined();
    expect(line).toContain('auditlog_read');
    expect(run.stdout).toContain('root\t');
    expect(run.stdout + run.stderr).not.toContain(token);
    expect(run.stdout).not.toContain(service.rootToken);
  });

  it('refuses unknown action names with a non-zero exit and creates nothing', async () => {
    const before = await service.digest();
    const run = await admin('create', 'cli-typo', '--actions', 'auditlog_read,auditlog_raed');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('auditlog_raed');
    expect(await service.digest()).toBe(before);
    expect((await admin('list')).stdout).not.toContain('cli-typo');
  });

  it('refuses a duplicate name and a missing name', async () => {
    expect((await admin('create', 'cli-auditor', '--actions', 'auditlog_read')).code).not.toBe(0);
    expect((await admin('create')).code).not.toBe(0);
    expect((await admin('revoke', 'nobody-here')).code).not.toBe(0);
  });

  it('revoke makes the token a 401 at once', async () => {
    const run = await admin('revoke', 'cli-auditor');
    expect(run.code, run.stderr).toBe(0);
    const answer = await service.call('GET', '/events/events/', { token });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ message: 'Unauthorized' });
    expect((await admin('list')).stdout).not.toContain('cli-auditor');
  });
});
