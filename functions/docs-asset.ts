import * as z from 'zod';
import { type DocsAsset, docsAssets, readDocsAsset } from './http/docs.ts';
import { routeHandler } from './http/route-handler.ts';

const names = Object.keys(docsAssets) as [DocsAsset, ...DocsAsset[]];

export const handler = routeHandler(
  'GET /docs/{asset}',
  {
    summary: 'A script or stylesheet of the API reference page',
    path: z.object({ asset: z.enum(names) }),
    query: z.object({}),
    response: {
      status: 200,
      body: z.string(),
      mediaTypes: [...new Set(Object.values(docsAssets).map((type) => type.split(';')[0] as string))],
      description: 'A swagger-ui file from the installed swagger-ui-dist package.',
    },
  },
  ({ path }) => ({
    status: 200,
    headers: { 'content-type': docsAssets[path.asset] },
    body: readDocsAsset(path.asset),
  }),
);
