// Events the hub records about its own configuration (model_created / _updated / _deleted).
import { envInt } from '../config.ts';
import { type Event, newEvent } from './event.ts';

export const retentionDays = envInt('EVENT_RETENTION', 365);
export const hubApp = 'idp_event_hub';

export function modelEvent(
  action: 'model_created' | 'model_updated' | 'model_deleted',
  admin: string,
  model: { model_name: string; pk: string | number; name: string },
  now = new Date(),
): Event {
  return newEvent(
    { action, app: hubApp, user: { username: admin }, context: { model: { app: hubApp, ...model } } },
    now,
    retentionDays,
  );
}
