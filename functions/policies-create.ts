import { createPolicy } from '../lib/matchers/policies.ts';
import { policyInput, policyShape } from '../lib/matchers/policy.ts';
import { policyDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /policies/event_matcher/',
  {
    summary: 'Create an event matcher policy',
    body: policyInput,
    response: { status: 201, body: policyShape, description: 'The created policy.' },
  },
  async ({ body, admin }) => ({
    status: 201,
    body: await createPolicy(policyDeps, body, admin.name),
  }),
);
