import { updatePolicy } from '../lib/matchers/policies.ts';
import { policyInput, policyShape, policyUuidParameter } from '../lib/matchers/policy.ts';
import { policyDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'PUT /policies/event_matcher/{policy_uuid}/',
  {
    summary: 'Replace an event matcher policy',
    path: policyUuidParameter,
    errors: ['notFound'],
    body: policyInput,
    response: { status: 200, body: policyShape, description: 'The policy, every field replaced.' },
  },
  async ({ path, body, admin }) => ({
    status: 200,
    body: await updatePolicy(policyDeps, path.policy_uuid, { replace: body }, admin.name),
  }),
);
