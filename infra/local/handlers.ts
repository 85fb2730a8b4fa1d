// The handlers of infra/functions.ts as the local runner calls them: imported from functions/,
// with the Lambda context their deployed function would get (its timeout and memory).
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { LambdaFunction } from '../functions.ts';

export type Lambda = (event: never, context: Context) => Promise<unknown>;

const functionsDir = new URL('../../functions/', import.meta.url);

export async function loadHandler(entry: Pick<LambdaFunction, 'fn'>): Promise<Lambda> {
  const module = await import(pathToFileURL(new URL(`${entry.fn}.ts`, functionsDir).pathname).href);
  return module.handler as Lambda;
}

/**
 * The function's own timeout, as in AWS. Tests raise it (LOCAL_FUNCTION_TIMEOUT_MS): on 2 shared
 * cores one process runs every function, which real Lambda never does.
 */
export function lambdaContext(entry: Pick<LambdaFunction, 'fn' | 'timeoutSeconds' | 'memoryMb'>): Context {
  const timeoutMs = Number(process.env.LOCAL_FUNCTION_TIMEOUT_MS) || entry.timeoutSeconds * 1000;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: entry.fn,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${entry.fn}`,
    memoryLimitInMB: String(entry.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${entry.fn}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
