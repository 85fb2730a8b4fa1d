// What a fire records (issue 22 item 3): one event, `custom_threshold_exceeded` from
// `idp-event-hub.rules`, written through the ingest every event takes (stored, indexed, sealed,
// dispatched), claimed under a key of the rule, its group and the event that fired it, so that
// recording the same fire again stores nothing.
import { DomainError } from '../errors.ts';
import type { EventInput } from '../events/event.ts';
import { type IngestOptions, type IngestStore, ingestEvent } from '../events/ingest.ts';
import { ruleFireAction, ruleFireApp } from './evaluate.ts';
import type { DetectionRule, RuleFire } from './rule.ts';

/** A fire as the group's state holds it until it is recorded: the event's input, whole. */
export interface PendingFire {
  /** The rule that fired. */
  readonly rule: string;
  /** The claim's key: the group's hash and the id of the event that fired. */
  readonly key: string;
  readonly input: EventInput;
}

/** Days a fire's claim is kept: longer than a stream record can be redelivered (1 day). */
export const fireClaimDays = 7;

/** The user a fire names: the group's `user.…` values, when `user.username` is one of them. */
function userOf(fire: RuleFire): Record<string, unknown> {
  if (fire.group['user.username'] === undefined || fire.group['user.username'] === null) return {};
  const user: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(fire.group)) {
    const keys = path.split('.');
    if (keys[0] !== 'user' || value === null) continue;
    let node = user;
    for (const key of keys.slice(1, -1)) {
      const inner = Object.hasOwn(node, key) ? node[key] : undefined;
      node[key] = inner !== null && typeof inner === 'object' ? inner : {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys.at(-1) as string] = value;
  }
  return user;
}

export function pendingFire(
  rule: Pick<DetectionRule, 'pk' | 'name' | 'severity'>,
  groupHash: string,
  fire: RuleFire,
): PendingFire {
  const ip = fire.group.client_ip;
  return {
    rule: rule.pk,
    key: `${groupHash}#${fire.last_event}`,
    input: {
      action: ruleFireAction,
      app: ruleFireApp,
      user: userOf(fire),
      client_ip: typeof ip === 'string' ? ip : null,
      context: { rule: { pk: rule.pk, name: rule.name, severity: rule.severity }, ...fire },
    },
  };
}

export interface FireRecordDeps {
  ingest: IngestStore;
  retentionDays: number;
  /** The pre bindings, as for any event. */
  pre?: IngestOptions['pre'];
  now(): Date;
}

/**
 * Records the fire's event once; true when this call stored it. A fire refused like any event
 * (a pre binding with abort_on_error) is not stored, and not tried again.
 */
export async function recordFire(deps: FireRecordDeps, fire: PendingFire): Promise<boolean> {
  try {
    const answer = await ingestEvent(deps.ingest, fire.input, {
      now: deps.now(),
      retentionDays: deps.retentionDays,
      provenance: { ingested_by: { rule: fire.rule }, native_id: fire.key, attested: true },
      pre: deps.pre,
      idempotency: { admin: `rule:${fire.rule}`, key: fire.key, ttlSeconds: fireClaimDays * 86_400, keeps: 'id' },
    });
    return answer.replayed !== true;
  } catch (error) {
    // Claimed before with another body (a pre binding's change, say): it was recorded then.
    if (error instanceof DomainError) return false;
    throw error;
  }
}
