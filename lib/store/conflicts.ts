// Optimistic writes: a transaction whose condition fails means another writer got there first;
// the caller reads again and retries. One mechanism for every store that writes this way; and a
// single conditional write whose failed condition means there is nothing left to do.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { VersionConflict } from '../conflicts.ts';
import { documents } from './client.ts';

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

/** A single write (PutItem, UpdateItem, DeleteItem) refused by its condition. */
// By name as well: an error from another copy of the SDK (a bundle) is not an instance of this one's class.
export const conditionFailed = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

/** Awaits a conditional write: true when written, false when its condition refused it. */
export async function writtenUnlessRefused(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/** Awaits a conditional write whose refusal means it is done already (a rerun) or not this writer's to do. */
export async function ignoreFailedCondition(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!conditionFailed(error)) throw error;
  }
}
