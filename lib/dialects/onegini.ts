// Onegini error objects: one `{error_code, error_message}` per failure, first check first.
import * as z from 'zod';
import { DomainError } from '../errors.ts';
import type { DialectErrors, Reply } from './reply.ts';

const codeOfField: Record<string, number> = { actor: 4004, userId: 4004, limit: 4002, offset: 4003 };
const fail = (status: number, error_code: number, error_message: string): Reply => ({
  status,
  body: { error_code, error_message },
});

export const onegini: DialectErrors = {
  error(error: unknown): Reply {
    if (!(error instanceof DomainError)) return fail(500, 5000, 'Internal server error');
    switch (error.code) {
      case 'auth.unauthenticated':
        return fail(401, 4010, error.message);
      case 'auth.forbidden':
        return fail(403, 4030, `Forbidden: the ${error.message} policy action is required`);
      case 'notFound':
        return fail(404, 4040, 'Not found');
      case 'input.tooLarge':
        return fail(413, 4013, error.message);
      default: {
        const issue = error.issues[0];
        return fail(400, codeOfField[issue?.field ?? ''] ?? 4000, issue?.message ?? error.message);
      }
    }
  },
};

export const oneginiErrorShape = z.object({ error_code: z.int(), error_message: z.string() });
