/**
 * Every export of src/ is imported somewhere (src, workloads, tests, benchmarks, examples,
 * bin), or is the package's public API (what src/index.ts and src/vitest.ts export, and
 * the namespaces they export whole). An export nothing imports is dead code, or a name
 * that should not be exported; either way it goes.
 *
 * A scan of the source text, not the compiler (TypeScript 7 has no JavaScript API):
 * declarations with `export`, `export { … }` lists and re-exports; imports, re-exports
 * and dynamic imports with a relative path. A namespace import (`import * as`), `export *`
 * or a dynamic import counts as using every export of its module.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

/** The package's entry points (package.json "exports"): all they export is public. */
const PUBLIC_ENTRIES = ['src/index.ts', 'src/vitest.ts'];

function sources(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    if (f === 'node_modules' || f === 'dist') return [];
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p, ext);
    return ext.test(p) && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Comments out, so a commented-out import or an example in a doc comment does not count. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** The local names an `{ a, b as c, type d }` list exports (the names after `as`). */
function exportedNames(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim().replace(/^type\s+/, ''))
    .filter((s) => s !== '')
    .map((s) => s.split(/\s+as\s+/).pop()!.trim());
}

/** The names an import list takes from its module (the names before `as`). */
function importedNames(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim().replace(/^type\s+/, ''))
    .filter((s) => s !== '')
    .map((s) => s.split(/\s+as\s+/)[0]!.trim());
}

/** A relative specifier as the source file it names (compiled paths under dist/ map back to src). */
function target(from: string, spec: string): string {
  let p = resolve(dirname(from), spec);
  const dist = join(repoRoot, 'dist') + '/';
  if (p.startsWith(dist)) p = join(repoRoot, p.slice(dist.length));
  return p.replace(/\.js$/, '.ts');
}

/** Exported names of a src file; `export *` is left out (its module's names stay its own). */
function exportsOf(file: string): string[] {
  const text = code(file);
  const names: string[] = [];
  for (const m of text.matchAll(/^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm)) names.push(m[1]!);
  for (const m of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) names.push(...exportedNames(m[1]!));
  return [...new Set(names)];
}

interface Uses {
  /** file -> names imported from it */
  names: Map<string, Set<string>>;
  /** files whose every export counts as used */
  whole: Set<string>;
}

function usesIn(files: readonly string[]): Uses {
  const names = new Map<string, Set<string>>();
  const whole = new Set<string>();
  const use = (file: string, ns: readonly string[]) => {
    const set = names.get(file) ?? new Set<string>();
    for (const n of ns) set.add(n);
    names.set(file, set);
  };
  for (const file of files) {
    const text = code(file);
    // import a, { b as c, type d } from '…'   and   export { a, b as c } from '…'
    for (const m of text.matchAll(/(?:^|[\n;])\s*(import|export)\s+(?:type\s+)?(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:\{([^}]*)\})?\s*from\s*'(\.{1,2}\/[^']+)'/g)) {
      const [, kind, def, list, spec] = m;
      const t = target(file, spec!);
      if (list !== undefined) use(t, importedNames(list));
      if (def !== undefined && kind === 'import') use(t, ['default']);
    }
    // import * as ns from '…'   export * from '…'   export * as ns from '…'   import('…')
    for (const m of text.matchAll(/(?:import\s+(?:type\s+)?\*\s+as\s+[\w$]+\s+from|export\s+\*(?:\s+as\s+[\w$]+)?\s+from|import\()\s*'(\.{1,2}\/[^']+)'/g)) whole.add(target(file, m[1]!));
  }
  return { names, whole };
}

const srcFiles = sources(join(repoRoot, 'src'), /\.ts$/);
const readers = [
  ...srcFiles,
  ...['workloads', 'test', 'bench', 'examples'].flatMap((d) => sources(join(repoRoot, d), /\.(ts|js|mjs)$/)),
  ...sources(join(repoRoot, 'bin'), /\.(js|mjs)$/),
];

function unusedExports(): string[] {
  const uses = usesIn(readers);
  const publicFiles = new Set(PUBLIC_ENTRIES.map((f) => join(repoRoot, f)));
  return srcFiles
    .filter((f) => !publicFiles.has(f) && !uses.whole.has(f))
    .flatMap((f) => exportsOf(f).filter((n) => !uses.names.get(f)?.has(n)).map((n) => `${relative(repoRoot, f)}: ${n}`));
}

describe('exports', () => {
  it('reads exports and imports the way it should (the check can fail)', () => {
    const outcome = join(repoRoot, 'src/clients/outcome.ts');
    expect(exportsOf(outcome)).toEqual(expect.arrayContaining(['ERRORS', 'outcome', 'failure', 'notSent', 'unknownOp', 'requestFailure', 'httpFailure']));
    const uses = usesIn(readers);
    expect([...(uses.names.get(outcome) ?? [])]).toEqual(expect.arrayContaining(['httpFailure', 'notSent']));
    // Without the one file that imports it, `outcome` counts as unused.
    const without = usesIn(readers.filter((f) => !f.endsWith(join('test', 'clients', 'outcome.test.ts'))));
    expect(without.names.get(outcome)?.has('outcome') ?? false).toBe(false);
    // A name only the file itself uses is not an import.
    expect(exportedNames('a, b as c, type d')).toEqual(['a', 'c', 'd']);
    expect(importedNames('a, b as c, type d')).toEqual(['a', 'b', 'd']);
  });

  it('every export of src/ is imported somewhere or is public API', () => {
    expect(unusedExports()).toEqual([]);
  });
});
