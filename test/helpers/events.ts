// Creating authentik events through the real route, for the tests that read them back.
import { expect } from 'vitest';
import { eventually, type Service } from './service.ts';

export type StoredEvent = Record<string, any> & { pk: string; created: string };

export function eventWriter(service: Service) {
  async function create(body: Record<string, unknown>): Promise<StoredEvent> {
    const answer = await service.call('POST', '/events/events/', { json: { app: 'authentik.core', ...body } });
    expect(answer.status, answer.text).toBe(201);
    return answer.body;
  }

  /** Creates the events one after the other, each in a later millisecond than the one before. */
  async function createInOrder(bodies: Record<string, unknown>[]): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for (const body of bodies) {
      const previous = events.at(-1);
      if (previous) await eventually(async () => Date.now() > Date.parse(previous.created));
      events.push(await create(body));
    }
    return events;
  }

  return { create, createInOrder };
}

/** What the server sets in the context of every event the root admin posts (issue 21 item 5). */
export const postedByRoot = {
  provenance: { ingested_by: { admin: 'root' }, native_id: null, attested: false },
} as const;
