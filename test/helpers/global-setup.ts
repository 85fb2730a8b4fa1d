// One DynamoDB Local for the whole run (each test file makes its own table), or the engine
// named by DYNAMODB_ENDPOINT.
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
import { type LocalEngine, startEngine } from '../../infra/local/engine.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let engine: LocalEngine | undefined;

export async function setup(project: TestProject) {
  let endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) {
    engine = await startEngine({ port: await freePort() });
    endpoint = engine.endpoint;
  }
  project.provide('dynamoEndpoint', endpoint);
}

export function teardown() {
  engine?.stop();
}
