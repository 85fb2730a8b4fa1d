// privacyIDEA's JSON-RPC-like envelope and its error table (spec/privacyidea.md).
import * as z from 'zod';
import { DomainError } from '../errors.ts';
import { serviceVersion } from '../version.ts';
import type { DialectErrors, Reply } from './reply.ts';

const version = `idp-event-hub ${serviceVersion}`;
const now = () => Date.now() / 1000;

/** HTTP 200 with `result.value`, for everything that succeeds (create included). */
export function privacyIdeaValue(value: unknown, headers?: Record<string, string>): Reply {
  return {
    status: 200,
    headers,
    body: {
      jsonrpc: '2.0',
      result: { status: true, value },
      version,
      versionnumber: serviceVersion,
      id: 1,
      time: now(),
    },
  };
}

function fail(status: number, code: number, message: string): Reply {
  return {
    status,
    body: {
      jsonrpc: '2.0',
      detail: null,
      result: { status: false, error: { code, message } },
      version,
      id: 1,
      time: now(),
    },
  };
}

export const privacyidea: DialectErrors = {
  error(error: unknown): Reply {
    if (!(error instanceof DomainError)) return fail(500, 500, 'Internal server error');
    switch (error.code) {
      case 'auth.unauthenticated':
        return fail(401, 4033, error.message);
      case 'auth.forbidden':
        return fail(403, 303, `Admin actions are defined, but the action ${error.message} is not allowed!`);
      case 'notFound':
        return fail(404, 601, error.message);
      case 'precondition.failed':
        return fail(412, 412, error.message);
      case 'input.tooLarge':
        return fail(413, 905, `ERR905: ${error.message}`);
      default:
        return fail(400, 905, `ERR905: ${error.issues[0]?.message ?? error.message}`);
    }
  },
};

const envelopeBase = { jsonrpc: z.literal('2.0'), version: z.string(), id: z.int(), time: z.number() };

/** The success envelope around a route's value. */
export const privacyIdeaShape = (value: z.ZodType) =>
  z.object({ ...envelopeBase, result: z.object({ status: z.literal(true), value }), versionnumber: z.string() });

export const privacyIdeaErrorShape = z.object({
  ...envelopeBase,
  detail: z.null(),
  result: z.object({ status: z.literal(false), error: z.object({ code: z.int(), message: z.string() }) }),
});
