import { describe, expect, it } from 'vitest';
import { encodeBody } from '../../../lib/store/codec.ts';
import { dispatchStreamBatch, eventOfImage, isEventInsert, passesFilter } from '../../../lib/store/event-stream.ts';

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

describe('a stream batch', () => {
  it('dispatches in order and reports the first record that fails, leaving the rest for the retry', async () => {
    const seen: string[] = [];
    const errors: string[] = [];
    const poison = {
      ...record('2'),
      dynamodb: { ...record('2').dynamodb, NewImage: { b: { B: 'bm90IGJyb3RsaQ==' } } },
    };
    const answer = await dispatchStreamBatch(
      [record('1'), record('1b', { eventName: 'REMOVE' }), poison, record('3')],
      async (event) => {
        seen.push((event as { pk: string }).pk);
      },
      (failed) => errors.push(failed.dynamodb?.SequenceNumber as string),
    );
    expect(seen).toEqual(['1']);
    expect(errors).toEqual(['2']);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(
      await dispatchStreamBatch(
        [record('3')],
        async () => {},
        () => {},
      ),
    ).toEqual({ batchItemFailures: [] });
  });
});
