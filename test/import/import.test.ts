/** Importers of other tools' histories, and `faultline check --format ... FILE`. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFile } from '../../src/checkers/import/check-file.js';
import { formatByName, formatForFile, formats, importHistory, importHistoryFile } from '../../src/checkers/import/index.js';
import { UsageError } from '../../src/core/errors.js';
import type { Op } from '../../src/core/op.js';
import { stringChunks } from '../../src/core/text-source.js';

const dataDir = path.resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/data/porcupine');
const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
};
/** Collects what checkFile prints. */
const sink = (): { stream: NodeJS.WritableStream; text: () => string } => {
  let s = '';
  return { stream: { write: (c: string) => ((s += c), true) } as unknown as NodeJS.WritableStream, text: () => s };
};

/** Imports `text` as jepsen-edn (read in small chunks, so ops straddle chunk borders). */
const importEdn = (text: string, name = 'h.edn'): Op[] => importHistory(stringChunks(text, 7), name, formatByName('jepsen-edn')).ops;

describe('jepsen-edn importer', () => {
  it('turns op maps into ops: keywords to strings, vectors to arrays, :nemesis kept apart', () => {
    const ops = importEdn(
      [
        '{:process 0, :type :invoke, :f :write, :value [k1 3], :time 10}',
        '',
        '{:process :nemesis, :type :info, :f :start, :value nil}',
        '{:process 0, :type :info, :f :write, :value [k1 3], :error :timed-out}',
      ].join('\n'),
    );
    expect(ops).toEqual([
      { index: 0, type: 'invoke', process: 0, f: 'write', value: ['k1', 3], time: 10 },
      { index: 1, type: 'info', process: 'nemesis', f: 'start', value: null, time: 1 },
      { index: 2, type: 'info', process: 0, f: 'write', value: ['k1', 3], time: 2, error: 'timed-out' },
    ]);
  });

  it('accepts a history printed as one vector of maps', () => {
    const ops = importEdn('[{:process 0, :type :invoke, :f :read, :value nil}\n {:process 0, :type :ok, :f :read, :value 1}]');
    expect(ops.map((o) => o.type)).toEqual(['invoke', 'ok']);
  });

  it('names file, line and what was expected, on one line', () => {
    const bad = (text: string): string => {
      try {
        importEdn(text);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    const ok = '{:process 0, :type :invoke, :f :read, :value nil}';
    expect(bad(`${ok}\n{:process 0, :type :ok`)).toBe('h.edn:2: expected } to close the map opened on line 2, got the end of the file');
    expect(bad(`${ok}\n\n{:process "p", :type :ok, :f :read}`)).toBe('h.edn:3: expected :process to be an integer or :nemesis');
    expect(bad('{:process 1, :type :done, :f :read}')).toBe('h.edn:1: expected :type to be :invoke, :ok, :fail or :info');
    expect(bad('{:process 1, :type :ok, :value 3}')).toMatch(/^h\.edn:1: expected :f to be a keyword or string \(or no :f and a :value of micro-ops/);
    expect(bad('{:process 1, :type :ok, :f :read, :time "noon"}')).toBe('h.edn:1: expected :time to be a number (nanoseconds)');
    expect(bad('[[1 2]]')).toBe('h.edn:1: expected an op map {:process …, :type …, :f …, :value …}');
    expect(bad('{:type :invoke, :f :read}')).toBe('h.edn:1: expected a :process on an :invoke (it pairs the invocation with its completion)');
    expect(bad(`{:process 1, :type :bad, :f :read, :value "${'x'.repeat(200)}"}`)).toMatch(/^[^\n]{1,200}$/);
  });
});

describe('importing a file', () => {
  it('picks the format from the extension or asks for --format', () => {
    expect(formatForFile('a/history.jsonl').name).toBe('jsonl');
    expect(formatForFile('x.edn').name).toBe('jepsen-edn');
    expect(() => formatForFile('x.txt')).toThrow(/pass --format jsonl\|jepsen-edn\|porcupine-etcd\|porcupine-kv/);
    expect(() => formatByName('csv')).toThrow(UsageError);
    // Names are looked up in a Map: Object.prototype's names are no formats.
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) expect(() => formatByName(name)).toThrow(`unknown --format "${name}"`);
    expect([...formats.keys()]).toEqual(['jsonl', 'jepsen-edn', 'porcupine-etcd', 'porcupine-kv']);
  });

  it('refuses a history whose invocations and completions do not pair up, naming the line', () => {
    const f = file('pairs.edn', '{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :invoke, :f :read, :value nil}\n');
    expect(() => importHistoryFile(f, formatByName('jepsen-edn'))).toThrow(/pairs\.edn:2: process 0 invokes read while its read from line 1 has not completed/);
    const g = file('orphan.edn', '{:process 3, :type :ok, :f :read, :value 1}\n');
    expect(() => importHistoryFile(g, formatByName('jepsen-edn'))).toThrow(/orphan\.edn:1: ok read of process 3 completes nothing/);
    const e = file('empty.edn', '\n');
    expect(() => importHistoryFile(e, formatByName('jepsen-edn'))).toThrow(/no ops found/);
    const other = file('other.edn', '{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :write, :value 1}\n');
    expect(() => importHistoryFile(other, formatByName('jepsen-edn'))).toThrow(/other\.edn:2: ok write of process 0 completes its read from line 1/);
  });

  it('porcupine formats name file and line of a bad line', () => {
    const f = file('e.log', 'INFO  jepsen.util - 2\t:invoke\t:cas\t[3 0]\nINFO  jepsen.util - 2\t:ok\t:cas\t[3 0 1]\n');
    expect(() => importHistoryFile(f, formatByName('porcupine-etcd'))).toThrow(/e\.log:2: cannot parse value \[3 0 1\]/);
    const k = file('k.txt', '{:process 0, :type :invoke, :f :get, :key 1, :value nil}\n');
    expect(() => importHistoryFile(k, formatByName('porcupine-kv'))).toThrow(/k\.txt:1: expected :key to be a string/);
  });
});

describe('bounded reading', () => {
  it('refuses an endless line (16 MiB without a newline) in every format, naming the line', () => {
    const endless = 'x'.repeat(16 * 2 ** 20 + 10);
    const j = file('endless.jsonl', `{"index":0,"type":"invoke","process":0,"f":"read","value":null,"time":0}\n${endless}`);
    expect(() => importHistoryFile(j, formatByName('jsonl'))).toThrow(/endless\.jsonl:2: line longer than 16777216 characters/);
    const e = file('endless.log', `INFO  jepsen.util - 0\t:invoke\t:read\tnil\n${endless}`);
    expect(() => importHistoryFile(e, formatByName('porcupine-etcd'))).toThrow(/endless\.log:2: line longer than 16777216 characters/);
    const f = file('endless.edn', `{:process 0, :type :invoke, :f :read, :value nil}\n${endless}`);
    expect(() => importHistoryFile(f, formatByName('jepsen-edn'))).toThrow(/endless\.edn:2: expected a token of at most 16777216 characters/);
    const q = file('endless-string.edn', `["${endless}`);
    expect(() => importHistoryFile(q, formatByName('jepsen-edn'))).toThrow(/endless-string\.edn:1: expected a (token|string) of at most 16777216 characters/);
  });
});

describe('checkFile (faultline check --format ... FILE)', () => {
  it('checks a Porcupine kv history with its implied model, all keys with full', async () => {
    const out = sink();
    const results = path.join(tmp, 'results.json');
    const r = await checkFile({ file: path.join(dataDir, 'kv/c10-bad.txt'), format: formatByName('porcupine-kv'), full: true, out: results }, out.stream);
    expect(r.valid).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(out.text()).toMatch(/^faultline: .*c10-bad\.txt \(porcupine-kv, model kv\): INVALID\n {2}linearizability: INVALID \(\d+ ops, 10\/10 key\(s\) decided/);
    expect(out.text()).toMatch(/ {4}key \S+: not linearizable: /);
    expect(out.text()).toContain(`results: ${results}`);
    const doc = JSON.parse(readFileSync(results, 'utf8')) as { valid: boolean; model: string; linearizability: { partitions: unknown[] } };
    expect(doc).toMatchObject({ valid: false, model: 'kv', format: 'porcupine-kv' });
    expect(doc.linearizability.partitions).toHaveLength(10);
  });

  it('exits 0 on a valid etcd log and 2 when the budget runs out', async () => {
    const ok = await checkFile({ file: path.join(dataDir, 'jepsen/etcd_002.log'), format: formatByName('porcupine-etcd') }, sink().stream);
    expect(ok.exitCode).toBe(0);
    // 16 concurrent writes of distinct values, then a cas that cannot apply: ~1M configurations.
    const lines: string[] = [];
    for (let p = 0; p < 16; p++) lines.push(`{:process ${p}, :type :invoke, :f :write, :value ${p}}`);
    for (let p = 0; p < 16; p++) lines.push(`{:process ${p}, :type :ok, :f :write, :value ${p}}`);
    lines.push('{:process 99, :type :invoke, :f :cas, :value [100 0]}', '{:process 99, :type :ok, :f :cas, :value [100 0]}');
    const hard = file('hard.edn', lines.join('\n'));
    const out = sink();
    const unknown = await checkFile({ file: hard, format: formatByName('jepsen-edn'), model: 'cas-register', timeoutMs: 50 }, out.stream);
    expect(unknown.exitCode).toBe(2);
    expect(out.text()).toMatch(/UNKNOWN[\s\S]*key \(all\): unknown \(timeout\)/);
  });

  it('checks a Jepsen list-append history for isolation anomalies (--model list-append)', async () => {
    // Write skew: each transaction read both keys empty and appended to one of them.
    const skew = file(
      'skew.edn',
      [
        '{:process 0, :type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil] [:append :x 1]]}',
        '{:process 1, :type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil] [:append :y 1]]}',
        '{:process 0, :type :ok, :f :txn, :value [[:r :x []] [:r :y []] [:append :x 1]]}',
        '{:process 1, :type :ok, :f :txn, :value [[:r :x []] [:r :y []] [:append :y 1]]}',
        '{:process 2, :type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil]]}',
        '{:process 2, :type :ok, :f :txn, :value [[:r :x [1]] [:r :y [1]]]}',
      ].join('\n'),
    );
    const out = sink();
    const r = await checkFile({ file: skew, format: formatByName('jepsen-edn'), model: 'list-append' }, out.stream);
    expect(r.exitCode).toBe(1);
    expect(out.text()).toMatch(
      /skew\.edn \(jepsen-edn, model list-append, consistency model serializable\): INVALID\n {2}list-append: INVALID \(3 transactions, \d+ dependencies\)\n {4}anomalies: G2-item; serializable forbids G2-item\n {4}models ruled out: repeatable-read, serializable, strong-session-serializable, strict-serializable\n {4}strongest models still consistent: strong-snapshot-isolation\n {4}G2-item ×1, e\.g\. G2-item cycle: /,
    );
    // Snapshot isolation allows write skew: the same file passes against it.
    const si = sink();
    const asSi = await checkFile({ file: skew, format: formatByName('jepsen-edn'), model: 'list-append', consistencyModel: 'snapshot-isolation' }, si.stream);
    expect(asSi.exitCode).toBe(0);
    expect(si.text()).toContain('G2-item ×1 (allowed by snapshot-isolation)');
    await expect(checkFile({ file: skew, format: formatByName('jepsen-edn'), model: 'list-append', consistencyModel: 'snapshot' })).rejects.toThrow(
      /^--consistency-model must be one of read-uncommitted, .*, strict-serializable, got "snapshot"$/,
    );
    await expect(checkFile({ file: skew, format: formatByName('jepsen-edn'), model: 'cas-register', consistencyModel: 'serializable' })).rejects.toThrow(
      /--consistency-model applies to transactions \(--model list-append\), not to --model cas-register/,
    );
    // The same transactions one after the other: the second sees the first's append.
    const serial = file(
      'serial.edn',
      [
        '{:process 0, :type :invoke, :f :txn, :value [[:r :x nil] [:append :x 1]]}',
        '{:process 0, :type :ok, :f :txn, :value [[:r :x []] [:append :x 1]]}',
        '{:process 1, :type :invoke, :f :txn, :value [[:r :x nil] [:append :y 1]]}',
        '{:process 1, :type :ok, :f :txn, :value [[:r :x [1]] [:append :y 1]]}',
      ].join('\n'),
    );
    expect((await checkFile({ file: serial, format: formatByName('jepsen-edn'), model: 'list-append' }, sink().stream)).exitCode).toBe(0);
    const registers = file('regs.edn', '{:process 0, :type :invoke, :f :txn, :value 1}\n{:process 0, :type :ok, :f :txn, :value 1}\n');
    await expect(checkFile({ file: registers, format: formatByName('jepsen-edn'), model: 'list-append' })).rejects.toThrow(/regs\.edn: does not fit model list-append: op 0: a txn's value must be a list/);
  });

  it('refuses a missing or unknown model and a history the model cannot read', async () => {
    const f = file('reg.edn', '{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok, :f :write, :value 1}\n');
    await expect(checkFile({ file: f, format: formatByName('jepsen-edn') })).rejects.toThrow(/--model is required for --format jepsen-edn/);
    await expect(checkFile({ file: f, format: formatByName('jepsen-edn'), model: 'stack' })).rejects.toThrow(/unknown --model "stack"/);
    for (const model of ['__proto__', 'toString', 'constructor']) await expect(checkFile({ file: f, format: formatByName('jepsen-edn'), model })).rejects.toThrow(`unknown --model "${model}"`);
    await expect(checkFile({ file: f, format: formatByName('jepsen-edn'), model: 'kv' })).rejects.toThrow(/reg\.edn: does not fit model kv/);
  });

  it('reads faultline jsonl histories', async () => {
    const ops = [
      { index: 0, type: 'invoke', process: 0, f: 'write', value: ['a', 1], time: 0 },
      { index: 1, type: 'ok', process: 0, f: 'write', value: ['a', 1], time: 5 },
      { index: 2, type: 'invoke', process: 1, f: 'read', value: ['a', null], time: 6 },
      { index: 3, type: 'ok', process: 1, f: 'read', value: ['a', 1], time: 9 },
    ];
    const f = file('history.jsonl', ops.map((o) => JSON.stringify(o)).join('\n') + '\n');
    const out = sink();
    const r = await checkFile({ file: f, format: formatForFile(f), model: 'multi-register' }, out.stream);
    expect(r.exitCode).toBe(0);
    expect(out.text()).toContain('(jsonl, model multi-register): VALID');
  });
});
