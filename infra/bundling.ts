// How every function is bundled: one set of options for the CDK (NodejsFunction) and for
// bench/ (which bundles with esbuild directly to measure size and cold import).
import type { BuildOptions } from 'esbuild';

/** Source maps only when asked: a 1–4 MB map read at every cold start costs 10–40 ms there. */
export const sourceMaps = process.env.SOURCE_MAPS === '1';

export const functionBundling = {
  format: 'esm',
  target: 'node24',
  minify: true,
  sourceMap: sourceMaps,
  // The SDK inside the bundle: a faster cold import than the runtime's copy (NOTES.md).
  externalModules: [] as string[],
  // Some bundled dependencies are CommonJS and call require(); ESM has none.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  // ES modules first: the SDK's CommonJS builds cannot be tree-shaken.
  mainFields: ['module', 'main'],
  esbuildArgs: {
    '--alias:@aws-sdk/credential-provider-node': './functions/http/lambda-credentials.ts',
    // node:http without the export facade that loads undici (functions/http/node-http.ts).
    '--alias:node:http': './functions/http/node-http.ts',
    '--alias:http': './functions/http/node-http.ts',
    '--legal-comments': 'none',
  },
} as const;

/**
 * The esbuild build that NodejsFunction runs for `entry` with `functionBundling` (its CLI
 * call `esbuild --bundle <entry> --target --platform=node --format --outfile=index.mjs
 * --minify --sourcemap --banner:js --main-fields` plus esbuildArgs, cwd = project root).
 */
export function esbuildOptions(entry: string, outdir: string, projectRoot: string): BuildOptions {
  const aliasPrefix = '--alias:';
  const alias: Record<string, string> = {};
  for (const [flag, value] of Object.entries(functionBundling.esbuildArgs)) {
    if (flag.startsWith(aliasPrefix)) alias[flag.slice(aliasPrefix.length)] = value;
  }
  return {
    absWorkingDir: projectRoot,
    entryPoints: [entry],
    bundle: true,
    target: functionBundling.target,
    platform: 'node',
    format: functionBundling.format,
    outfile: `${outdir}/index.mjs`,
    minify: functionBundling.minify,
    sourcemap: functionBundling.sourceMap,
    external: [...functionBundling.externalModules],
    banner: { js: functionBundling.banner },
    mainFields: [...functionBundling.mainFields],
    alias,
    legalComments: functionBundling.esbuildArgs['--legal-comments'],
    logLevel: 'warning',
  };
}
