import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventActions } from '../../lib/events/actions.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

describe('GET /events/events/actions/', () => {
  it('answers one entry per action, in the seed’s order', async () => {
    const answer = await service.call('GET', '/events/events/actions/');
    expect(answer.status).toBe(200);
    expect(answer.body.map((entry: { component: string }) => entry.component)).toEqual([...eventActions]);
    expect(answer.body[0].component).toBe('login');
    expect(answer.body.at(-1).component).toBe('custom_');
    for (const entry of answer.body) {
      expect(Object.keys(entry)).toEqual(['name', 'description', 'component', 'model_name']);
      expect(entry.description).toBe('');
      expect(entry.model_name).toBe('');
    }
  });

  it.each([
    { name: 'Login', description: '', component: 'login', model_name: '' },
    { name: 'Login Failed', description: '', component: 'login_failed', model_name: '' },
    { name: 'Model Created', description: '', component: 'model_created', model_name: '' },
    { name: 'Authorize Application', description: '', component: 'authorize_application', model_name: '' },
    { name: 'Property Mapping Exception', description: '', component: 'property_mapping_exception', model_name: '' },
    { name: 'Update Available', description: '', component: 'update_available', model_name: '' },
    { name: 'Custom Prefix', description: '', component: 'custom_', model_name: '' },
  ])('has $component as $name', async (entry) => {
    const answer = await service.call('GET', '/events/events/actions/');
    expect(answer.body).toContainEqual(entry);
  });

  it('is a plain list, not a page, and ignores query parameters', async () => {
    const plain = await service.call('GET', '/events/events/actions/');
    expect(Array.isArray(plain.body)).toBe(true);
    const paged = await service.call('GET', '/events/events/actions/?page=2&page_size=1');
    expect(paged.status).toBe(200);
    expect(paged.body).toEqual(plain.body);
  });
});
