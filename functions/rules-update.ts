import { ruleInput, ruleShape, ruleUuidParameter } from '../lib/rules/rule.ts';
import { updateRule } from '../lib/rules/rules.ts';
import { ruleDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'PUT /rules/{rule_uuid}/',
  {
    summary: 'Replace a detection rule',
    path: ruleUuidParameter,
    errors: ['notFound'],
    body: ruleInput,
    response: { status: 200, body: ruleShape, description: 'The rule, every field replaced.' },
  },
  async ({ path, body, admin }) => ({
    status: 200,
    body: await updateRule(ruleDeps, path.rule_uuid, { replace: body }, admin.name),
  }),
);
