// What a route answers, before it becomes an HTTP response.
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface DialectErrors {
  /** The reply for an error; a DomainError keeps its meaning, anything else is a bare 500. */
  error(error: unknown): Reply;
}
