/**
 * Every shape of Jepsen history issue 17 names, each from a small file written for it
 * (test/import/histories/), read as `faultline check --format jepsen-edn` reads it and
 * checked with the model it suits.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../src/checkers/import/check-file.js';
import { formatByName, importHistoryFile } from '../../src/checkers/import/index.js';
import { pairOps } from '../../src/core/history-reader.js';
import type { Op } from '../../src/core/op.js';

const histories = path.join(path.dirname(fileURLToPath(import.meta.url)), 'histories');
const at = (name: string): string => path.join(histories, name);
const edn = formatByName('jepsen-edn');
const read = (name: string): Op[] => importHistoryFile(at(name), edn).ops;
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const check = async (name: string, model: string, format = edn): Promise<number> => (await checkFile({ file: at(name), format, model }, quiet)).exitCode;

describe('jepsen-edn shapes', () => {
  it('a history written as one vector over many lines, with comments and a map over three lines (Knossos)', async () => {
    const ops = read('knossos-vector.edn');
    expect(ops).toHaveLength(8);
    expect(ops[3]).toEqual({ index: 3, type: 'invoke', process: 2, f: 'write', value: 4, time: 3 });
    expect(ops[7]).toMatchObject({ type: 'fail', f: 'cas', value: [4, 1], error: '["temporarily-unavailable",null]' });
    // The read of 3 can never happen: the register held 0 or 4.
    expect(await check('knossos-vector.edn', 'cas-register')).toBe(1);
  });

  it('a history written as one list, with #_ discards of a whole op and inside a map', async () => {
    const ops = read('list-form.edn');
    expect(ops.map((o) => [o.process, o.type, o.f, o.value])).toEqual([
      [0, 'invoke', 'write', 1],
      [0, 'ok', 'write', 1],
      [1, 'invoke', 'read', null],
      [1, 'ok', 'read', 1],
    ]);
    expect(await check('list-form.edn', 'register')).toBe(0);
  });

  it('tagged records (#jepsen.history.Op{…}) and tagged values (#inst, #uuid) as their values', async () => {
    const ops = read('tagged-records.edn');
    expect(ops.map((o) => o.time)).toEqual([10, 20, 30, 40, 50]);
    expect(ops[2]).toMatchObject({ process: 'nemesis', f: 'start', value: '2024-01-02T03:04:05.000-00:00' });
    expect(ops[4]).toMatchObject({ type: 'ok', value: 2, node: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' });
    expect(await check('tagged-records.edn', 'register')).toBe(0);
  });

  it('nemesis :info ops with no invocation are events; the clients are still checked', async () => {
    const ops = read('nemesis-info.edn');
    expect(ops.filter((o) => o.process === 'nemesis').map((o) => [o.type, o.f])).toEqual([
      ['info', 'start-partition'],
      ['info', 'kill'],
      ['info', 'stop-partition'],
    ]);
    const events = pairOps(ops).filter((p) => p.process === 'nemesis');
    expect(events.map((e) => [e.f, e.invoke === e.complete])).toEqual([
      ['start-partition', true],
      ['kill', true],
      ['stop-partition', true],
    ]);
    expect(await check('nemesis-info.edn', 'register')).toBe(0);
  });

  it('completions without :process or :f: each its own process, invoked at the start, a txn by its micro-ops', async () => {
    const ops = read('no-process.edn');
    // Three invocations first (reads not yet filled in), then the three completions.
    expect(ops.map((o) => [o.index, o.type, o.process, o.f, o.time])).toEqual([
      [0, 'invoke', 0, 'txn', 0],
      [1, 'invoke', 1, 'txn', 0],
      [2, 'invoke', 2, 'txn', 0],
      [3, 'ok', 0, 'txn', 0],
      [4, 'ok', 1, 'txn', 1],
      [5, 'ok', 2, 'txn', 2],
    ]);
    expect(ops[1]!.value).toEqual([
      ['r', 'x', null],
      ['append', 'y', 1],
    ]);
    expect(ops[4]!.value).toEqual([
      ['r', 'x', [1]],
      ['append', 'y', 1],
    ]);
    expect(await check('no-process.edn', 'list-append')).toBe(0);
  });

  it('no :f with a value of micro-ops means :txn', () => {
    expect(read('no-f.edn').map((o) => [o.type, o.f])).toEqual([
      ['invoke', 'txn'],
      ['ok', 'txn'],
    ]);
  });

  it('the two-element read [:r k] of an invocation is [:r k nil]', async () => {
    const ops = read('short-reads.edn');
    expect(ops[0]!.value).toEqual([
      ['r', 'x', null],
      ['append', 'x', 1],
    ]);
    expect(ops[2]!.value).toEqual([['r', 'x', null]]);
    expect(await check('short-reads.edn', 'list-append')).toBe(0);
  });

  it('keys and elements that are keywords, strings and numbers', async () => {
    const ops = read('key-kinds.edn');
    expect(ops[0]!.value).toEqual([
      ['r', 'x', null],
      ['r', 'y', null],
      ['append', 7, 'a'],
    ]);
    // Write skew over keys of three kinds: G2-item, so invalid (against serializable, the default).
    expect(await check('key-kinds.edn', 'list-append')).toBe(1);
  });

  it('integers beyond 2^53 stay exact: a read of 2^53 after a write of 2^53 + 1 is not linearizable', async () => {
    expect(read('big-integers.edn')[1]!.value).toBe(9007199254740993n);
    expect(await check('big-integers.edn', 'register')).toBe(1);
    expect(await check('big-integers.jsonl', 'register', formatByName('jsonl'))).toBe(1);
  });

  it('a __proto__ key is data: kept, and nothing reaches Object.prototype', () => {
    const ops = read('proto-keys.edn');
    const a = ops[0]!.value as Record<string, unknown>;
    expect(Object.hasOwn(a, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(a, '__proto__')!.value).toBe(1);
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    const b = ops[2]!.value as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(b, '__proto__')!.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
