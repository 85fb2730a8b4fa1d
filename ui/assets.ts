// The console's files: their names and content types, and where they sit in a Lambda bundle.

/** The only files served under /ui/, with their content types. */
export const consoleAssets = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
} as const;

export type ConsoleAsset = keyof typeof consoleAssets;

/** Where the files sit inside a Lambda bundle, next to index.mjs. */
export const bundledConsoleDir = 'console-files';
