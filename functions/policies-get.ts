import { readPolicy } from '../lib/matchers/policies.ts';
import { policyShape, policyUuidParameter } from '../lib/matchers/policy.ts';
import { policyDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /policies/event_matcher/{policy_uuid}/',
  {
    summary: 'Read an event matcher policy',
    path: policyUuidParameter,
    errors: ['notFound'],
    response: { status: 200, body: policyShape, description: 'The policy.' },
  },
  async ({ path }) => ({
    status: 200,
    body: await readPolicy(policyDeps, path.policy_uuid),
  }),
);
