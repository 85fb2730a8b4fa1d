// An event as the handlers get it (already stored, or about to be in the pre position).
import type { Event } from '../../../lib/events/event.ts';

export function sampleEvent(overrides: Partial<Event> = {}): Event {
  return {
    pk: '0192f0c4-7a1e-7b3c-9d2e-1f2a3b4c5d6e',
    user: { pk: 7, username: 'alice', email: 'alice@example.com' },
    action: 'login_failed',
    app: 'authentik.core',
    context: { reason: 'bad password', geo: { country: 'NL', city: 'Delft' }, attempts: 3 },
    client_ip: '198.51.100.7',
    created: '2026-11-30T04:00:00.000Z',
    expires: '2027-11-30T04:00:00.000Z',
    brand: { name: 'acme' },
    ...overrides,
  };
}
