// WebHook post_webhook: JSON or form body, Standard Webhooks signatures, 10 s timeout, no
// redirects followed, private destinations refused unless allowed.
import { createHmac } from 'node:crypto';
import type { Event } from '../events/event.ts';
import { checkedPost, type PostAnswer } from '../net/checked-post.ts';
import { DestinationRefused, type HostLookup } from '../net/destination.ts';
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

/** Posts once; resolves with notes on a 2xx, throws otherwise (PermanentFailure when no retry can help). */
export async function postWebhook(
  options: WebhookOptions,
  event: Event,
  call: WebhookCall,
  settings: WebhookSettings,
): Promise<string[]> {
  const url = webhookUrl(options.URL);
  const { body, unknown } = webhookBody(options, event);
  const headers: Record<string, string> = {
    'content-type': options.content_type,
    'user-agent': userAgent,
    ...(options.secret
      ? signatureHeaders(options.secret, call.id, Math.floor(call.now.getTime() / 1000), body)
      : { 'webhook-id': call.id }),
  };
  let status: PostAnswer;
  try {
    status = await checkedPost(url, { headers, body }, settings);
  } catch (error) {
    if (error instanceof DestinationRefused) throw new PermanentFailure(error.message);
    throw error;
  }
  // Redirects are never followed: the next hop would not have been checked.
  if (status.code >= 300 && status.code < 400) {
    throw new Error(`HTTP ${status.code}: redirect to ${status.location ?? '(no location)'} not followed`);
  }
  if (status.code < 200 || status.code >= 300) {
    throw new Error(`HTTP ${status.code}${status.text ? `: ${status.text.slice(0, 200)}` : ''}`);
  }
  return [`HTTP ${status.code}`, ...noteUnknownTags(unknown)];
}
