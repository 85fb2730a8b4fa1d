import { updatePolicy } from '../lib/matchers/policies.ts';
import { policyPatch, policyShape, policyUuidParameter } from '../lib/matchers/policy.ts';
import { policyDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'PATCH /policies/event_matcher/{policy_uuid}/',
  {
    summary: 'Change some fields of an event matcher policy',
    path: policyUuidParameter,
    errors: ['notFound'],
    body: policyPatch,
    response: { status: 200, body: policyShape, description: 'The policy, the given fields changed.' },
  },
  async ({ path, body, admin }) => ({
    status: 200,
    body: await updatePolicy(policyDeps, path.policy_uuid, { patch: body }, admin.name),
  }),
);
