import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentPath, renderDocument } from '../../infra/openapi.ts';
import { routes, splitRouteKey } from '../../infra/routes.ts';
import { type Service, startService } from '../helpers/service.ts';

let service: Service;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service.close());

describe('OpenAPI document', () => {
  it('is committed exactly as the code generates it (run `npm run openapi` after a change)', async () => {
    expect(readFileSync(documentPath, 'utf8')).toBe(await renderDocument());
  });

  it('has every route of the table, with its parameters, and the three security schemes', async () => {
    const document = JSON.parse(await renderDocument());
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components.securitySchemes)).toEqual(['bearer', 'privacyidea', 'basic']);
    for (const route of routes) {
      const { method, path } = splitRouteKey(route.key);
      const operation = document.paths[path]?.[method.toLowerCase()];
      expect(operation, route.key).toBeDefined();
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        expect(operation.parameters.some((p: { name: string; in: string }) => p.name === name && p.in === 'path')).toBe(
          true,
        );
      }
      expect(Object.keys(operation.responses).some((status) => status.startsWith('2') || status.startsWith('3'))).toBe(
        true,
      );
      if (route.action === null) expect(operation.security).toEqual([]);
      else expect(operation.responses['401']).toBeDefined();
    }
    const onegini = document.paths['/api/events'].get;
    expect(onegini.parameters.map((p: { name: string }) => p.name)).toEqual(['actor', 'userId', 'limit', 'offset']);
    expect(onegini.responses['400'].content['application/json'].schema.required).toEqual([
      'error_code',
      'error_message',
    ]);
  });

  it('is served at GET /openapi.json without a credential', async () => {
    const answer = await service.call('GET', '/openapi.json', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(JSON.parse(readFileSync(documentPath, 'utf8')));
  });
});
