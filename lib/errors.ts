// Typed domain errors. Each dialect maps the code to its own status and body; anything that
// is not a DomainError is a bare 500.

export type ErrorCode =
  | 'input.invalid' // issues name the fields
  | 'input.malformed' // body could not be parsed at all
  | 'input.tooLarge'
  | 'auth.forbidden'
  | 'auth.unauthenticated' // a route that checks its own credentials (a connector's secret) refused them
  | 'notFound'
  | 'input.conflict' // e.g. an Idempotency-Key reused with another body
  | 'precondition.failed' // If-Match no longer matches
  | 'rate.limited' // too soon after the last request of its kind (RateLimited says when to retry)
  | 'page.invalid'
  | 'page.tooDeep'; // reaching the page would need more reads than one request may make

export interface FieldIssue {
  /** Dotted path of the offending field; '' for the object as a whole. */
  readonly field: string;
  readonly message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The one builder of `input.invalid`: `issues` name the fields. */
export const invalidInput = (message: string, issues: readonly FieldIssue[]) =>
  new DomainError('input.invalid', message, issues);

/** One invalid field; `''` is the input as a whole, and the message is then the issue's own. */
export const invalid = (field: string, message: string) =>
  invalidInput(field === '' ? message : `${field}: ${message}`, [{ field, message }]);

export const notFound = (what: string) => new DomainError('notFound', `${what} not found`);

/** A request that comes too soon after the last one of its kind; `retryAfterSeconds` says when it may. */
export class RateLimited extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate.limited', message);
  }
}
