// A handler failure that no retry can fix (bad configuration, a refused destination): the
// delivery goes dead at once instead of waiting out its retries.
export class PermanentFailure extends Error {
  override name = 'PermanentFailure';
}
