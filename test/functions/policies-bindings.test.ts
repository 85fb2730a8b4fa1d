import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
const base = '/policies/event_matcher/';

beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

async function policy(name: string) {
  const answer = await service.call('POST', base, { json: { name, action: 'login_failed' } });
  expect(answer.status).toBe(201);
  return answer.body.pk as string;
}

async function binding(name: string, matcherPolicy: string) {
  const answer = await service.call('POST', '/event', {
    json: {
      name,
      event: 'login_failed',
      handlermodule: 'Logging',
      action: 'logging',
      conditions: { matcher_policy: matcherPolicy },
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.result.value as number;
}

const read = async (uuid: string) => (await service.call('GET', `${base}${uuid}/`)).body;
const usedBy = async (uuid: string) => {
  const answer = await service.call('GET', `${base}${uuid}/used_by/`);
  expect(answer.status).toBe(200);
  return answer.body;
};

describe('bound_to and used_by', () => {
  it('count and name the bindings whose matcher_policy condition names the policy', async () => {
    const first = await policy('first');
    const second = await policy('second');
    const one = await binding('one', first);
    const both = await binding('both', `${second}, ${first.toUpperCase()}`);
    expect((await read(first)).bound_to).toBe(2);
    expect((await read(second)).bound_to).toBe(1);
    expect(await usedBy(first)).toEqual([
      { app: 'idp_event_hub', model_name: 'eventhandler', pk: String(one), name: 'one', action: 'cascade_many' },
      { app: 'idp_event_hub', model_name: 'eventhandler', pk: String(both), name: 'both', action: 'cascade_many' },
    ]);
    const listed = (await service.call('GET', `${base}?search=first`)).body.results;
    expect(listed.map((p: { bound_to: number }) => p.bound_to)).toEqual([2]);
  });

  it('follow binding changes: a binding no longer naming the policy is no longer counted', async () => {
    const uuid = await policy('followed');
    const id = await binding('follower', uuid);
    expect((await read(uuid)).bound_to).toBe(1);
    const patched = await service.call('PATCH', `/event/${id}`, {
      json: { conditions: { matcher_policy: null, app: 'x' } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((await read(uuid)).bound_to).toBe(0);
    expect(await usedBy(uuid)).toEqual([]);
  });

  it('an unused policy: 0 and []', async () => {
    const uuid = await policy('unused');
    expect((await read(uuid)).bound_to).toBe(0);
    expect(await usedBy(uuid)).toEqual([]);
  });
});

describe('deleting a bound policy', () => {
  it('answers 400 naming the bindings and deletes nothing', async () => {
    const uuid = await policy('bound');
    const id = await binding('keeps it', uuid);
    const before = await service.digest();
    const answer = await service.call('DELETE', `${base}${uuid}/`);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      non_field_errors: [
        `This policy is used by binding ${id} ("keeps it"); remove it from their matcher_policy conditions first.`,
      ],
    });
    expect(await service.digest()).toBe(before);
    expect((await read(uuid)).name).toBe('bound');
  });

  it('a binding the index does not show yet still blocks it: the link count on the policy is exact', async () => {
    const uuid = await policy('counted');
    // What a binding write commits on the policy item in its own transaction.
    const { policyLinkChanges } = await import('../../lib/store/matcher-policies.ts');
    const { documents } = await import('../../lib/store/client.ts');
    const { TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
    await documents.send(new TransactWriteCommand({ TransactItems: policyLinkChanges([], [uuid]) }));
    const before = await service.digest();
    const answer = await service.call('DELETE', `${base}${uuid}/`);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      non_field_errors: [
        "This policy is used by a binding; remove it from the binding's matcher_policy condition first.",
      ],
    });
    expect(await service.digest()).toBe(before);
  });

  it('binding writes keep the link count on the policy in step', async () => {
    const { matcherPolicyStore } = await import('../../lib/store/matcher-policies.ts');
    const uuid = await policy('linked');
    const other = await policy('linked elsewhere');
    const id = await binding('links', uuid);
    expect(await matcherPolicyStore.linkCount(uuid)).toBe(1);
    const moved = await service.call('PATCH', `/event/${id}`, { json: { conditions: { matcher_policy: other } } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect([await matcherPolicyStore.linkCount(uuid), await matcherPolicyStore.linkCount(other)]).toEqual([0, 1]);
    expect((await service.call('DELETE', `/event/${id}`)).status).toBe(200);
    expect(await matcherPolicyStore.linkCount(other)).toBe(0);
  });

  it('succeeds once the binding is deleted', async () => {
    const uuid = await policy('released');
    const id = await binding('goes away', uuid);
    expect((await service.call('DELETE', `${base}${uuid}/`)).status).toBe(400);
    expect((await service.call('DELETE', `/event/${id}`)).status).toBe(200);
    expect((await service.call('DELETE', `${base}${uuid}/`)).status).toBe(204);
  });

  it('a binding cannot name a deleted policy', async () => {
    const uuid = await policy('gone');
    expect((await service.call('DELETE', `${base}${uuid}/`)).status).toBe(204);
    const answer = await service.call('POST', '/event', {
      json: {
        name: 'late',
        event: 'login',
        handlermodule: 'Logging',
        action: 'logging',
        conditions: { matcher_policy: uuid },
      },
    });
    expect(answer.status).toBe(400);
  });
});
