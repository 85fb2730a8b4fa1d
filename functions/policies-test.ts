import type { Admin } from '../lib/admins/admins.ts';
import { testPolicy } from '../lib/matchers/policies.ts';
import { policyTestInput, policyTestShape, policyUuidParameter } from '../lib/matchers/policy.ts';
import { policyTestDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /policies/event_matcher/{policy_uuid}/test/',
  {
    summary: 'Test an event against an event matcher policy',
    path: policyUuidParameter,
    errors: ['notFound'],
    body: policyTestInput,
    response: { status: 200, body: policyTestShape, description: 'Whether the event passes, and why.' },
  },
  async ({ path, body, admin }) => ({
    status: 200,
    body: await testPolicy(policyTestDeps, path.policy_uuid, body, { admin: admin as Admin }),
  }),
);
