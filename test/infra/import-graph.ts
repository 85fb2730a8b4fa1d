// The import graph of the source files: relative imports of every kind, and its cycles.
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import ts from 'typescript';

/** Each file (relative to the repository, `/`-separated) and the files it imports. */
export type ImportGraph = ReadonlyMap<string, ReadonlySet<string>>;

/** The folders whose files make the graph. */
export const sourceFolders = ['lib', 'functions', 'infra', 'ui'] as const;

/** Every `.ts` file under the folders (declaration files left out), relative to `root`. */
export function sourceFiles(root: string, folders: readonly string[] = sourceFolders): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(posix.join(root, folder), { withFileTypes: true })) {
      const path = posix.join(folder, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && path.endsWith('.ts') && !path.endsWith('.d.ts')) files.push(path);
    }
  };
  for (const folder of folders) walk(folder);
  return files.sort();
}

/**
 * What a source text imports: `import` and `import type`, `export … from`, `import()` calls and
 * `typeof import()` types. TypeScript's own scanner reads it, so comments and strings are no imports.
 */
export const importSpecifiers = (text: string): string[] =>
  ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);

/** The graph of relative imports among `files`; a specifier naming no file of the set is left out. */
export function importGraph(root: string, files: readonly string[]): ImportGraph {
  const known = new Set(files);
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const imported = new Set<string>();
    for (const specifier of importSpecifiers(readFileSync(posix.join(root, file), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const base = posix.join(posix.dirname(file), specifier);
      const target = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, posix.join(base, 'index.ts')].find((path) =>
        known.has(path),
      );
      if (target !== undefined) imported.add(target);
    }
    graph.set(file, imported);
  }
  return graph;
}

/** The cycles: each strongly connected component of more than one file, or a file importing itself. */
export function importCycles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file) as number);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) as number, index.get(next) as number));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.has(file)) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

/** Every file `from` reaches through its imports, each with one chain of imports leading to it. */
export function reachable(graph: ImportGraph, from: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[from, [from]]]);
  const queue = [from];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const next of graph.get(file) ?? []) {
      if (chains.has(next)) continue;
      chains.set(next, [...(chains.get(file) as string[]), next]);
      queue.push(next);
    }
  }
  chains.delete(from);
  return chains;
}
