// The imports of lib/, functions/, infra/ and ui/ against docs/architecture.md: no cycle, each
// import allowed by the page's layer table, the records leaves, the diagram naming the same layers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, importSpecifiers, reachable, sourceFiles } from './import-graph.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const page = readFileSync(`${root}docs/architecture.md`, 'utf8');

interface Layer {
  name: string;
  /** Files, and folders (ending in `/`). */
  paths: string[];
  mayImport: string[];
}

/** The rows of the page's table `| layer | paths | may import | why |`. */
function layerTable(markdown: string): Layer[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((line) => /^\|\s*layer\s*\|\s*paths\s*\|\s*may import\s*\|\s*why\s*\|$/.test(line));
  if (header < 0) throw new Error('docs/architecture.md has no table | layer | paths | may import | why |');
  const rows = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').map((cell) => cell.trim()));
  }
  return rows.map(([, name = '', paths = '', mayImport = '']) => ({
    name,
    paths: [...paths.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string),
    mayImport: mayImport.split(',').map((layer) => layer.trim()),
  }));
}

/** The titles of the subgraphs of the page's Mermaid diagram. */
function diagramLayers(markdown: string): string[] {
  const diagram = /```mermaid\n([\s\S]*?)```/.exec(markdown)?.[1] ?? '';
  return [...diagram.matchAll(/^\s*subgraph\s+\S+\s*\[([^\]]+)\]/gm)].map((match) => (match[1] as string).trim());
}

const layers = layerTable(page);
const files = sourceFiles(root);
const graph = importGraph(root, files);

/** The layer of the most specific row naming the file: the file itself, else the longest folder. */
function layerOf(file: string): Layer | undefined {
  let found: { layer: Layer; length: number } | undefined;
  for (const layer of layers) {
    for (const path of layer.paths) {
      const names = path.endsWith('/') ? file.startsWith(path) : file === path;
      if (names && path.length > (found?.length ?? -1)) found = { layer, length: path.length };
    }
  }
  return found?.layer;
}

// The basic nouns of issue 24: nothing of a use case may come with them.
const records = [
  'lib/events/event.ts',
  'lib/bindings/binding.ts',
  'lib/matchers/policy.ts',
  'lib/dispatch/delivery.ts',
  'lib/connectors/connector.ts',
  'lib/rules/rule.ts',
  'lib/ssf/stream.ts',
];

describe('the import graph', () => {
  it('reads every kind of import, and no comment or string', () => {
    const text = [
      "import type { A } from './a.ts';",
      "import b, { c } from './b.ts';",
      "export * from './d.ts';",
      "export type { E } from './e.ts';",
      "type F = typeof import('./f.ts');",
      "const g = () => import('./g.ts');",
      "// import './comment.ts';",
      "const text = `import h from './string.ts'`;",
      "import * as z from 'zod';",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['./a.ts', './b.ts', './d.ts', './e.ts', './f.ts', './g.ts', 'zod']);
  });

  it('finds a cycle, however long, and a file importing itself', () => {
    const knot = new Map([
      ['a.ts', new Set(['b.ts'])],
      ['b.ts', new Set(['c.ts'])],
      ['c.ts', new Set(['a.ts', 'd.ts'])],
      ['d.ts', new Set<string>()],
      ['e.ts', new Set(['e.ts', 'a.ts'])],
    ]);
    expect(importCycles(knot)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
    expect(reachable(knot, 'a.ts').get('d.ts')).toEqual(['a.ts', 'b.ts', 'c.ts', 'd.ts']);
  });

  it('holds every source file of lib/, functions/, infra/ and ui/', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(graph.get('lib/store/events.ts')).toContain('lib/events/event-store.ts');
  });

  it('has no import cycle', () => {
    expect(importCycles(graph).map((cycle) => `a cycle of ${cycle.length} files: ${cycle.join(', ')}`)).toEqual([]);
  });
});

describe('the layers of docs/architecture.md', () => {
  it('are the subgraphs of its diagram, and each "may import" names one of them', () => {
    const names = layers.map((layer) => layer.name);
    expect(names.length).toBeGreaterThan(1);
    expect(new Set(names).size).toBe(names.length);
    expect(diagramLayers(page).sort()).toEqual([...names].sort());
    for (const layer of layers) expect(names).toEqual(expect.arrayContaining(layer.mayImport));
  });

  it('place every source file in a layer', () => {
    expect(files.filter((file) => layerOf(file) === undefined)).toEqual([]);
  });

  it('name files that exist', () => {
    const named = layers.flatMap((layer) => layer.paths.filter((path) => !path.endsWith('/')));
    expect(named.filter((path) => !graph.has(path))).toEqual([]);
  });

  it('hold every import: a layer imports only what its row allows', () => {
    const refused = [];
    for (const [file, imported] of graph) {
      const from = layerOf(file) as Layer;
      for (const target of imported) {
        const to = layerOf(target) as Layer;
        if (!from.mayImport.includes(to.name)) refused.push(`${file} (${from.name}) imports ${target} (${to.name})`);
      }
    }
    expect(refused).toEqual([]);
  });
});

describe('the records', () => {
  const useCases = new Set(layers.find((layer) => layer.name === 'use cases')?.paths);

  it('are the records layer, beside a use cases layer', () => {
    expect(layers.find((layer) => layer.name === 'records')?.paths.sort()).toEqual([...records].sort());
    expect(useCases.size).toBeGreaterThan(0);
  });

  it.each(records)('%s imports no use case, directly or through another file', (record) => {
    const chains = [...reachable(graph, record)].filter(([file]) => useCases.has(file));
    expect(chains.map(([, chain]) => chain.join(' → '))).toEqual([]);
  });
});
