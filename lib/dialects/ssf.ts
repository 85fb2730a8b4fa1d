// Shared Signals errors: `{err, description}` as RFC 8935 §2.3 writes them; a token in the query is
// refused (RFC 6750 §2.3 is not offered: the interop profile forbids it).
import * as z from 'zod';
import { DomainError, RateLimited } from '../errors.ts';
import type { DialectErrors, Reply } from './reply.ts';

const fail = (status: number, err: string, description: string): Reply => ({ status, body: { err, description } });

export const ssf: DialectErrors = {
  error(error: unknown): Reply {
    if (!(error instanceof DomainError)) return fail(500, 'server_error', 'A server error occurred.');
    switch (error.code) {
      case 'auth.unauthenticated':
        return fail(401, 'authentication_failed', error.message);
      case 'auth.forbidden':
        return fail(403, 'access_denied', `The ${error.message} policy action is required.`);
      case 'notFound':
        return fail(404, 'not_found', error.message);
      case 'input.tooLarge':
        return fail(413, 'invalid_request', error.message);
      case 'input.conflict':
        return fail(409, 'conflict', error.message);
      case 'precondition.failed':
        return fail(412, 'precondition_failed', error.message);
      case 'rate.limited': {
        const retryAfter = error instanceof RateLimited ? error.retryAfterSeconds : 1;
        return { ...fail(429, 'too_many_requests', error.message), headers: { 'retry-after': String(retryAfter) } };
      }
      default: {
        const issue = error.issues[0];
        return fail(400, 'invalid_request', issue ? `${issue.field || 'body'}: ${issue.message}` : error.message);
      }
    }
  },
};

export const ssfErrorShape = z.object({ err: z.string(), description: z.string() });

/** A bearer token in the query string is refused outright (401), whatever the headers hold. */
/** SSF receivers authenticate with an admin token as a Bearer header (RFC 6750), not the hub's other forms. */
export function refuseOtherThanBearer(headers: Record<string, string | undefined> | undefined): void {
  if (!/^bearer\s+\S/i.test(headers?.authorization?.trim() ?? '')) {
    throw new DomainError('auth.unauthenticated', 'Send the admin token as Authorization: Bearer <token>.');
  }
}

export function refuseQueryToken(query: Record<string, string | undefined> | undefined): void {
  if (query && Object.hasOwn(query, 'access_token')) {
    throw new DomainError('auth.unauthenticated', 'Access tokens are accepted in the Authorization header only.');
  }
}
