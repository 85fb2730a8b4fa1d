import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { type BodyContext, bodyParsing } from '../../../functions/http/body.ts';
import { DomainError } from '../../../lib/errors.ts';

const parsed = middy<
  { body?: string; isBase64Encoded: boolean; headers: Record<string, string> },
  unknown,
  Error,
  BodyContext
>()
  .use(bodyParsing)
  .handler(async (_event, context) => context.rawBody);

/** The parsed body, or the refusal's code and message. */
async function parse(body: string | undefined, contentType?: string, isBase64Encoded = false) {
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
  try {
    return { body: await parsed({ body, isBase64Encoded, headers }, {} as BodyContext) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { refused: error.code, message: error.message };
  }
}

const form = 'application/x-www-form-urlencoded';

describe('bodyParsing', () => {
  it('parses form fields with the middy parser, a field named __proto__ kept as data', async () => {
    const { body } = await parse('a=1+2&b=%E2%82%AC&__proto__=x&empty', `${form}; charset=utf-8`);
    expect({ ...(body as object) }).toEqual({ a: '1 2', b: '€', ['__proto__']: 'x', empty: '' });
    expect(Object.getOwnPropertyDescriptor(body, '__proto__')?.value).toBe('x');
  });

  it('keeps a JSON key named __proto__ (or constructor holding prototype) as data', async () => {
    const { body } = await parse('{"__proto__":{"polluted":true},"constructor":{"prototype":1}}', 'application/json');
    expect(Object.keys(body as object)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads no body as none, whatever the content type', async () => {
    for (const type of [undefined, form, 'application/json', 'text/xml']) {
      expect(await parse(undefined, type)).toEqual({ body: undefined });
      expect(await parse('', type)).toEqual({ body: undefined });
    }
  });

  it('takes JSON without a content type and under +json, base64 as received', async () => {
    expect(await parse('{"a":1}')).toEqual({ body: { a: 1 } });
    expect(await parse('[1]', 'application/problem+json')).toEqual({ body: [1] });
    expect(await parse(Buffer.from('a=1').toString('base64'), form, true)).toEqual({ body: { a: '1' } });
  });

  it('refuses a form with more parts than the middy parser reads, instead of losing the rest', async () => {
    const parts = (count: number) => Array.from({ length: count }, (_, i) => `f${i}=1`).join('&');
    expect(Object.keys((await parse(parts(1000), form)).body as object)).toHaveLength(1000);
    expect(await parse(parts(1001), form)).toEqual({
      refused: 'input.malformed',
      message: 'Form parse error - more than 1000 fields',
    });
    expect((await parse(`a=1${'&'.repeat(1000)}b=2`, form)).message).toBe('Form parse error - more than 1000 fields');
  });

  it('checks the size first, then the media type, the text, then the guards', async () => {
    const big = 'x'.repeat(64 * 1024 + 1);
    expect((await parse(big, 'text/xml')).refused).toBe('input.tooLarge');
    expect(await parse('<a/>', 'text/xml')).toEqual({
      refused: 'input.malformed',
      message: 'Unsupported media type "text/xml" in request.',
    });
    const notUtf8 = Buffer.from([0x61, 0x3d, 0xff, 0x26, 0x61, 0x3d]).toString('base64');
    expect((await parse(notUtf8, form, true)).message).toBe('Form parse error - the body is not valid UTF-8');
    expect((await parse('{"a":1,"a":', 'application/json')).message).toMatch(/^JSON parse error - (?!duplicate)/);
    expect((await parse('{"a":1,"a":2}', 'application/json')).message).toBe('JSON parse error - duplicate key "a"');
  });
});
