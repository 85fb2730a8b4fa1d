// The docs page: swagger-ui from the installed swagger-ui-dist package, never a CDN (the
// service runs offline). In Lambda the stack copies the files next to the bundle
// (`bundledDocsFiles`); locally they are read from node_modules.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The only swagger-ui-dist files served, with their content types. */
export const docsAssets = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

export type DocsAsset = keyof typeof docsAssets;

/** Where the files sit inside a Lambda bundle, next to index.mjs. */
export const bundledDocsDir = 'swagger-ui';

/** For the stack: each file's place in the bundle and where to copy it from. */
export function bundledDocsFiles(): Record<string, string> {
  const packageDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return Object.fromEntries(
    Object.keys(docsAssets).map((name) => [`${bundledDocsDir}/${name}`, join(packageDir, name)]),
  );
}

function assetsDir(): string {
  // A bundle's import.meta.url is its index.mjs; this source file has no such folder beside it.
  const bundled = fileURLToPath(new URL(`./${bundledDocsDir}/`, import.meta.url));
  if (existsSync(bundled)) return bundled;
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

const cache = new Map<DocsAsset, string>();

export function readDocsAsset(name: DocsAsset): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(assetsDir(), name), 'utf8');
    cache.set(name, text);
  }
  return text;
}

// Relative URLs: the page is `/docs`, so `docs/x` is `/docs/x` and the document `/openapi.json`.
// No validator badge: swagger-ui would fetch it from validator.swagger.io.
const init = `SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null });`;

export const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>idp-event-hub API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script>${init}</script>
</body>
</html>
`;

const initHash = createHash('sha256').update(init).digest('base64');

/** Only this origin, and of inline script only the initializer above (by its hash). */
export const docsSecurityPolicy = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${initHash}'`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
