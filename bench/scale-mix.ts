// The realistic mix of the scale bench: 50 actions (Zipf-weighted, `login` first), 1 000 users
// (user 0 is the hot actor: `hotShare` of all events), 5 brands, client_ip from a pool of 2 000,
// a model context on the model and secret actions, an authorized_application on authorizations
// and on a tenth of the logins. Deterministic: the same seed gives the same events.
import { eventActions } from '../lib/events/actions.ts';
import { type Event, type EventInput, newEvent } from '../lib/events/event.ts';
import { eventTerms } from '../lib/events/terms.ts';

/** A small deterministic PRNG (mulberry32). */
export function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;

const pick = <T>(rng: Random, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;

/** A picker over `list` with weights `1 / rank`. */
function zipf<T>(list: readonly T[]): (rng: Random) => T {
  const cumulative: number[] = [];
  let sum = 0;
  for (let i = 0; i < list.length; i++) {
    sum += 1 / (i + 1);
    cumulative.push(sum);
  }
  return (rng) => {
    const x = rng() * sum;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] as number) < x) low = middle + 1;
      else high = middle;
    }
    return list[low] as T;
  };
}

const customActions = [
  'custom_mfa_enrolled',
  'custom_mfa_removed',
  'custom_consent_given',
  'custom_consent_revoked',
  'custom_session_expired',
  'custom_token_issued',
  'custom_token_revoked',
  'custom_device_registered',
  'custom_device_removed',
  'custom_profile_viewed',
  'custom_email_changed',
  'custom_phone_changed',
  'custom_recovery_started',
  'custom_recovery_finished',
  'custom_api_key_created',
  'custom_api_key_deleted',
  'custom_group_joined',
  'custom_group_left',
  'custom_role_granted',
  'custom_role_revoked',
  'custom_export_requested',
  'custom_import_finished',
  'custom_webauthn_used',
  'custom_risk_scored',
];

/** 50 actions: authentik's 26 named ones (in their order) and 24 custom ones. */
export const mixActions: readonly string[] = [...eventActions.filter((a) => a !== 'custom_'), ...customActions];
if (mixActions.length !== 50) throw new Error(`the mix has ${mixActions.length} actions, not 50`);

const pickAction = zipf(mixActions);

export const users = Array.from({ length: 1000 }, (_, i) => ({
  pk: 1000 + i,
  username: i === 0 ? 'hot.actor' : `user-${String(i).padStart(4, '0')}`,
}));
export const hotActor = users[0] as { pk: number; username: string };

export const brands = ['acme', 'globex', 'initech', 'umbrella', 'hooli'].map((name, i) => ({
  pk: `7c9e6679-7425-40de-944b-e07fc1f90a${String(i).padStart(2, '0')}`,
  app: 'authentik_brands',
  name,
}));
const pickBrand = zipf(brands);

export const ipPool = Array.from({ length: 2000 }, (_, i) =>
  i < 1800 ? `10.${(i >> 8) & 255}.${i & 255}.${(i * 7) % 250}` : `2001:db8::${(i - 1800).toString(16)}`,
);

const modelApps = ['authentik_core', 'authentik_flows', 'authentik_providers_oauth2', 'authentik_policies'];
const modelNames = ['user', 'group', 'application', 'token', 'flow', 'oauth2provider', 'policybinding'];
export const modelPks = Array.from({ length: 50 }, (_, i) =>
  `0b5e2f4c-${String(1000 + i)}-4a6b-9c8d-7e6f5a4b3c2d`.slice(0, 36),
);
const pickModelApp = zipf(modelApps);
const pickModelName = zipf(modelNames);
const pickModelPk = zipf(modelPks);
const modelActions = new Set([
  'model_created',
  'model_updated',
  'model_deleted',
  'user_write',
  'secret_view',
  'secret_rotate',
  'password_set',
]);

export const authorizedApps = Array.from({ length: 20 }, (_, i) => ({
  pk: `9a8b7c6d-${String(2000 + i)}-4e5f-8a9b-0c1d2e3f4a5b`.slice(0, 36),
  name: `App ${i}`,
  slug: `app-${i}`,
}));
const pickAuthorizedApp = zipf(authorizedApps);

