// authentik's volume/ computed by brute force over a list of events: what the analytics tests
// compare the hub's answer with.
import type { Event } from '../../lib/events/event.ts';

export const sixHours = 6 * 3_600_000;

/** An ISO time to the second, as authentik's serializer writes it. */
export const isoSecond = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** authentik: TruncHour(created) − (hour % 6) h, grouped by (time, action), ordered by both. */
export function bruteVolume(list: readonly Event[]) {
  const counts = new Map<string, number>();
  for (const event of list) {
    const key = `${isoSecond(Math.floor(Date.parse(event.created) / sixHours) * sixHours)}|${event.action}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([key, count]) => {
      const [time, action] = key.split('|') as [string, string];
      return { action, time, count };
    })
    .sort((a, b) =>
      a.time < b.time ? -1 : a.time > b.time ? 1 : a.action < b.action ? -1 : a.action > b.action ? 1 : 0,
    );
}
