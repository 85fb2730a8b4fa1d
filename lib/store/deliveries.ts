// Delivery records: the ledger of every action run. Key shapes:
//   delivery   pk DELIVERY#<event uuid>  sk D#<binding id:10>#<action>
//              while pending or failed (waiting for a run):  rpk DELIVERY_DUE        rsk <next attempt ISO>#<id>
//              once succeeded, dead, held, or a failed pre run: rpk DELIVERY#<status>   rsk <updated ISO>#<id>
//              ttl <updated + retention>; the body is the Delivery (lib/dispatch/delivery.ts)
// The id `<event uuid>.<binding id>.<action>` maps onto (pk, sk), so a claim is a conditional
// Put on that key: a redelivered stream record finds it and runs nothing. Every later change
// is conditioned on the status and attempt it read, so two runners never both own a run.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Delivery,
  type DeliveryFilter,
  type DeliveryStatus,
  type DeliveryStore,
  parseDeliveryId,
} from '../dispatch/delivery.ts';
import { documents, type QueryInput, queryAll, tableName } from './client.ts';
import { conditionFailed, writtenUnlessRefused } from './conflicts.ts';
import { numberKey } from './number-keys.ts';
import { refIndex } from './table.ts';

const keyOf = (event: string, binding: number, action: string) => ({
  pk: `DELIVERY#${event}`,
  sk: `D#${numberKey(binding)}#${action}`,
});
const dueIndex = 'DELIVERY_DUE';

const isWaiting = (d: Delivery) => (d.status === 'pending' || d.status === 'failed') && d.next_attempt !== null;

function item(delivery: Delivery, retentionDays: number) {
  const parts = parseDeliveryId(delivery.id);
  if (!parts) throw new Error(`not a delivery id: ${delivery.id}`);
  const waiting = isWaiting(delivery);
  return {
    ...keyOf(parts.event, parts.binding, parts.action),
    rpk: waiting ? dueIndex : `DELIVERY#${delivery.status}`,
    rsk: `${waiting ? delivery.next_attempt : delivery.updated}#${delivery.id}`,
    ttl: Math.floor(Date.parse(delivery.updated) / 1000) + retentionDays * 86_400,
    rev: delivery.rev,
    d: delivery,
  };
}

async function query(input: QueryInput, limit: number): Promise<Delivery[]> {
  return (await queryAll(input, limit)).map((entry) => entry.d as Delivery);
}

/** Every delivery of one event (one item collection), in binding order. */
function ofEvent(event: string): Promise<Delivery[]> {
  return query(
    {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `DELIVERY#${event.toLowerCase()}` },
      ConsistentRead: true,
    },
    Number.MAX_SAFE_INTEGER,
  );
}

export function deliveryStore(options: { retentionDays: number }): DeliveryStore {
  const { retentionDays } = options;
  return {
    async claim(delivery: Delivery): Promise<boolean> {
      return writtenUnlessRefused(
        documents.send(
          new PutCommand({
            TableName: tableName,
            Item: item(delivery, retentionDays),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async replace(expected: Delivery, next: Delivery): Promise<Delivery | null> {
      const written = { ...next, rev: expected.rev + 1 };
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: item(written, retentionDays),
            ConditionExpression: 'rev = :rev',
            ExpressionAttributeValues: { ':rev': expected.rev },
          }),
        );
        return written;
      } catch (error) {
        if (conditionFailed(error)) return null;
        throw error;
      }
    },

    get: deliveryOf,

    /** Waiting deliveries whose next attempt has come, oldest first. */
    due: dueDeliveries,

    /** Every delivery of one event (one item collection), in binding order. */
    ofEvent,

    /** Deliveries newest first, by event (one item collection) or by status (the index). */
    list: listDeliveries,
  };
}

async function deliveryOf(id: string): Promise<Delivery | null> {
  const parts = parseDeliveryId(id);
  if (!parts) return null;
  const { Item } = await documents.send(
    new GetCommand({
      TableName: tableName,
      Key: keyOf(parts.event, parts.binding, parts.action),
      ConsistentRead: true,
    }),
  );
  return Item ? (Item.d as Delivery) : null;
}

/** Waiting deliveries whose next attempt has come, oldest first. */
async function dueDeliveries(now: Date, limit: number): Promise<Delivery[]> {
  return query(
    {
      IndexName: refIndex,
      KeyConditionExpression: 'rpk = :rpk AND rsk <= :now',
      ExpressionAttributeValues: { ':rpk': dueIndex, ':now': `${now.toISOString()}#~` },
      Limit: limit,
    },
    limit,
  );
}

/** Deliveries newest first, by event (one item collection) or by status (the index). */
async function listDeliveries(filter: DeliveryFilter): Promise<Delivery[]> {
  const keep = (d: Delivery) =>
    (filter.status === undefined || d.status === filter.status) &&
    (filter.binding === undefined || d.binding === filter.binding);
  const newestFirst = (a: Delivery, b: Delivery) => b.updated.localeCompare(a.updated) || a.id.localeCompare(b.id);
  if (filter.event !== undefined) {
    return (await ofEvent(filter.event)).filter(keep).sort(newestFirst).slice(0, filter.limit);
  }
  const bindingFilter =
    filter.binding === undefined
      ? { values: {} }
      : {
          FilterExpression: '#d.#binding = :binding',
          ExpressionAttributeNames: { '#d': 'd', '#binding': 'binding' },
          values: { ':binding': filter.binding },
        };
  const { values, ...filterInput } = bindingFilter;
  const partitions =
    filter.status === undefined ? [dueIndex, 'succeeded', 'failed', 'dead', 'held'] : partitionsOf(filter.status);
  const lists = await Promise.all(
    partitions.map((partition) =>
      query(
        {
          IndexName: refIndex,
          KeyConditionExpression: 'rpk = :rpk',
          ...filterInput,
          ExpressionAttributeValues: {
            ...values,
            ':rpk': partition === dueIndex ? dueIndex : `DELIVERY#${partition}`,
          },
          ScanIndexForward: false,
        },
        filter.limit,
      ),
    ),
  );
  return lists.flat().filter(keep).sort(newestFirst).slice(0, filter.limit);
}

/** pending lives only in the due partition; failed in both (a failed pre run is terminal). */
function partitionsOf(status: DeliveryStatus): string[] {
  if (status === 'pending') return [dueIndex];
  if (status === 'failed') return [dueIndex, 'failed'];
  return [status];
}