const userAgents = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'okhttp/4.12.0',
];

/** One event input of the mix; `hot` makes it the hot actor's. */
export function mixInput(rng: Random, hot: boolean, n: number): EventInput {
  const action = pickAction(rng);
  const user = hot ? hotActor : (users[1 + Math.floor(rng() * 999)] as { pk: number; username: string });
  const context: Record<string, unknown> = {
    http_request: {
      path: '/api/v3/flows/executor/default-authentication-flow/',
      method: pick(rng, ['GET', 'POST']),
      args: { query: 'next=%2Fif%2Fuser%2F%23%2Flibrary' },
      user_agent: pick(rng, userAgents),
      request_id: `5f0b0c1e9a7d4c8f8e2b${String(n).padStart(12, '0')}`,
    },
    geo: { city: 'Amsterdam', country: 'NL', continent: 'EU', lat: 52.3759, long: 4.8975 },
    asn: { asn: 1136, as_org: 'KPN B.V.', network: '10.0.0.0/8' },
  };
  if (modelActions.has(action)) {
    context.model = {
      app: pickModelApp(rng),
      model_name: pickModelName(rng),
      pk: pickModelPk(rng),
      name: `object ${Math.floor(rng() * 1000)}`,
    };
  }
  if (action === 'authorize_application' || (action === 'login' && rng() < 0.1)) {
    context.authorized_application = pickAuthorizedApp(rng);
  }
  if (action === 'login_failed') context.reason = 'invalid credentials';
  return {
    action,
    app: 'authentik.events.signals',
    user: { pk: user.pk, username: user.username, email: `${user.username}@example.com`, is_anonymous: false },
    context,
    client_ip: pick(rng, ipPool),
    brand: pickBrand(rng),
  };
}

/** What the bench keeps of each stored event to compute expected answers. */
export interface Meta {
  readonly id: string;
  readonly ms: number;
  /** `kind:value` of each term (eventTerms), `all` left out. */
  readonly terms: ReadonlySet<string>;
}

export const termKey = (kind: string, value: string) => `${kind}:${value}`;

export function metaOf(event: Event): Meta {
  return {
    id: event.pk,
    ms: Date.parse(event.created),
    terms: new Set(
      eventTerms(event)
        .filter((t) => t.kind !== 'all')
        .map((t) => termKey(t.kind, t.value)),
    ),
  };
}

/**
 * `count` busy minutes (their start, ms) over [fromMs, toMs): one at a random place in each of
 * `count` equal stretches, so a window of a few stretches always holds some.
 */
export function busyMinutes(seed: number, count: number, fromMs: number, toMs: number): number[] {
  const rng = random(seed);
  const stretch = (toMs - fromMs) / count;
  return Array.from({ length: count }, (_, i) => Math.floor((fromMs + (i + rng()) * stretch) / 60_000) * 60_000).filter(
    (start) => start + 60_000 <= toMs,
  );
}

/**
 * `count` events created uniformly in [fromMs, toMs), or, with `minutes`, uniformly in those
 * minutes; exactly `hotCount` of them the hot actor's (spread evenly through the sequence), in
 * batches of `batch`.
 */
export function* mixEvents(options: {
  seed: number;
  count: number;
  hotCount: number;
  fromMs: number;
  toMs: number;
  minutes?: readonly number[];
  batch: number;
  retentionDays?: number;
}): Generator<Event[]> {
  const rng = random(options.seed);
  const minutes = options.minutes ?? [];
  let batch: Event[] = [];
  for (let i = 0; i < options.count; i++) {
    const hot =
      Math.floor(((i + 1) * options.hotCount) / options.count) > Math.floor((i * options.hotCount) / options.count);
    const created =
      minutes.length > 0
        ? pick(rng, minutes) + Math.floor(rng() * 60_000)
        : options.fromMs + Math.floor(rng() * (options.toMs - options.fromMs));
    batch.push(newEvent(mixInput(rng, hot, i), new Date(created), options.retentionDays ?? 365));
    if (batch.length >= options.batch) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
