// The events the burst section posts, and the truth: what the log must answer once it holds
// every event the service acknowledged (201).

export const brand = 'B';
export const heavy = 'heavy';
const actions = ['login', 'login_failed', 'logout', 'user_write', 'suspicious_request'] as const;
const users = 300;
const persons = 200;
const addresses = 250;

export interface BurstEvent {
  action: string;
  app: string;
  user: { username: string; pk: number };
  context: { person_id: string };
  client_ip: string;
  brand: { name: string };
}

/** Event `n`: every other one from `heavy`; actions, users, persons and addresses cycle. */
export function burstEvent(n: number): BurstEvent {
  const other = Math.floor(n / 2);
  const isHeavy = n % 2 === 0;
  return {
    action: actions[n % actions.length] as string,
    app: 'authentik.core',
    user: isHeavy ? { username: heavy, pk: 1 } : { username: `user-${other % users}`, pk: 1000 + (other % users) },
    context: { person_id: `p-${other % persons}` },
    client_ip: `192.0.2.${n % addresses}`,
    brand: { name: brand },
  };
}

/** The terms the probes filter by, as counted keys. */
export const truthKey = {
  action: (action: string) => `action ${action}`,
  actor: (actor: string) => `actor ${actor}`,
  person: (person: string) => `person ${person}`,
  actorPerson: (actor: string, person: string) => `actor ${actor} person ${person}`,
  address: (address: string) => `client_ip ${address}`,
};

export class Truth {
  /** Date.now() of each 201 per key, in the order they came. */
  private readonly acknowledged = new Map<string, number[]>();
  /** Date.now() of each 201, in the order they came. */
  readonly acknowledgedAt: number[] = [];

  get total(): number {
    return this.acknowledgedAt.length;
  }

  acknowledge(event: BurstEvent, atMs: number) {
    this.acknowledgedAt.push(atMs);
    const { action, user, context, client_ip } = event;
    for (const key of [
      truthKey.action(action),
      truthKey.actor(user.username),
      truthKey.person(context.person_id),
      truthKey.actorPerson(user.username, context.person_id),
      truthKey.address(client_ip),
    ]) {
      const times = this.acknowledged.get(key) ?? [];
      times.push(atMs);
      this.acknowledged.set(key, times);
    }
  }

  /** Events of a key (every event: null) acknowledged by `byMs`. */
  count(key: string | null, byMs = Number.POSITIVE_INFINITY): number {
    const times = key === null ? this.acknowledgedAt : (this.acknowledged.get(key) ?? []);
    return times.filter((at) => at <= byMs).length;
  }

  /** Events acknowledged at or after `fromMs` (the service stamps `created` just before its 201). */
  since(fromMs: number): number {
    return this.acknowledgedAt.filter((at) => at >= fromMs).length;
  }
}
