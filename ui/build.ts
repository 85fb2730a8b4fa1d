// Builds the admin console (ui/console/, TypeScript and Lit) with esbuild into one script and
// one stylesheet for the browser. The stack bundles the output next to the ui-asset function
// (`bundledConsoleFiles`); locally ui/serve.ts builds it in memory on the first request.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, buildSync } from 'esbuild';
import { bundledConsoleDir, type ConsoleAsset, consoleAssets } from './assets.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** One entry; its CSS import becomes console.css beside console.js. */
export function consoleBuildOptions(outdir: string): BuildOptions {
  return {
    absWorkingDir: projectRoot,
    entryPoints: { console: 'ui/console/main.ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    outdir,
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/** The console's files as text, built in memory. */
export function buildConsole(): Record<ConsoleAsset, string> {
  const result = buildSync({ ...consoleBuildOptions('/console'), write: false });
  const files = {} as Record<ConsoleAsset, string>;
  for (const name of Object.keys(consoleAssets) as ConsoleAsset[]) {
    const file = result.outputFiles.find((output) => output.path === `/console/${name}`);
    if (!file) throw new Error(`the console build wrote no ${name}`);
    files[name] = file.text;
  }
  return files;
}

let built: string | undefined;

/** For the stack: the console built once per process into a fresh folder, each file's place in the bundle and its path. */
export function bundledConsoleFiles(): Record<string, string> {
  const outdir = built ?? mkdtempSync(join(tmpdir(), 'idp-event-hub-console-'));
  if (!built) {
    buildSync(consoleBuildOptions(outdir));
    built = outdir;
  }
  return Object.fromEntries(
    Object.keys(consoleAssets).map((name) => [`${bundledConsoleDir}/${name}`, join(outdir, name)]),
  );
}
