/** A Dockerfile's build context: what `.dockerignore` keeps out, and when the hash moves. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ignoreMatcher, readBuildContext } from '../../src/cluster/images/context.js';

const dirs: string[] = [];
function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fl-ctx-test-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('.dockerignore', () => {
  it('matches within a segment, across segments, directories, and lets the last rule decide', () => {
    const ignored = ignoreMatcher('# comment\nnode_modules\n*.log\n**/*.tmp\n/build/\n*\n!src\n!server.py\nsrc/secret\n');
    expect(ignored('node_modules/x/index.js')).toBe(true);
    expect(ignored('server.py')).toBe(false);
    expect(ignored('src/app.py')).toBe(false);
    expect(ignored('src/secret')).toBe(true);
    expect(ignored('client.py')).toBe(true);
    expect(ignoreMatcher('**/*.tmp')('a/b/c.tmp')).toBe(true);
    expect(ignoreMatcher('**/*.tmp')('c.tmp')).toBe(true);
    expect(ignoreMatcher('*.log')('logs/a.log')).toBe(false);
    expect(ignoreMatcher('build/')('build/out.js')).toBe(true);
    expect(ignoreMatcher('a?c')('abc')).toBe(true);
    expect(ignoreMatcher('a?c')('a/c')).toBe(false);
  });
});

describe('build context', () => {
  it('lists the kept files, always with the Dockerfile and .dockerignore', () => {
    const dir = context({ Dockerfile: 'FROM x\n', '.dockerignore': '*\n!server.py\n', 'server.py': 'print(1)\n', 'client.py': '', 'sub/a.txt': '' });
    expect(readBuildContext(dir).files).toEqual(['.dockerignore', 'Dockerfile', 'server.py']);
  });

  it('hashes what goes in: a kept file changes it, an ignored one does not', () => {
    const dir = context({ Dockerfile: 'FROM x\n', '.dockerignore': 'notes.md\n', 'server.py': 'print(1)\n', 'notes.md': 'a' });
    const first = readBuildContext(dir).hash;
    writeFileSync(join(dir, 'notes.md'), 'b');
    expect(readBuildContext(dir).hash).toBe(first);
    writeFileSync(join(dir, 'server.py'), 'print(2)\n');
    expect(readBuildContext(dir).hash).not.toBe(first);
  });

  it('names a missing Dockerfile or directory in one line', () => {
    const dir = context({ 'server.py': '' });
    expect(() => readBuildContext(dir)).toThrow(/^no Dockerfile in .*: write one, or name it with service\.docker\.build\.dockerfile$/);
    expect(() => readBuildContext(join(dir, 'nope'))).toThrow(/is not a directory/);
  });
});
