import { testPolicy } from '../lib/matchers/policies.ts';
import { policyTestInput, policyTestShape, policyUuidParameter } from '../lib/matchers/policy.ts';
import { eventStore } from '../lib/store/events.ts';
import { matcherPolicyStore } from '../lib/store/matcher-policies.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /policies/event_matcher/{policy_uuid}/test/',
  {
    path: policyUuidParameter,
    errors: ['notFound'],
    body: policyTestInput,
    response: { status: 200, body: policyTestShape, description: 'Whether the event passes, and why.' },
  },
  async ({ path, body }) => ({
    status: 200,
    body: await testPolicy({ policies: matcherPolicyStore, events: eventStore }, path.policy_uuid, body),
  }),
);
