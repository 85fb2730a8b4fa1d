import * as z from 'zod';
import { jwks, jwksMaxAgeSeconds } from '../lib/ssf/signing-keys.ts';
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
      headers: {
        'cache-control': `public, max-age=${jwksMaxAgeSeconds}: a new key is published an hour before it signs`,
      },
    },
  },
  async () => ({
    status: 200,
    headers: { 'cache-control': `public, max-age=${jwksMaxAgeSeconds}` },
    body: await jwks(ssfKeyDeps),
  }),
);
