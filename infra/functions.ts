// The one table of every Lambda function: HTTP routes (from the route table), the authorizer,
// the stream dispatcher and the scheduled jobs. The CDK stack, the local runner (gateway, stream
// poller, timers), the bundling and docs/deploying.md all loop over it. No AWS or CDK imports:
// the local runner reads it too.
import { bundledDocsFiles } from '../functions/http/docs.ts';
import { bundledConsoleFiles } from '../ui/build.ts';
import { type Route, routes, type SigningKeyUse, type TableAccess } from './routes.ts';

/** A route function's timeout; the ingest route's pre bindings budget (PRE_BINDINGS_BUDGET_MS) stays well inside it. */
export const routeTimeoutSeconds = 10;

/** Every function's memory; one size, so cold starts and the bench compare like with like. */
export const functionMemoryMb = 512;

/** In place of a schedule, `npm start` runs the job on a timer: every `variable` ms (default `defaultMs`), 0 turns it off. */
export interface LocalTimer {
  readonly variable: string;
  readonly defaultMs: number;
}

export type Trigger =
  /** API Gateway routes (infra/routes.ts). */
  | { readonly kind: 'http'; readonly routes: readonly Route[] }
  /** The Lambda authorizer of every route with a policy action. */
  | { readonly kind: 'authorizer' }
  /** The table's stream (event inserts only); locally the stream poller. */
  | { readonly kind: 'stream' }
  /** An EventBridge rule `rate(N minute[s])`; locally a timer. `rule` is the rule's construct id. */
  | { readonly kind: 'schedule'; readonly rule: string; readonly everyMinutes: number; readonly local: LocalTimer };

export type TriggerKind = Trigger['kind'];

export interface LambdaFunction {
  /** Entry file under functions/, without extension; its construct id is `constructIdFor(fn)`. */
  readonly fn: string;
  readonly trigger: Trigger;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The table grant: none (no TABLE_NAME either), read-only, or read-write. */
  readonly access: TableAccess;
  /** Gets METRICS_NAMESPACE (the delivery metrics, lib/dispatch/metrics.ts). */
  readonly metrics?: boolean;
  /** Runs UserNotification: with the `emailFrom` context, EMAIL_TRANSPORT=ses, EMAIL_FROM and ses:SendEmail for it. */
  readonly sendsMail?: boolean;
  /** Files the function reads at run time, copied into its bundle: place inside the bundle → source path. */
  readonly files?: () => Record<string, string>;
  /** Uses the SSF signing key: SSF_KMS_KEY_ID and the KMS grant for it (infra/ssf-signing-keys.ts). */
  readonly signingKey?: SigningKeyUse;
}

/** Files bundled per HTTP function. */
const routeFiles: Readonly<Record<string, () => Record<string, string>>> = {
  'docs-asset': bundledDocsFiles,
  // The console, built with esbuild at synth time (ui/build.ts).
  'ui-asset': bundledConsoleFiles,
};

function httpFunctions(table: readonly Route[]): LambdaFunction[] {
  const byFn = new Map<string, Route[]>();
  for (const route of table) byFn.set(route.fn, [...(byFn.get(route.fn) ?? []), route]);
  return [...byFn].map(([fn, served]) => {
    const access = served[0]?.access ?? 'none';
    if (served.some((route) => route.access !== access)) throw new Error(`routes of ${fn} differ in table access`);
    const files = routeFiles[fn];
    const timeouts = new Set(served.map((route) => ('timeoutSeconds' in route ? route.timeoutSeconds : undefined)));
    if (timeouts.size > 1) throw new Error(`routes of ${fn} differ in timeout`);
    const keyUses = new Set(served.map((route) => ('signingKey' in route ? route.signingKey : undefined)));
    if (keyUses.size > 1) throw new Error(`routes of ${fn} differ in signing key use`);
    const signingKey = [...keyUses][0];
    return {
      fn,
      trigger: { kind: 'http', routes: served },
      timeoutSeconds: [...timeouts][0] ?? routeTimeoutSeconds,
      memoryMb: functionMemoryMb,
      access,
      ...(files && { files }),
      ...(signingKey && { signingKey }),
    };
  });
}

