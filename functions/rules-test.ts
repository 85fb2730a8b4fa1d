import { replayRule } from '../lib/rules/replay.ts';
import { ruleTestInput, ruleTestShape, ruleUuidParameter } from '../lib/rules/rule.ts';
import { ruleReplayDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'POST /rules/{rule_uuid}/test/',
  {
    summary: 'Replay stored events through a detection rule',
    path: ruleUuidParameter,
    errors: ['notFound'],
    body: ruleTestInput,
    response: {
      status: 200,
      body: ruleTestShape,
      description: 'What the rule would have fired over the range (at most 7 days, within the read budget).',
    },
  },
  async ({ path, body }) => ({ status: 200, body: await replayRule(ruleReplayDeps, path.rule_uuid, body) }),
);
