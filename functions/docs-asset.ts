import { docsAssets, readDocsAsset } from './http/docs.ts';
import { fileRoute } from './http/static-routes.ts';

export const handler = fileRoute('GET /docs/{asset}', 'asset', docsAssets, {
  summary: 'A script or stylesheet of the API reference page',
  description: 'A swagger-ui file from the installed swagger-ui-dist package.',
  read: readDocsAsset,
});
