// An Idempotency-Key's claim and the reply it keeps: a repeated key answers the first reply.

/** A stored response to replay for a repeated Idempotency-Key. */
export interface IdempotentReply {
  requestHash: string;
  status: number;
  body: unknown;
}

export interface IdempotencyClaim {
  admin: string;
  key: string;
  reply: IdempotentReply;
  ttlSeconds: number;
}
