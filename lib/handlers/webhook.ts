// WebHook post_webhook: JSON or form body, Standard Webhooks signatures, 10 s timeout, no
// redirects followed, private destinations refused unless allowed.
import { createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { Event } from '../events/event.ts';
import { DestinationRefused, type HostLookup, type Resolved, resolveDestination } from '../net/destination.ts';
import { PermanentFailure } from './failure.ts';
import { fillJsonTags, fillTags, noteUnknownTags } from './tags.ts';

export interface WebhookOptions {
  URL: string;
  content_type: 'application/json' | 'application/x-www-form-urlencoded';
  replace: boolean;
  data?: string;
  secret?: string;
}

export interface WebhookSettings {
  /** WEBHOOK_ALLOW_PRIVATE=1: any destination may be called, not only globally routable unicast (tests, local). */
  allowPrivate: boolean;
  timeoutMs: number;
  /** Name resolution (default: the system resolver); tests use it to prove the connection is pinned. */
  lookup?: HostLookup;
}

export const webhookTimeoutMs = 10_000;

/** The webhook settings of the environment: read here only. */
export const webhookSettingsFrom = (env: NodeJS.ProcessEnv): WebhookSettings => ({
  allowPrivate: env.WEBHOOK_ALLOW_PRIVATE === '1',
  timeoutMs: webhookTimeoutMs,
});
const userAgent = 'idp-event-hub-webhook/1';

/** The body to send and the tags that could not be filled. */
export function webhookBody(options: Pick<WebhookOptions, 'content_type' | 'replace' | 'data'>, event: Event) {
  const json = options.content_type === 'application/json';
  const data = options.data?.trim() ? options.data : undefined;
  if (data === undefined) {
    if (json) return { body: JSON.stringify(event), unknown: [] };
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(event))
      form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
    return { body: form.toString(), unknown: [] };
  }
  let document: unknown;
  let isJson = true;
  try {
    document = JSON.parse(data);
  } catch {
    isJson = false;
  }
  if (json) {
    if (!isJson)
      throw new PermanentFailure(
        'option data is not valid JSON; tags go inside JSON strings, e.g. {"user": "{username}"}',
      );
    const filled = options.replace ? fillJsonTags(document, event) : { value: document, unknown: [] };
    return { body: JSON.stringify(filled.value), unknown: filled.unknown };
  }
  const unknown: string[] = [];
  const fill = (value: string) => {
    if (!options.replace) return value;
    const filled = fillTags(value, event);
    unknown.push(...filled.unknown);
    return filled.text;
  };
  const form = new URLSearchParams();
  if (isJson && document !== null && typeof document === 'object' && !Array.isArray(document)) {
    for (const [key, value] of Object.entries(document))
      form.append(key, fill(typeof value === 'string' ? value : JSON.stringify(value)));
  } else {
    for (const [key, value] of new URLSearchParams(data)) form.append(key, fill(value));
  }
  return { body: form.toString(), unknown };
}

/** The Standard Webhooks signing key: `whsec_<base64>` decoded, any other secret as its UTF-8 bytes. */
export function signingKey(secret: string): Buffer {
  return secret.startsWith('whsec_')
    ? Buffer.from(secret.slice('whsec_'.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

export function signatureHeaders(secret: string, id: string, timestampSeconds: number, body: string) {
  const signature = createHmac('sha256', signingKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}

/** A connection lookup that only ever hands out the addresses already checked. */
function pinnedLookup(addresses: Resolved[]): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, addresses);
    else callback(null, addresses[0]?.address, addresses[0]?.family);
  }) as unknown as LookupFunction;
}

/** Reads at most `limit` bytes of the answer, then lets the rest go. */
async function readSome(response: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= limit) {
      response.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}

export interface WebhookCall {
  /** Stable across retries: the delivery id. */
  id: string;
  now: Date;
}

/** The URL a webhook posts to: http or https, else a PermanentFailure. */
function webhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PermanentFailure(`URL '${text}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PermanentFailure('URL must be http or https');
  return url;
}

/** Sends the request and reads the start of the answer; an abort or timeout rejects with `silent()`. */
function exchange(
  url: URL,
  request: { options: RequestOptions; body: string },
  silent: () => Error,
): Promise<{ code: number; location?: string; text: string }> {
  // node:https (and tls, ~5 ms) loads with the first https webhook, not with every bundle holding the module table.
  const send = url.protocol === 'https:' ? process.getBuiltinModule('node:https').request : httpRequest;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) =>
      reject(error.name === 'AbortError' || error.name === 'TimeoutError' ? silent() : error);
    const sent = send(url, request.options, (response) => {
      readSome(response, 2048).then(
        (text) => resolve({ code: response.statusCode ?? 0, location: response.headers.location, text }),
        fail,
      );
    });
    sent.once('timeout', () => sent.destroy(silent()));
    sent.once('error', fail);
    sent.end(request.body);
  });
}

/** Posts once; resolves with notes on a 2xx, throws otherwise (PermanentFailure when no retry can help). */
export async function postWebhook(
  options: WebhookOptions,
  event: Event,
  call: WebhookCall,
  settings: WebhookSettings,
): Promise<string[]> {
  const url = webhookUrl(options.URL);
  const { body, unknown } = webhookBody(options, event);
  const silent = () => new Error(`no answer within ${settings.timeoutMs / 1000} s`);
  // One deadline for the whole call, name resolution included.
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  const expired = new Promise<never>((_resolve, reject) =>
    deadline.addEventListener('abort', () => reject(silent()), { once: true }),
  );
  expired.catch(() => undefined);
  let addresses: Resolved[];
  try {
    addresses = await Promise.race([resolveDestination(url.hostname, settings.allowPrivate, settings.lookup), expired]);
  } catch (error) {
    if (error instanceof DestinationRefused) throw new PermanentFailure(error.message);
    throw error;
  }
  const headers: Record<string, string> = {
    'content-type': options.content_type,
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': userAgent,
    ...(options.secret
      ? signatureHeaders(options.secret, call.id, Math.floor(call.now.getTime() / 1000), body)
      : { 'webhook-id': call.id }),
  };
  const requestOptions: RequestOptions = {
    method: 'POST',
    headers,
    // The connection goes to the checked addresses only: no second lookup a DNS rebinding could answer.
    lookup: pinnedLookup(addresses),
    // No connection reuse: every delivery connects (and so is checked) afresh.
    agent: false,
    timeout: settings.timeoutMs,
    signal: deadline,
  };
  const status = await exchange(url, { options: requestOptions, body }, silent);
  // Redirects are never followed: the next hop would not have been checked.
  if (status.code >= 300 && status.code < 400) {
    throw new Error(`HTTP ${status.code}: redirect to ${status.location ?? '(no location)'} not followed`);
  }
  if (status.code < 200 || status.code >= 300) {
    throw new Error(`HTTP ${status.code}${status.text ? `: ${status.text.slice(0, 200)}` : ''}`);
  }
  return [`HTTP ${status.code}`, ...noteUnknownTags(unknown)];
}
