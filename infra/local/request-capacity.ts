// The DynamoDB capacity one gateway request consumed (LOCAL_CAPACITY_HEADER=1): a middleware on
// the store's client adds what each command reports to the tally of the request it runs for,
// found through AsyncLocalStorage, so the timers sharing the process (seals, stream poller)
// count for no request; with them, the commands it sent (x-dynamodb-requests: `Query=1024 GetItem=2`;
// DynamoDB Local reports no units for a Query that finds nothing, AWS charges it 0.5). Import after
// DYNAMODB_ENDPOINT and TABLE_NAME are set.
import { AsyncLocalStorage } from 'node:async_hooks';
import { dynamo } from '../../lib/store/client.ts';

/** What DynamoDB reports as ConsumedCapacity (one per table of the command). */
export interface ConsumedCapacity {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/** Commands whose units are read units; every other command's are write units. */
export const readCommands = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

interface Tally {
  rcu: number;
  wcu: number;
  /** Commands sent to DynamoDB, by name (`Query`). */
  requests: Map<string, number>;
}

export interface RequestMeter {
  /** Runs one request's handling with a tally of its own. */
  run<T>(handle: () => T): T;
  /** The running request's tally as response headers. */
  headers(): Record<string, string>;
}

const requests = new AsyncLocalStorage<Tally>();

/** Installs the middleware on the store's client. */
export function requestMeter(): RequestMeter {
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const tally = requests.getStore();
      if (!tally) return next(args);
      const command = (context.commandName as string).replace(/Command$/, '');
      tally.requests.set(command, (tally.requests.get(command) ?? 0) + 1);
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'INDEXES';
      const result = await next(args);
      const reported = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
      const units = [reported ?? []].flat().reduce((sum, capacity) => sum + (capacity.CapacityUnits ?? 0), 0);
      if (readCommands.has(command)) tally.rcu += units;
      else tally.wcu += units;
      return result;
    },
    { step: 'initialize', name: 'localRequestCapacity', priority: 'high' },
  );
  return {
    run: (handle) => requests.run({ rcu: 0, wcu: 0, requests: new Map() }, handle),
    headers() {
      const tally = requests.getStore() ?? { rcu: 0, wcu: 0, requests: new Map() };
      return {
        'x-consumed-rcu': String(tally.rcu),
        'x-consumed-wcu': String(tally.wcu),
        'x-dynamodb-requests': [...tally.requests].map(([command, n]) => `${command}=${n}`).join(' '),
      };
    },
  };
}
