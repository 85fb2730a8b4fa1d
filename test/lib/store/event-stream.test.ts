import { describe, expect, it } from 'vitest';
import { encodeBody } from '../../../lib/store/codec.ts';
import { eventOfImage, isEventInsert, passesFilter } from '../../../lib/store/event-stream.ts';

const record = (sequence: string, overrides: Record<string, unknown> = {}, body: unknown = { pk: sequence }) => ({
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: sequence,
    Keys: { pk: { S: 'EV#3' }, sk: { S: `0190c8a2-0000-7000-8000-${String(sequence).padStart(12, '0')}` } },
    NewImage: { b: { B: Buffer.from(encodeBody(body)).toString('base64') } },
  },
  ...overrides,
});

describe('the stream filter', () => {
  it('admits event inserts only, as the Lambda filter pattern does', () => {
    expect(isEventInsert(record('1'))).toBe(true);
    expect(isEventInsert(record('1', { eventName: 'MODIFY' }))).toBe(false);
    expect(isEventInsert(record('1', { dynamodb: { Keys: { pk: { S: 'DELIVERY#x' }, sk: { S: 'D#1' } } } }))).toBe(
      false,
    );
    expect(isEventInsert({})).toBe(false);
    expect(passesFilter({ a: ['x', { prefix: 'y' }] }, { a: 'yes' })).toBe(true);
    expect(passesFilter({ a: ['x'] }, { a: 'y' })).toBe(false);
  });

  it('reads the event from the base64 body of the image (Lambda JSON form)', () => {
    expect(eventOfImage(record('7').dynamodb.NewImage)).toEqual({ pk: '7' });
    expect(() => eventOfImage({})).toThrow('no event body');
  });
});
