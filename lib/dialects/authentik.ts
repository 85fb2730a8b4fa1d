// authentik (Django REST framework) error shapes.
import * as z from 'zod';
import { DomainError } from '../errors.ts';
import type { DialectErrors, Reply } from './reply.ts';

function fieldErrors(error: DomainError): Record<string, string[]> {
  // A Map, not an object: a client's field may be called `__proto__` or `toString`.
  const fields = new Map<string, string[]>();
  for (const issue of error.issues) {
    const field = issue.field.split('.')[0] || 'non_field_errors';
    fields.set(field, [...(fields.get(field) ?? []), issue.message]);
  }
  return Object.fromEntries(fields);
}

export const authentik: DialectErrors = {
  error(error: unknown): Reply {
    if (!(error instanceof DomainError)) return { status: 500, body: { detail: 'A server error occurred.' } };
    switch (error.code) {
      case 'input.invalid':
        return { status: 400, body: fieldErrors(error) };
      case 'input.malformed':
        return { status: 400, body: { detail: error.message } };
      case 'input.tooLarge':
        return { status: 413, body: { detail: error.message } };
      case 'input.conflict':
        return { status: 422, body: { detail: error.message } };
      case 'auth.unauthenticated':
        return { status: 401, body: { detail: error.message } };
      case 'auth.forbidden':
        return { status: 403, body: { detail: 'You do not have permission to perform this action.' } };
      case 'notFound':
        return { status: 404, body: { detail: 'Not found.' } };
      case 'page.invalid':
        return { status: 404, body: { detail: 'Invalid page.' } };
      case 'page.tooDeep':
        return { status: 400, body: fieldErrors(error) };
      case 'precondition.failed':
        return { status: 412, body: { detail: error.message } };
      case 'rate.limited':
        return { status: 429, body: { detail: error.message } };
    }
  },
};

/** DRF's error bodies: field errors, or `{detail}`. */
export const authentikErrorShape = z.union([
  z.object({ detail: z.string() }),
  z.record(z.string(), z.array(z.string())).describe('Field errors; `non_field_errors` for the object as a whole.'),
]);
