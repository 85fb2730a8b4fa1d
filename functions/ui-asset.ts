import { consoleAssets } from '../ui/assets.ts';
import { consoleSecurityPolicy, readConsoleAsset } from '../ui/serve.ts';
import { fileRoute } from './http/static-routes.ts';

export const handler = fileRoute('GET /ui/{file}', 'file', consoleAssets, {
  summary: 'A script or stylesheet of the admin console',
  description: "The admin console's script or stylesheet, built with esbuild from ui/console/.",
  securityPolicy: consoleSecurityPolicy,
  read: readConsoleAsset,
});
