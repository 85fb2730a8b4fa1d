// A detection rule's group state between stream batches (lib/rules/live.ts). Key shape:
//   group state  pk RSTATE#<rule uuid>#<group hash>  sk RSTATE
//     v version (every write conditioned on it), sig, g (group values, JSON), e (the window's
//     entries, binary: 6 bytes of created ms, 16 of the event id, 9 of the value hash when
//     counting values; `ej` as JSON where an id is not a UUID), n (newest ms), f (last fire ms),
//     w (per event shard, the stream position counted), p (pending fires, JSON), ttl
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Entry, GroupWindowState } from '../rules/evaluate.ts';
import type { PendingFire } from '../rules/fires.ts';
import type { GroupState, RuleStateStore } from '../rules/live.ts';
import { documents, getAll, tableName } from './client.ts';
import { writtenUnlessRefused } from './conflicts.ts';

const stateKey = (rule: string, group: string) => ({ pk: `RSTATE#${rule}#${group}`, sk: 'RSTATE' });

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const valueBytes = 9;

/** The entries as bytes, or null when one cannot be (an id that is not a lower-case UUID, an odd value). */
function packed(entries: readonly Entry[]): Uint8Array | null {
  const distinct = entries.some((entry) => entry.value !== '');
  const size = 22 + (distinct ? valueBytes : 0);
  const bytes = Buffer.alloc(1 + entries.length * size);
  bytes[0] = size;
  for (const [i, entry] of entries.entries()) {
    if (!uuidPattern.test(entry.pk) || entry.at < 0 || entry.at >= 2 ** 48) return null;
    const at = 1 + i * size;
    bytes.writeUIntBE(entry.at, at, 6);
    bytes.write(entry.pk.replaceAll('-', ''), at + 6, 16, 'hex');
    if (!distinct) continue;
    const value = Buffer.from(entry.value, 'base64url');
    if (value.length !== valueBytes || value.toString('base64url') !== entry.value) return null;
    value.copy(bytes, at + 22);
  }
  return bytes;
}

function unpacked(bytes: Uint8Array): Entry[] {
  const buffer = Buffer.from(bytes);
  const size = buffer[0] ?? 22;
  const entries: Entry[] = [];
  for (let at = 1; at + size <= buffer.length; at += size) {
    const hex = buffer.toString('hex', at + 6, at + 22);
    entries.push({
      at: buffer.readUIntBE(at, 6),
      pk: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
      value: size > 22 ? buffer.toString('base64url', at + 22, at + size) : '',
    });
  }
  return entries;
}

function itemOf(state: GroupState): Record<string, unknown> {
  const bytes = packed(state.window.entries);
  return {
    ...stateKey(state.rule, state.group),
    v: state.version,
    sig: state.signature,
    g: JSON.stringify(state.values),
    ...(bytes ? { e: bytes } : { ej: JSON.stringify(state.window.entries) }),
    n: state.window.newest ?? undefined,
    f: state.window.lastFire ?? undefined,
    w: state.positions,
    ...(state.pending.length > 0 && { p: JSON.stringify(state.pending) }),
    ttl: state.expiresAt,
  };
}

function stateOf(rule: string, group: string, item: Record<string, unknown>): GroupState {
  const window: GroupWindowState = {
    entries: item.e ? unpacked(item.e as Uint8Array) : (JSON.parse((item.ej as string | undefined) ?? '[]') as Entry[]),
    newest: (item.n as number | undefined) ?? null,
    lastFire: (item.f as number | undefined) ?? null,
  };
  return {
    rule,
    group,
    values: JSON.parse(item.g as string) as unknown[],
    version: item.v as number,
    signature: item.sig as string,
    window,
    positions: (item.w as Record<string, string> | undefined) ?? {},
    pending: item.p ? (JSON.parse(item.p as string) as PendingFire[]) : [],
    expiresAt: item.ttl as number,
  };
}

export const ruleStateStore: RuleStateStore = {
  async get(rule, group) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: stateKey(rule, group), ConsistentRead: true }),
    );
    return Item ? stateOf(rule, group, Item) : null;
  },

  async getMany(keys) {
    const items = await getAll(
      keys.map(({ rule, group }) => stateKey(rule, group)),
      { consistent: true },
    );
    const states = new Map<string, GroupState>();
    for (const item of items) {
      const [, rule = '', group = ''] = String(item.pk).split('#');
      states.set(`${rule}#${group}`, stateOf(rule, group, item));
    }
    return states;
  },

  async put(state, previousVersion) {
    return writtenUnlessRefused(
      documents.send(
        new PutCommand({
          TableName: tableName,
          Item: itemOf(state),
          ...(previousVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': previousVersion } }),
        }),
      ),
    );
  },
};