export const lambdaFunctions: readonly LambdaFunction[] = [
  ...httpFunctions(routes),
  // It only looks admins up by token hash.
  {
    fn: 'authorizer',
    trigger: { kind: 'authorizer' },
    timeoutSeconds: routeTimeoutSeconds,
    memoryMb: functionMemoryMb,
    access: 'read',
  },
  // One batch: up to 10 events, each running its bindings (a webhook may take its 10 s timeout).
  {
    fn: 'dispatcher',
    trigger: { kind: 'stream' },
    timeoutSeconds: 180,
    memoryMb: functionMemoryMb,
    access: 'write',
    metrics: true,
    sendsMail: true,
    // It signs the SETs of Shared Signals streams.
    signingKey: 'sign',
  },
  // Overlapping runs are safe: each delivery is leased with a conditional write.
  {
    fn: 'delivery-retry',
    trigger: {
      kind: 'schedule',
      rule: 'RetrySchedule',
      everyMinutes: 1,
      local: { variable: 'DELIVERY_RETRY_INTERVAL_MS', defaultMs: 5_000 },
    },
    timeoutSeconds: 300,
    memoryMb: functionMemoryMb,
    access: 'write',
    metrics: true,
    sendsMail: true,
  },
  // The seal keeps the event counts (docs/data-model.md); a lease makes overlapping runs wait.
  {
    fn: 'events-seal',
    trigger: {
      kind: 'schedule',
      rule: 'SealSchedule',
      everyMinutes: 1,
      local: { variable: 'SEAL_INTERVAL_MS', defaultMs: 60_000 },
    },
    timeoutSeconds: 300,
    memoryMb: functionMemoryMb,
    access: 'write',
  },
  // The live seal keeps the minutes the seal has not reached (docs/data-model.md "The live log"):
  // one run a minute, passes every 250 ms inside it; a lease keeps one sealer at a time.
  {
    fn: 'events-live-seal',
    trigger: {
      kind: 'schedule',
      rule: 'LiveSealSchedule',
      everyMinutes: 1,
      local: { variable: 'LIVE_SEAL_INTERVAL_MS', defaultMs: 250 },
    },
    timeoutSeconds: 70,
    memoryMb: 1024,
    access: 'write',
  },
];

/** `events-create` → `EventsCreate`: stable construct ids, so logical ids follow the table. */
export function constructIdFor(fn: string): string {
  return fn.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase());
}

export function functionNamed(fn: string): LambdaFunction {
  const found = lambdaFunctions.find((entry) => entry.fn === fn);
  if (!found) throw new Error(`no function ${fn} in infra/functions.ts`);
  return found;
}

export function functionsTriggeredBy<K extends TriggerKind>(
  kind: K,
): (LambdaFunction & { readonly trigger: Extract<Trigger, { kind: K }> })[] {
  return lambdaFunctions.filter(
    (entry): entry is LambdaFunction & { readonly trigger: Extract<Trigger, { kind: K }> } =>
      entry.trigger.kind === kind,
  );
}

/** The one function of a trigger that has exactly one (the authorizer, the stream dispatcher). */
export function onlyFunctionTriggeredBy<K extends 'authorizer' | 'stream'>(kind: K) {
  const [only, ...others] = functionsTriggeredBy(kind);
  if (!only || others.length > 0) throw new Error(`infra/functions.ts must hold exactly one ${kind} function`);
  return only;
}

/** EventBridge's rate expression: the unit is singular for 1, plural above. */
export function rateExpression(everyMinutes: number): string {
  return `rate(${everyMinutes} ${everyMinutes === 1 ? 'minute' : 'minutes'})`;
}

/** What sets a function going, in words (docs/deploying.md). */
export function describeTrigger(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'http':
      return trigger.routes.map((route) => `\`${route.key}\``).join(', ');
    case 'authorizer':
      return 'authorizer of every route with a policy action';
    case 'stream':
      return 'table stream (event inserts)';
    case 'schedule':
      return `\`${rateExpression(trigger.everyMinutes)}\`; locally every \`${trigger.local.variable}\` ms (${trigger.local.defaultMs})`;
  }
}

/** The environment the stack sets beyond NODE_OPTIONS, by name (values depend on the stack). */
export function environmentNames(entry: LambdaFunction): string[] {
  return [
    ...(entry.access !== 'none' ? ['TABLE_NAME'] : []),
    ...(entry.metrics ? ['METRICS_NAMESPACE'] : []),
    ...(entry.sendsMail ? ['EMAIL_TRANSPORT', 'EMAIL_FROM'] : []),
    ...(entry.signingKey ? ['SSF_KMS_KEY_ID'] : []),
  ];
}

/** The functions table of docs/deploying.md (a test keeps the committed copy equal to it). */
export function renderFunctionTable(table: readonly LambdaFunction[] = lambdaFunctions): string {
  const rows = table.map((entry) => {
    const environment = environmentNames(entry)
      .map((name) => (name.startsWith('EMAIL_') ? `${name} (with \`emailFrom\`)` : name))
      .join(', ');
    return `| \`${entry.fn}\` | ${describeTrigger(entry.trigger)} | ${entry.timeoutSeconds} s | ${entry.memoryMb} MB | ${entry.access} | ${environment || '–'} |`;
  });
  return [
    '| function | trigger | timeout | memory | table | environment (besides NODE_OPTIONS) |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
