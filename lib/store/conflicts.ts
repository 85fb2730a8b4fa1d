// Optimistic writes: a transaction whose condition fails means another writer got there first;
// the caller reads again and retries. One mechanism for every store that writes this way.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents } from './client.ts';

/** Another writer changed the item since it was read. */
export class VersionConflict extends Error {}

export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/**
 * Runs a transaction. A failed condition becomes `onCondition(index of the failed item)`
 * (a VersionConflict by default); a clash with a concurrent transaction a VersionConflict.
 */
export async function transactWrite(
  items: TransactItems,
  onCondition: (index: number) => Error = () => new VersionConflict('the item changed since it was read'),
): Promise<void> {
  try {
    await documents.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
    if (failed >= 0) throw onCondition(failed);
    if (reasons.some((reason) => reason.Code === 'TransactionConflict')) {
      throw new VersionConflict('a concurrent write touched the item');
    }
    throw error;
  }
}

const maxRetries = 20;

/** Runs a read-modify-write again, with a growing random pause, while it meets a VersionConflict. */
export async function retryConflicts<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof VersionConflict) || i >= maxRetries) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (i + 1)));
    }
  }
}
