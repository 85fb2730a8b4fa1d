// The events of the request-bounds bench (bench/request-bounds.ts): 90 custom actions and 80
// applications, so that every list of values a request can name reaches the bound of one request
// (128 index partitions: 8 actions of 16 shards, lib/events/selection.ts) and passes it by one.
//   custom_lo_00 … custom_lo_63  64 actions, the most analytics expand from the range's months
//   custom_lox_00                 with them, 65
//   custom_hi_00 … custom_hi_15   16 more, so the months hold more than 64 actions
//   custom_eight_0 … _7           `action=_eight_` matches exactly these 8
//   custom_eightx                 with them, 9: `action=_eight`
// custom_lo_00 has events with 32 applications, custom_lo_01 with 33 (top_per_user/'s bound).
// Every other event is the hot actor's (one person): Onegini's `limit=1000` has a full page.
import type { EventInput } from '../lib/events/event.ts';

const two = (i: number) => String(i).padStart(2, '0');

export const loActions = Array.from({ length: 64 }, (_, i) => `custom_lo_${two(i)}`);
export const loxAction = 'custom_lox_00';
const hiActions = Array.from({ length: 16 }, (_, i) => `custom_hi_${two(i)}`);
export const eightActions = Array.from({ length: 8 }, (_, i) => `custom_eight_${i}`);
export const eightxAction = 'custom_eightx';
export const boundsActions = [...loActions, loxAction, ...hiActions, ...eightActions, eightxAction];
/** The action with events of exactly 32 applications, and the one with 33. */
export const appsAction = { 32: loActions[0] as string, 33: loActions[1] as string };

export const boundsApps = Array.from({ length: 80 }, (_, i) => ({
  pk: `0b0a0000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: `App ${i}`,
  slug: `app-${i}`,
}));

export const hotActor = 'hot';
export const hotPerson = 'p-hot';
const users = 50;

/** Event `n`: a quarter custom_lo_00 (32 apps), a quarter custom_lo_01 (33 apps), the rest cycling the actions. */
export function boundsEvent(n: number): EventInput {
  const k = Math.floor(n / 4);
  const kind = n % 4;
  const cycled = (2 * k + kind - 2) % boundsActions.length;
  const action = kind === 0 ? appsAction[32] : kind === 1 ? appsAction[33] : (boundsActions[cycled] as string);
  const app = boundsApps[kind === 0 ? k % 32 : kind === 1 ? k % 33 : cycled % boundsApps.length];
  const hot = n % 2 === 0;
  const user = hot ? { pk: 1, username: hotActor } : { pk: 100 + (k % users), username: `user-${k % users}` };
  return {
    action,
    app: 'authentik.events.signals',
    user,
    context: {
      authorized_application: app,
      person_id: hot ? hotPerson : `p-${k % users}`,
      http_request: { path: '/application/o/token/', method: 'POST' },
    },
    client_ip: `192.0.2.${n % 50}`,
    brand: { name: 'B' },
  };
}
