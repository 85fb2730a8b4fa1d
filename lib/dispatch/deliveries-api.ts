// The privacyIDEA-dialect API over the ledger: GET /event/deliveries and POST …/{id}/replay.
import * as z from 'zod';
import { type Delivery, type DeliveryStore, deliveryStatuses, deliveryView, parseDeliveryId } from './delivery.ts';

export const maxDeliveryPage = 1000;

const issue = (ctx: z.RefinementCtx, message: string) => {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
};

/**
 * `status`, `binding`, `event`, `limit`: all optional, each checked with the parameter named;
 * `binding=0` names the deliveries no binding made (Shared Signals pushes).
 */
export const deliveryQuery = z
  .object({
    status: z.string().optional(),
    binding: z.string().optional(),
    event: z.string().optional(),
    limit: z.string().optional(),
  })
  .transform((query, ctx) => {
    const { status, binding, event, limit } = query;
    if (status !== undefined && !(deliveryStatuses as readonly string[]).includes(status)) {
      return issue(ctx, `status: '${status}' is not one of ${deliveryStatuses.join(', ')}`);
    }
    if (binding !== undefined && !/^(0|[1-9]\d{0,9})$/.test(binding)) {
      return issue(ctx, `binding: '${binding}' is not a binding id`);
    }
    if (event !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(event)) {
      return issue(ctx, `event: '${event}' is not an event UUID`);
    }
    if (limit !== undefined && !(/^\d{1,4}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= maxDeliveryPage)) {
      return issue(ctx, `limit: '${limit}' must be an integer from 1 to ${maxDeliveryPage}`);
    }
    return {
      status: status as Delivery['status'] | undefined,
      binding: binding === undefined ? undefined : Number(binding),
      event: event?.toLowerCase(),
      limit: limit === undefined ? 100 : Number(limit),
    };
  });

export type DeliveryQuery = z.output<typeof deliveryQuery>;

/** A delivery id in a path: a malformed one is a 400/905, never an exception. */
export const deliveryIdParameter = z.object({ id: z.string() }).transform((path, ctx) => {
  if (!parseDeliveryId(path.id))
    return issue(ctx, `id: '${path.id}' is not a delivery id (<event uuid>.<binding id>.<action>)`);
  return path.id;
});

export async function listDeliveries(store: Pick<DeliveryStore, 'list'>, query: DeliveryQuery) {
  return (await store.list(query)).map(deliveryView);
}
