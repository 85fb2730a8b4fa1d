// One request to the service as its bootstrap admin, timed as the client sees it, with the
// capacity the service spent on it alone (x-consumed-* headers: LOCAL_CAPACITY_HEADER=1).
import { bootstrapName } from '../infra/local/bootstrap.ts';
import type { BenchService } from './service.ts';

export interface Answer {
  status: number;
  body: unknown;
  ms: number;
  rcu: number;
  wcu: number;
  /** The answer's X-Count-Estimated header. */
  estimated: string | null;
}

export interface Call {
  method?: 'GET' | 'POST';
  json?: unknown;
  /** Onegini's clients send Basic name:token; the others a Bearer token. */
  basic?: boolean;
}

export async function call(
  service: BenchService,
  path: string,
  { method = 'GET', json, basic }: Call = {},
): Promise<Answer> {
  const authorization = basic
    ? `Basic ${Buffer.from(`${bootstrapName}:${service.token}`).toString('base64')}`
    : `Bearer ${service.token}`;
  const started = performance.now();
  const response = await fetch(service.url + path, {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  const units = (name: string) => {
    const value = response.headers.get(name);
    if (value === null) throw new Error(`no ${name} header: start the service with LOCAL_CAPACITY_HEADER=1`);
    return Number(value);
  };
  return {
    status: response.status,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    ms,
    rcu: units('x-consumed-rcu'),
    wcu: units('x-consumed-wcu'),
    estimated: response.headers.get('x-count-estimated'),
  };
}
