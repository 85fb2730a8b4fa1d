// The console's only way to the service: same-origin fetch with the admin token from
// sessionStorage, one message in words per failure, 401 back to sign-in, 403 remembered per
// policy action (the route table says which action a request needs), and a loading flag for
// requests that take over 300 ms.
import { routePattern, routes, splitRouteKey } from '../../infra/routes.ts';

export const tokenKey = 'idp-event-hub.token';

/** Everything the views listen to: 'session', 'busy', 'denied'. */
export const consoleEvents = new EventTarget();

export const session = {
  get token(): string | null {
    return sessionStorage.getItem(tokenKey);
  },
  /** Why the last session ended, shown on the sign-in form. */
  reason: '',
  signIn(token: string) {
    sessionStorage.setItem(tokenKey, token);
    session.reason = '';
    denied.clear();
    consoleEvents.dispatchEvent(new Event('session'));
  },
  signOut(reason = '') {
    sessionStorage.removeItem(tokenKey);
    session.reason = reason;
    denied.clear();
    consoleEvents.dispatchEvent(new Event('session'));
  },
};

/** Policy actions a 403 has shown this admin lacks; their controls are disabled. */
export const denied = new Set<string>();

export const can = (action: string) => !denied.has(action);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

const compiled = routes
  .map((route) => {
    const { method, path } = splitRouteKey(route.key);
    return { method, pattern: routePattern(path).pattern, literal: !path.includes('{'), action: route.action };
  })
  // A literal path beats a parameter, as in API Gateway.
  .sort((a, b) => Number(b.literal) - Number(a.literal));

/** The policy action the route table names for a request, or null. */
export function actionFor(method: string, path: string): string | null {
  const bare = path.split('?')[0] as string;
  return compiled.find((route) => route.method === method && route.pattern.test(bare))?.action ?? null;
}

let slow = 0;
export const isBusy = () => slow > 0;
const busyChanged = () => consoleEvents.dispatchEvent(new Event('busy'));

/** The service's own words from any dialect's error body. */
export function messageOf(body: any, status: number): string {
  const fallback = `The service answered ${status} without a message.`;
  if (body === null || typeof body !== 'object') return typeof body === 'string' && body ? body : fallback;
  if (typeof body.result?.error?.message === 'string') return body.result.error.message;
  if (typeof body.detail === 'string') return body.detail;
  if (typeof body.message === 'string') return body.message;
  const parts = Object.entries(body).flatMap(([field, value]) => {
    const messages = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
    return messages.map((message) => (field === 'non_field_errors' ? message : `${field}: ${message}`));
  });
  return parts.length > 0 ? parts.join(' ') : fallback;
}

export interface CallOptions {
  json?: unknown;
  headers?: Record<string, string>;
  /** Statuses answered rather than thrown (besides 2xx). */
  allow?: number[];
}

export async function api<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
  const token = session.token;
  if (!token) {
    session.signOut('Sign in to continue.');
    throw new ApiError(401, 'Sign in to continue.');
  }
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...options.headers };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  let counted = false;
  const timer = setTimeout(() => {
    counted = true;
    slow++;
    busyChanged();
  }, 300);
  let response: Response;
  let text: string;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      credentials: 'omit',
      cache: 'no-store',
    });
    text = await response.text();
  } catch (error) {
    throw new ApiError(
      0,
      `The service did not answer (${(error as Error).message}). Check that it runs, then try again.`,
    );
  } finally {
    clearTimeout(timer);
    if (counted) {
      slow--;
      busyChanged();
    }
  }
  let body: any;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  if (response.status === 401) {
    const reason = 'The service did not accept the token (it may have been revoked): sign in again.';
    session.signOut(reason);
    throw new ApiError(401, reason, body);
  }
  if (response.status === 403) {
    const action = actionFor(method, path);
    if (action) {
      denied.add(action);
      consoleEvents.dispatchEvent(new Event('denied'));
    }
    throw new ApiError(
      403,
      `Your admin lacks the policy action ${action ?? 'this route needs'}, so the service refused this. Ask for it to be granted.`,
      body,
    );
  }
  if (!response.ok && !options.allow?.includes(response.status)) {
    throw new ApiError(response.status, messageOf(body, response.status), body);
  }
  return { status: response.status, body, headers: response.headers };
}

/** privacyIDEA's `result.value`. */
export async function piValue<T = any>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  return (await api(method, path, options)).body.result.value as T;
}

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
