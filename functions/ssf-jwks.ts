import * as z from 'zod';
import { jwks } from '../lib/ssf/signing-keys.ts';
import { ssfKeyDeps } from './deps.ts';
import { routeHandler } from './http/route-handler.ts';

export const handler = routeHandler(
  'GET /ssf/jwks.json',
  {
    summary: 'The public keys that sign Security Event Tokens (JWKS)',
    response: {
      status: 200,
      body: z.object({
        keys: z.array(
          z.strictObject({
            kty: z.literal('RSA'),
            n: z.string(),
            e: z.string(),
            kid: z.string(),
            use: z.literal('sig'),
            alg: z.literal('RS256'),
          }),
        ),
      }),
      description: 'The JWK Set: public parts only.',
    },
  },
  // no-store like every answer: receivers that cache keys anyway (jose: 10 min) are covered by
  // SSF_KEY_ACTIVATION_MS (1 h), the time a new key is published before it signs.
  async () => ({ status: 200, body: await jwks(ssfKeyDeps) }),
);
