import { ruleInput, ruleShape } from '../lib/rules/rule.ts';
import { createRule } from '../lib/rules/rules.ts';
import { ruleDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /rules/',
  {
    summary: 'Create a detection rule',
    body: ruleInput,
    response: { status: 201, body: ruleShape, description: 'The created rule.' },
  },
  async ({ body, admin }) => ({ status: 201, body: await createRule(ruleDeps, body, admin.name) }),
);
