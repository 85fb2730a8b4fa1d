import { pageShape } from '../lib/events/views.ts';
import { listPolicies } from '../lib/matchers/policies.ts';
import { policyListQuery, policyShape } from '../lib/matchers/policy.ts';
import { policyDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /policies/event_matcher/',
  {
    summary: 'List event matcher policies',
    query: policyListQuery,
    errors: ['page.invalid'],
    response: { status: 200, body: pageShape(policyShape), description: 'A page of event matcher policies, by name.' },
  },
  async ({ query }) => ({
    status: 200,
    body: await listPolicies(policyDeps, query),
  }),
);
