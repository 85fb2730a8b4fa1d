import { policyUsedBy } from '../lib/matchers/policies.ts';
import { policyUuidParameter, usedByShape } from '../lib/matchers/policy.ts';
import { policyDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /policies/event_matcher/{policy_uuid}/used_by/',
  {
    summary: 'List the bindings that use an event matcher policy',
    path: policyUuidParameter,
    errors: ['notFound'],
    response: { status: 200, body: usedByShape, description: 'The bindings whose matcher_policy condition names it.' },
  },
  async ({ path }) => ({
    status: 200,
    body: await policyUsedBy(policyDeps, path.policy_uuid),
  }),
);
