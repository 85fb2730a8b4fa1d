// One DynamoDB Local for the whole run (each test file makes its own table), or the engine
// named by DYNAMODB_ENDPOINT.
import type { TestProject } from 'vitest/node';
import { freePort, type LocalEngine, startEngine } from '../../infra/local/engine.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
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
