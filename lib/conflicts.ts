// Optimistic concurrency as the domain sees it: a write that lost to another writer, and the
// policy of reading again and retrying. The store raises VersionConflict (lib/store/conflicts.ts).

/** Another writer changed the item since it was read. */
export class VersionConflict extends Error {}

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
