// When the minute seal has caught up with a burst: the settled log the issue compares a read
// right after a burst with (issue 20 item 2: "no more than the same read on a settled log").

import { setTimeout as sleep } from 'node:timers/promises';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { engineClient } from '../infra/local/engine.ts';
import { minuteMs } from '../lib/time-units.ts';

/** Readers trust a seal mark this long after it moved (lib/store/seal.ts `sealedThrough`). */
const markSettlesMs = 5_000;

/**
 * Waits until the seal's mark covers the minute of `lastCreatedAt` and readers use it; false
 * when it does not within `withinMs`.
 */
export async function untilSealed(endpoint: string, tableName: string, lastCreatedAt: number, withinMs: number) {
  const client = engineClient(endpoint);
  const minute = Math.floor(lastCreatedAt / minuteMs);
  const deadline = Date.now() + withinMs;
  try {
    while (Date.now() < deadline) {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: 'SEAL' }, sk: { S: 'SEAL' } },
          ConsistentRead: true,
        }),
      );
      const through = Number(Item?.through?.N ?? Number.NaN);
      const at = Number(Item?.at?.N ?? Number.NaN);
      if (through >= minute && Date.now() - at >= markSettlesMs) return true;
      await sleep(1_000);
    }
    return false;
  } finally {
    client.destroy();
  }
}
