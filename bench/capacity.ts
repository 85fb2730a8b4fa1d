// Consumed capacity of everything the store sends: a middleware on the store's own client asks
// for ReturnConsumedCapacity=INDEXES on every command and sums what DynamoDB Local reports.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ConsumedCapacity, readCommands } from '../infra/local/request-capacity.ts';

export interface Usage {
  /** Requests sent, by command name. */
  requests: Map<string, number>;
  /** Capacity units, by command name. */
  byCommand: Map<string, number>;
  /** Write units, by `table` or index name. */
  byTarget: Map<string, number>;
  /** Write units, by the kind of item written (`itemKind`). */
  byItem: Map<string, number>;
  /** Read units of the reads, write units of the writes. */
  reads: number;
  writes: number;
  total: number;
}

const emptyUsage = (): Usage => ({
  requests: new Map(),
  byCommand: new Map(),
  byTarget: new Map(),
  byItem: new Map(),
  reads: 0,
  writes: 0,
  total: 0,
});
type Key = { pk?: unknown; sk?: unknown };

/** What a key names (docs/data-model.md "Items"): an event, a rollup, a listing, a user sketch, … */
export function itemKind({ pk, sk }: Key): string {
  const [p, s] = [String(pk ?? ''), String(sk ?? '')];
  if (p.startsWith('EV#')) return 'event';
  if (p === 'ACTIONS') return 'action seen';
  if (p === 'SEAL') return 'seal mark';
  if (p === 'LIVE') return 'live mark';
  if (/^[HDM]#/.test(s)) return 'rollup';
  if (s.startsWith('L#')) return 'listing';
  if (s.startsWith('P#')) return 'provisional';
  if (s.startsWith('U#')) return 'user sketch';
  if (s.startsWith('A#')) return 'application';
  return 'other';
}

/** The first key a write names (a batch is of one kind in the store's writes). */
function writtenKey(input: Record<string, unknown>): Key {
  if (input.Key) return input.Key as Key;
  if (input.Item) return input.Item as Key;
  const batches = Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Key } }[]>);
  return batches[0]?.[0]?.PutRequest?.Item ?? {};
}

const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);

/** Installs the meter on `client`; `measure` runs a function and returns what it consumed. */
export function capacityMeter(client: DynamoDBClient) {
  let usage = emptyUsage();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName as string).replace(/Command$/, '');
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'INDEXES';
      const result = await next(args);
      add(usage.requests, command, 1);
      const reported = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
      for (const capacity of [reported ?? []].flat()) {
        const units = capacity.CapacityUnits ?? 0;
        usage.total += units;
        add(usage.byCommand, command, units);
        if (readCommands.has(command)) {
          usage.reads += units;
          continue;
        }
        usage.writes += units;
        add(usage.byItem, itemKind(writtenKey(args.input as Record<string, unknown>)), units);
        if (capacity.Table?.CapacityUnits !== undefined) add(usage.byTarget, 'table', capacity.Table.CapacityUnits);
        for (const indexes of [capacity.GlobalSecondaryIndexes, capacity.LocalSecondaryIndexes]) {
          for (const [name, index] of Object.entries(indexes ?? {}))
            add(usage.byTarget, name, index.CapacityUnits ?? 0);
        }
      }
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter', priority: 'high' },
  );
  return {
    async measure<T>(run: () => Promise<T>): Promise<{ value: T; usage: Usage }> {
      usage = emptyUsage();
      const value = await run();
      const measured = usage;
      usage = emptyUsage();
      return { value, usage: measured };
    },
  };
}
