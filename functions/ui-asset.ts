import * as z from 'zod';
import { type ConsoleAsset, consoleAssets } from '../ui/assets.ts';
import { consoleSecurityPolicy, readConsoleAsset } from '../ui/serve.ts';
import { routeHandler } from './http/route-handler.ts';

const names = Object.keys(consoleAssets) as [ConsoleAsset, ...ConsoleAsset[]];

export const handler = routeHandler(
  'GET /ui/{file}',
  {
    summary: 'A script or stylesheet of the admin console',
    path: z.object({ file: z.enum(names) }),
    query: z.object({}),
    response: {
      status: 200,
      body: z.string(),
      mediaTypes: [...new Set(Object.values(consoleAssets).map((type) => type.split(';')[0] as string))],
      description: "The admin console's script or stylesheet, built with esbuild from ui/console/.",
    },
  },
  async ({ path }) => ({
    status: 200,
    headers: { 'content-type': consoleAssets[path.file], 'content-security-policy': consoleSecurityPolicy },
    body: await readConsoleAsset(path.file),
  }),
);
