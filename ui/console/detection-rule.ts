// A detection rule as GET /rules/ answers it (lib/rules/rule.ts; the console imports no lib/), and
// how the Events view's search finds the events its fires recorded.
import { text } from './base.ts';

export interface Rule {
  pk: string;
  name: string;
  enabled: boolean;
  query: string;
  type: string;
  field: string | null;
  group_by: string[];
  window: number;
  threshold: number;
  suppress_for: number;
  severity: string;
}

/** Every fire's event (lib/rules/evaluate.ts: `ruleFireAction`, `ruleFireApp`). */
export const allFiresSearch = 'action = "custom_threshold_exceeded" and app = "idp-event-hub.rules"';

/** The fires of one rule: its pk is in the fire's `context.rule`. */
export const firesSearch = (pk: unknown) => `${allFiresSearch} and context.rule.pk = ${JSON.stringify(text(pk))}`;
