// One POST to an outbound destination: every address the host resolves to is checked first (the
// SSRF guard, lib/net/destination.ts), the connection goes to exactly those, one deadline covers
// the whole call, redirects are never followed. WebHook and Shared Signals push both send this way.
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { LookupFunction } from 'node:net';
import { type HostLookup, type Resolved, resolveDestination } from './destination.ts';

export interface OutboundSettings {
  /** Any destination may be called, not only globally routable unicast (tests, local). */
  allowPrivate: boolean;
  timeoutMs: number;
  lookup?: HostLookup;
}

export interface PostAnswer {
  code: number;
  location?: string;
  /** The start of the answer's body (2 KB). */
  text: string;
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

/** Sends the request and reads the start of the answer; an abort or timeout rejects with `silent()`. */
function exchange(
  url: URL,
  request: { options: RequestOptions; body: string },
  silent: () => Error,
): Promise<PostAnswer> {
  // node:https (and tls, ~5 ms) loads with the first https call, not with every bundle holding the module.
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

/**
 * POSTs `body` once. Rejects with DestinationRefused (lib/net/destination.ts) for a destination
 * that may not be called, with `no answer within N s` past the deadline, else with the network's error.
 */
export async function checkedPost(
  url: URL,
  request: { headers: Record<string, string>; body: string },
  settings: OutboundSettings,
): Promise<PostAnswer> {
  const silent = () => new Error(`no answer within ${settings.timeoutMs / 1000} s`);
  // One deadline for the whole call, name resolution included.
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  const expired = new Promise<never>((_resolve, reject) =>
    deadline.addEventListener('abort', () => reject(silent()), { once: true }),
  );
  expired.catch(() => undefined);
  const addresses = await Promise.race([
    resolveDestination(url.hostname, settings.allowPrivate, settings.lookup),
    expired,
  ]);
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
    // The connection goes to the checked addresses only: no second lookup a DNS rebinding could answer.
    lookup: pinnedLookup(addresses),
    // No connection reuse: every call connects (and so is checked) afresh.
    agent: false,
    timeout: settings.timeoutMs,
    signal: deadline,
  };
  return exchange(url, { options, body: request.body }, silent);
}
