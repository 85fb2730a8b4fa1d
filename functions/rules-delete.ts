import * as z from 'zod';
import { ruleUuidParameter } from '../lib/rules/rule.ts';
import { removeRule } from '../lib/rules/rules.ts';
import { ruleDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'DELETE /rules/{rule_uuid}/',
  {
    summary: 'Delete a detection rule',
    path: ruleUuidParameter,
    errors: ['notFound'],
    response: { status: 204, body: z.undefined(), description: 'Deleted.' },
  },
  async ({ path, admin }) => {
    await removeRule(ruleDeps, path.rule_uuid, admin.name);
    return { status: 204, body: undefined };
  },
);
