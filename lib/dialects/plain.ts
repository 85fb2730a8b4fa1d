// Routes outside the three dialects (/health): `{message}` like API Gateway's own errors.
import * as z from 'zod';
import { DomainError } from '../errors.ts';
import type { DialectErrors } from './reply.ts';

export const plain: DialectErrors = {
  error: (error) =>
    error instanceof DomainError
      ? {
          status:
            error.code === 'notFound'
              ? 404
              : error.code === 'auth.forbidden'
                ? 403
                : error.code === 'auth.unauthenticated'
                  ? 401
                  : 400,
          body: { message: error.message },
        }
      : { status: 500, body: { message: 'Internal Server Error' } },
};

export const plainErrorShape = z.object({ message: z.string() });
