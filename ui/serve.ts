// The admin console as the ui-page and ui-asset functions serve it: one page, one script, one
// stylesheet, all from this origin. In Lambda the files sit next to the bundle (the stack copies
// them, ui/build.ts); locally they are built in memory on the first request.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledConsoleDir, type ConsoleAsset, consoleAssets } from './assets.ts';

// Relative URLs: the page is /ui/, so `console.js` is /ui/console.js. The page holds no data.
export const consolePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>idp-event-hub console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="console.css">
<script type="module" src="console.js"></script>
</head>
<body>
<ieh-console><p class="boot">Loading the console…</p></ieh-console>
<noscript>The console needs JavaScript.</noscript>
</body>
</html>
`;

/** Only this origin: no inline script or style, no other host, no frames, no forms sent elsewhere. */
export const consoleSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

let files: Record<ConsoleAsset, string> | undefined;

async function consoleFiles(): Promise<Record<ConsoleAsset, string>> {
  if (files) return files;
  // A bundle's import.meta.url is its index.mjs; this source file has no such folder beside it.
  const bundled = fileURLToPath(new URL(`./${bundledConsoleDir}/`, import.meta.url));
  if (existsSync(bundled)) {
    const read = {} as Record<ConsoleAsset, string>;
    for (const name of Object.keys(consoleAssets) as ConsoleAsset[])
      read[name] = readFileSync(join(bundled, name), 'utf8');
    files = read;
  } else {
    // Not a literal: esbuild must not pull the builder (and esbuild itself) into a function bundle.
    const builder = new URL('./build.ts', import.meta.url).href;
    files = ((await import(builder)) as typeof import('./build.ts')).buildConsole();
  }
  return files;
}

export async function readConsoleAsset(name: ConsoleAsset): Promise<string> {
  return (await consoleFiles())[name];
}
