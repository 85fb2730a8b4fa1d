import { ruleShape, ruleUuidParameter } from '../lib/rules/rule.ts';
import { readRule } from '../lib/rules/rules.ts';
import { ruleDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /rules/{rule_uuid}/',
  {
    summary: 'Read a detection rule',
    path: ruleUuidParameter,
    errors: ['notFound'],
    response: { status: 200, body: ruleShape, description: 'The rule.' },
  },
  async ({ path }) => ({ status: 200, body: await readRule(ruleDeps, path.rule_uuid) }),
);
