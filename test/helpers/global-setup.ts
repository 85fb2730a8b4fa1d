// One DynamoDB Local per test worker (each test file makes its own table), or the engine named
// by DYNAMODB_ENDPOINT. DynamoDB Local answers one shared in-memory database's requests largely
// one after another: with one engine the workers queue behind each other on it.
import type { TestProject } from 'vitest/node';
import { freePort, type LocalEngine, startEngine } from '../../infra/local/engine.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoints: string[];
  }
}

const engines: LocalEngine[] = [];

export async function setup(project: TestProject) {
  const named = process.env.DYNAMODB_ENDPOINT;
  if (named) {
    project.provide('dynamoEndpoints', [named]);
    return;
  }
  const workers = Number(project.config.maxWorkers) || 1;
  for (let i = 0; i < workers; i++) engines.push(await startEngine({ port: await freePort() }));
  project.provide(
    'dynamoEndpoints',
    engines.map((engine) => engine.endpoint),
  );
}

export function teardown() {
  for (const engine of engines) engine.stop();
}
