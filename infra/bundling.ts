// How every function is bundled: one esbuild build, run by the stack (the local bundling of each
// function's asset, infra/route-function.ts) and by bench/ (to measure size and cold import).
// Code a function loads with import() (nodemailer, the SES client, re2js) lands in chunks of its
// own under chunks/, read only when first used: one file per function would compile it at every
// cold start.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';

/** Source maps only when asked: a 1–4 MB map read at every cold start costs 10–40 ms there. */
export const sourceMaps = process.env.SOURCE_MAPS === '1';

/** The folder of a bundle holding the code split off its index.mjs. */
export const chunksDir = 'chunks';

/** The esbuild build of functions/`fn`.ts into `outdir` (index.mjs and chunks/). */
export function functionBuild(fn: string, outdir: string, projectRoot: string): BuildOptions {
  return {
    absWorkingDir: projectRoot,
    entryPoints: [`functions/${fn}.ts`],
    bundle: true,
    target: 'node24',
    platform: 'node',
    format: 'esm',
    splitting: true,
    outdir,
    entryNames: 'index',
    chunkNames: `${chunksDir}/[name]-[hash]`,
    outExtension: { '.js': '.mjs' },
    minify: true,
    sourcemap: sourceMaps,
    // The SDK inside the bundle: a faster cold import than the runtime's copy (NOTES.md).
    external: [],
    // Some bundled dependencies are CommonJS and call require(); ESM has none.
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    // ES modules first: the SDK's CommonJS builds cannot be tree-shaken.
    mainFields: ['module', 'main'],
    alias: {
      '@aws-sdk/credential-provider-node': './functions/http/lambda-credentials.ts',
      // node:http without the export facade that loads undici (functions/http/node-http.ts).
      'node:http': './functions/http/node-http.ts',
      http: './functions/http/node-http.ts',
    },
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/** Bundles functions/`fn`.ts into `outdir`, with the files it reads at run time (place in the bundle → source path). */
export function bundleFunction(
  fn: string,
  outdir: string,
  projectRoot: string,
  files: Readonly<Record<string, string>> = {},
): void {
  buildSync(functionBuild(fn, outdir, projectRoot));
  for (const [to, from] of Object.entries(files)) {
    mkdirSync(dirname(join(outdir, to)), { recursive: true });
    copyFileSync(from, join(outdir, to));
  }
}
