import { pageShape } from '../lib/events/views.ts';
import { ruleListQuery, ruleShape } from '../lib/rules/rule.ts';
import { listRules } from '../lib/rules/rules.ts';
import { ruleDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /rules/',
  {
    summary: 'List detection rules',
    query: ruleListQuery,
    errors: ['page.invalid'],
    response: { status: 200, body: pageShape(ruleShape), description: 'A page of detection rules, by name.' },
  },
  async ({ query }) => ({ status: 200, body: await listRules(ruleDeps, query) }),
);
