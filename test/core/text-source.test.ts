/** Streaming a history file: regular files only, UTF-8 across chunks, bounded lines. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { fileChunks, lines, stringChunks } from '../../src/core/text-source.js';

const dir = mkdtempSync(join(tmpdir(), 'fl-test-text-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fileChunks', () => {
  it('decodes UTF-8 split across chunk borders', () => {
    const text = 'é漢字🙂\n'.repeat(50);
    const f = join(dir, 'utf8.txt');
    writeFileSync(f, text);
    for (const chunkBytes of [1, 2, 3, 5, 7]) expect([...fileChunks(f, { chunkBytes })].join('')).toBe(text);
  });

  it('refuses a FIFO without blocking on it, a device and a directory', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // No writer ever opens the FIFO: a blocking open would hang this test.
    expect(() => [...fileChunks(fifo)]).toThrow(new UsageError(`${fifo} is a FIFO, not a regular file: save the history to a file and check that`));
    expect(() => [...fileChunks('/dev/zero')]).toThrow(/^\/dev\/zero is a device, not a regular file/);
    expect(() => [...fileChunks(dir)]).toThrow(/is a directory, not a regular file/);
    expect(() => [...fileChunks(join(dir, 'missing'), { hint: '(is this a run directory?)' })]).toThrow(/^cannot read history .*missing: ENOENT \(is this a run directory\?\)$/);
  });
});

describe('lines', () => {
  it('numbers lines, strips \\r, and marks a last line without its break', () => {
    const out = [...lines(stringChunks('a\r\nbb\n\nccc', 2), 'f')];
    expect(out).toEqual([
      { text: 'a', no: 1, terminated: true },
      { text: 'bb', no: 2, terminated: true },
      { text: '', no: 3, terminated: true },
      { text: 'ccc', no: 4, terminated: false },
    ]);
  });

  it('refuses a line longer than the bound, in one chunk or many, naming it', () => {
    expect(() => [...lines(stringChunks('ok\n' + 'x'.repeat(20), 4), 'h.jsonl', 10)]).toThrow(new UsageError('h.jsonl:2: line longer than 10 characters (expected one op per line: is this a history file?)'));
    expect(() => [...lines(['ok\n' + 'x'.repeat(11) + '\n'], 'h', 10)]).toThrow(/^h:2: line longer than 10/);
    expect([...lines(['x'.repeat(10)], 'h', 10)]).toHaveLength(1);
  });
});
