// The request body, parsed once before zod by the middlewares of `bodyParsing`, in this order:
// its size on the bytes received, its media type, its text (UTF-8 only); then a form's fields
// (none twice) through @middy/http-urlencode-body-parser, or JSON through JSON.parse and the
// guards of json.ts. Every refusal is a DomainError, which each dialect answers in its shape.
import type middy from '@middy/core';
import httpUrlencodeBodyParser from '@middy/http-urlencode-body-parser';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { DomainError } from '../../lib/errors.ts';
import { jsonProblem } from './json.ts';
import { requestLimits } from './limits.ts';

type Media = 'json' | 'form';

export interface BodyContext extends Context {
  /** The body as received, once within the limit; undefined without a body. */
  bytes?: Buffer;
  media?: Media;
  /** The body's text, once it decoded as UTF-8. */
  text?: string;
  /** The parsed body (a JSON value or the form's fields); undefined without a body. */
  rawBody: unknown;
}

type BodyEvent = Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded' | 'headers'>;
type BodyMiddleware = middy.MiddlewareObj<BodyEvent, unknown, Error, BodyContext>;

const refusal = (media: Media, problem: string) =>
  new DomainError('input.malformed', `${media === 'form' ? 'Form' : 'JSON'} parse error - ${problem}`);

/** Refuses a body over the limit, counted on the bytes received, before any decoding that could shrink or grow them. */
const bodySize: BodyMiddleware = {
  before: ({ event, context }) => {
    if (event.body === undefined || event.body === '') return;
    const bytes = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
    if (bytes.length > requestLimits.bodyBytes) {
      throw new DomainError('input.tooLarge', `Request body exceeds the limit of ${requestLimits.bodyBytes} bytes.`);
    }
    context.bytes = bytes;
  },
};

/** JSON (also without a content type, and any `+json` type) or form fields; anything else is refused. */
const mediaType: BodyMiddleware = {
  before: ({ event, context }) => {
    if (!context.bytes) return;
    const type = (event.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type === 'application/x-www-form-urlencoded') context.media = 'form';
    else if (type === 'application/json' || type.endsWith('+json')) context.media = 'json';
    else throw new DomainError('input.malformed', `Unsupported media type "${type}" in request.`);
  },
};

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Refuses bytes that are not UTF-8 (the parsers would decode them into replacement characters). */
const utf8Text: BodyMiddleware = {
  before: ({ context }) => {
    if (!context.bytes || !context.media) return;
    try {
      context.text = utf8.decode(context.bytes);
    } catch {
      throw refusal(context.media, 'the body is not valid UTF-8');
    }
  },
};

/** Parts of a form middy's parser reads (node:querystring's maxKeys); it drops the rest without a word. */
const formParts = 1000;

/** A form field twice is refused like a JSON key twice (no body field repeats); so is a form middy would cut short. */
const uniqueFormFields: BodyMiddleware = {
  before: ({ context }) => {
    if (context.media !== 'form' || context.text === undefined) return;
    if (context.text.split('&').length > formParts) throw refusal('form', `more than ${formParts} fields`);
    const seen = new Set<string>();
    for (const name of new URLSearchParams(context.text).keys()) {
      if (seen.has(name)) throw refusal('form', `duplicate field ${JSON.stringify(name)}`);
      seen.add(name);
    }
  },
};

// Run only for a form body: on an empty one it would make {} where a route sees no body.
const urlencoded = httpUrlencodeBodyParser({ disableContentTypeCheck: true });

const formParser: BodyMiddleware = {
  before: async (request) => {
    if (request.context.media !== 'form') return;
    await urlencoded.before?.(request as never);
    request.context.rawBody = request.event.body;
  },
};

// Not @middy/http-json-body-parser: it refuses every "__proto__" key (and "constructor" holding
// "prototype"), which this service keeps as data; an event's context carries what a caller sent.
const jsonParser: BodyMiddleware = {
  before: ({ context }) => {
    if (context.media !== 'json' || context.text === undefined) return;
    try {
      context.rawBody = JSON.parse(context.text);
    } catch (error) {
      throw refusal('json', (error as Error).message);
    }
  },
};

/** What JSON.parse accepts but this service refuses (json.ts); it reads text the parser found valid. */
const jsonLimits: BodyMiddleware = {
  before: ({ context }) => {
    if (context.media !== 'json' || context.text === undefined) return;
    const problem = jsonProblem(context.text, requestLimits.jsonDepth);
    if (problem !== null) throw refusal('json', problem);
  },
};

export const bodyParsing = [bodySize, mediaType, utf8Text, uniqueFormFields, formParser, jsonParser, jsonLimits];

/**
 * A body the route parses itself (a connector's JSON lines, CloudEvents in any mode): bounded
 * by its own limit, UTF-8, given as text whatever its media type.
 */
export function textBody(maxBytes: number): BodyMiddleware[] {
  const size: BodyMiddleware = {
    before: ({ event, context }) => {
      if (event.body === undefined || event.body === '') return;
      const bytes = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
      if (bytes.length > maxBytes) {
        throw new DomainError('input.tooLarge', `Request body exceeds the limit of ${maxBytes} bytes.`);
      }
      context.bytes = bytes;
      context.media = 'json';
    },
  };
  const text: BodyMiddleware = {
    before: ({ context }) => {
      context.rawBody = context.text ?? '';
    },
  };
  return [size, utf8Text, text];
}
