// Per-function bundle size and cold import time (target ≤ 60 ms each), bundled by the stack's own
// build (infra/bundling.ts). Each import runs in a fresh node process, as a Lambda cold start does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { functionBuild, sourceMaps } from '../infra/bundling.ts';
import { lambdaFunctions } from '../infra/functions.ts';
import { buildConsole } from '../ui/build.ts';
import { type Cell, median, printTable } from './report.ts';
import { projectRoot } from './service.ts';

// Nine fresh processes: with five, one scheduling hiccup on a shared machine moved a median by 10 ms.
const runs = 9;
/** Issue 14: every function's median cold import. */
const importTargetMs = 60;
/** An earlier issue's bound on a bundle. */
const sizeTargetKb = 450;

// Prints the wall and CPU milliseconds the import of the bundle took, from inside the fresh
// process. CPU time is the steadier figure on a machine shared with other work.
const importer = [
  'const started = performance.now(), cpu = process.cpuUsage();',
  'await import(process.argv[1]);',
  'const used = process.cpuUsage(cpu);',
  'process.stdout.write(JSON.stringify([performance.now() - started, (used.user + used.system) / 1000]));',
].join(' ');

/** Median cold import (wall and CPU ms) of `file`, with the NODE_OPTIONS the stack sets. */
function coldImport(file: string): { wallMs: number; cpuMs: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', importer, pathToFileURL(file).href], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        NODE_OPTIONS: '--enable-source-maps',
        TABLE_NAME: 'bench',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
      },
    });
    if (child.status !== 0) throw new Error(`import of ${file} failed: ${child.stderr.trim().split('\n').at(-1)}`);
    const [wallMs, cpuMs] = JSON.parse(child.stdout) as [number, number];
    wall.push(wallMs);
    cpu.push(cpuMs);
  }
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

/** Bytes a bundle reads at its import (index.mjs and the chunks it imports statically) and on first use. */
function loadedBytes(metafile: Metafile, outdir: string): { atImport: number; onUse: number } {
  const outputs = metafile.outputs;
  const index = Object.keys(outputs).find((path) => relative(outdir, path) === 'index.mjs');
  if (!index) throw new Error(`no index.mjs in ${outdir}`);
  const atImport = new Set<string>();
  const visit = (path: string) => {
    if (atImport.has(path)) return;
    atImport.add(path);
    for (const { path: next, kind } of outputs[path]?.imports ?? [])
      if (kind === 'import-statement' && next in outputs) visit(next);
  };
  visit(index);
  const code = Object.keys(outputs).filter((path) => path.endsWith('.mjs'));
  const size = (paths: string[]) => paths.reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0);
  return { atImport: size([...atImport]), onUse: size(code.filter((path) => !atImport.has(path))) };
}

export async function bundleFigures() {
  // Every deployed function (infra/functions.ts), not the other modules of functions/.
  const entries = [...new Set(lambdaFunctions.map((entry) => entry.fn))].sort();
  const outRoot = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  const rows: Cell[][] = [];
  const figures: { fn: string; kb: number; importMs: number; cpuMs: number }[] = [];
  const mark = (ok: boolean) => (ok ? 'yes' : 'NO');
  try {
    const builds = await Promise.all(
      entries.map((fn) => build({ ...functionBuild(fn, join(outRoot, fn), projectRoot), metafile: true })),
    );
    for (const [i, fn] of entries.entries()) {
      const outdir = join(outRoot, fn);
      const file = join(outdir, 'index.mjs');
      const bytes = loadedBytes(builds[i]?.metafile as Metafile, relative(projectRoot, outdir));
      const kb = bytes.atImport / 1024;
      const onUse: Cell = bytes.onUse > 0 ? bytes.onUse / 1024 : '–';
      const map: Cell[] = sourceMaps ? [existsSync(`${file}.map`) ? statSync(`${file}.map`).size / 1024 : '–'] : [];
      try {
        const { wallMs, cpuMs } = coldImport(file);
        figures.push({ fn, kb, importMs: wallMs, cpuMs });
        rows.push([fn, kb, onUse, ...map, wallMs, cpuMs, mark(wallMs <= importTargetMs), mark(kb <= sizeTargetKb)]);
      } catch (error) {
        console.error((error as Error).message);
        rows.push([fn, kb, onUse, ...map, 'failed', 'failed', 'NO', mark(kb <= sizeTargetKb)]);
      }
    }
  } finally {
    rmSync(outRoot, { recursive: true, force: true });
  }
  printTable(
    `Function bundles (esbuild ${(await import('esbuild')).version}, the build of infra/bundling.ts) and median cold import of ${runs} fresh processes`,
    [
      'function',
      'KB at import',
      'KB on first use',
      ...(sourceMaps ? ['.map KB'] : []),
      'cold import ms',
      'import CPU ms',
      `≤ ${importTargetMs} ms`,
      `≤ ${sizeTargetKb} KB`,
    ],
    rows,
  );
  console.log(
    'KB at import: index.mjs and the chunks it imports statically; KB on first use: the chunks import() loads (mail, the SES client, re2js)',
  );
  console.log(
    `imports run with NODE_OPTIONS=--enable-source-maps, as the stack sets it; source maps ${sourceMaps ? 'on (SOURCE_MAPS=1)' : 'off (SOURCE_MAPS=1 turns them on)'}`,
  );
  const sizes = figures.map((figure) => figure.kb);
  const imports = figures.map((figure) => figure.importMs);
  const over = figures.filter((figure) => figure.importMs > importTargetMs);
  console.log(
    `target: median cold import ≤ ${importTargetMs} ms for every function: ${entries.length - over.length} of ${entries.length} within${over.length > 0 ? `; over: ${over.map((figure) => `${figure.fn} ${figure.importMs.toFixed(0)}`).join(', ')}` : ''}`,
  );
  console.log(
    `median of the functions' cold imports ${median(imports).toFixed(1)} ms (slowest ${Math.max(...imports).toFixed(1)} ms); import CPU median ${median(figures.map((figure) => figure.cpuMs)).toFixed(1)} ms`,
  );
  console.log(
    `bundles ≤ ${sizeTargetKb} KB: ${sizes.filter((kb) => kb <= sizeTargetKb).length} of ${entries.length}; largest ${Math.max(...sizes).toFixed(1)} KB`,
  );
  consoleFigure();
  return figures;
}

/** Issue 15: the admin console (ui/build.ts), every file the browser loads, ≤ 150 KB gzipped. */
function consoleFigure() {
  const files = Object.entries(buildConsole());
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const raw = files.reduce((sum, [, text]) => sum + Buffer.byteLength(text), 0);
  const gzipped = files.reduce((sum, [, text]) => sum + gzipSync(text).length, 0);
  console.log(
    `admin console (${files.map(([name]) => name).join(' + ')}): ${kb(raw)} KB, ${kb(gzipped)} KB gzipped; target ≤ 150 KB gzipped: ${gzipped <= 150 * 1024 ? 'yes' : 'NO'}`,
  );
}
