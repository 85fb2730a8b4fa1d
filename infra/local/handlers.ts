// The handlers of infra/functions.ts as the local runner calls them: imported from functions/,
// or, with LOCAL_BUNDLES_DIR set, from the bundles the stack deploys (infra/bundling.ts, each
// built anew into that folder with its first request: never an earlier run's), with the Lambda context their deployed
// function would get (its timeout and memory).
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { bundleFunction } from '../bundling.ts';
import type { LambdaFunction } from '../functions.ts';

export type Lambda = (event: never, context: Context) => Promise<unknown>;

const functionsDir = new URL('../../functions/', import.meta.url);
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

async function bundledHandler(entry: Pick<LambdaFunction, 'fn' | 'files'>, bundlesDir: string): Promise<Lambda> {
  const outdir = join(bundlesDir, entry.fn);
  rmSync(outdir, { recursive: true, force: true });
  bundleFunction(entry.fn, outdir, projectRoot, entry.files?.());
  return (await import(pathToFileURL(join(outdir, 'index.mjs')).href)).handler as Lambda;
}

export async function loadHandler(entry: Pick<LambdaFunction, 'fn' | 'files'>): Promise<Lambda> {
  const bundlesDir = process.env.LOCAL_BUNDLES_DIR;
  if (bundlesDir) {
    let handler: Promise<Lambda> | undefined;
    return async (event, context) => {
      handler ??= bundledHandler(entry, bundlesDir);
      return (await handler)(event, context);
    };
  }
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
