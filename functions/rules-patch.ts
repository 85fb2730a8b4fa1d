import { rulePatch, ruleShape, ruleUuidParameter } from '../lib/rules/rule.ts';
import { updateRule } from '../lib/rules/rules.ts';
import { ruleDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'PATCH /rules/{rule_uuid}/',
  {
    summary: 'Change some fields of a detection rule (enable, disable)',
    path: ruleUuidParameter,
    errors: ['notFound'],
    body: rulePatch,
    response: { status: 200, body: ruleShape, description: 'The rule, the given fields changed.' },
  },
  async ({ path, body, admin }) => ({
    status: 200,
    body: await updateRule(ruleDeps, path.rule_uuid, { patch: body }, admin.name),
  }),
);
