import * as z from 'zod';
import { removePolicy } from '../lib/matchers/policies.ts';
import { policyUuidParameter } from '../lib/matchers/policy.ts';
import { policyDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'DELETE /policies/event_matcher/{policy_uuid}/',
  {
    summary: 'Delete an event matcher policy',
    path: policyUuidParameter,
    errors: ['notFound'],
    response: { status: 204, body: z.undefined(), description: 'Deleted; a policy bindings use is refused (400).' },
  },
  async ({ path, admin }) => {
    await removePolicy(policyDeps, path.policy_uuid, admin.name);
    return { status: 204, body: undefined };
  },
);
