import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryWriter } from '../../src/core/history-writer.js';
import { pairOps, parseHistory, readHistoryFile } from '../../src/core/history-reader.js';
import { UsageError } from '../../src/core/errors.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'fl-test-history-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('history writer and reader', () => {
  it('round-trips ops with dense indices', () => {
    const path = join(tmp(), 'history.jsonl');
    const w = new HistoryWriter(path);
    w.append({ type: 'invoke', process: 0, f: 'write', value: ['k', 1], time: 10, node: 'n1' });
    w.append({ type: 'invoke', process: 'nemesis', f: 'kill', value: ['n2'], time: 11 });
    w.append({ type: 'ok', process: 0, f: 'write', value: ['k', 1], time: 20, node: 'n1' });
    w.append({ type: 'info', process: 'nemesis', f: 'kill', value: ['n2'], time: 21, error: 'timeout' });
    w.close();
    const { ops, truncated } = readHistoryFile(path);
    expect(truncated).toBe(false);
    expect(ops.map((o) => o.index)).toEqual([0, 1, 2, 3]);
    expect(ops[0]).toEqual({ index: 0, type: 'invoke', process: 0, f: 'write', value: ['k', 1], time: 10, node: 'n1' });
    expect(ops[3]!.error).toBe('timeout');
  });

  it('keeps integers beyond 2^53 exact through the file (bigints, written as digits)', () => {
    const path = join(tmp(), 'history.jsonl');
    const w = new HistoryWriter(path);
    w.append({ type: 'invoke', process: 0, f: 'write', value: ['k', 9007199254740993n], time: 1 });
    w.append({ type: 'ok', process: 0, f: 'write', value: ['k', 9007199254740993n], time: 2 });
    w.close();
    expect(readFileSync(path, 'utf8')).toContain('"value":["k",9007199254740993]');
    expect(readHistoryFile(path).ops[1]!.value).toEqual(['k', 9007199254740993n]);
    expect(parseHistory('{"type":"ok","process":0,"f":"w","value":9007199254740992,"time":12345678901234567890}\n').ops[0]).toMatchObject({ value: 9007199254740992n, time: 12345678901234567000 });
  });

  it('has each op on disk as soon as append returns (before close)', () => {
    const path = join(tmp(), 'history.jsonl');
    const w = new HistoryWriter(path);
    w.append({ type: 'invoke', process: 0, f: 'read', value: null, time: 1 });
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    w.close();
  });

  it('tolerates a truncated last line, as a crashed run leaves it', () => {
    const text = '{"index":0,"type":"invoke","process":0,"f":"read","value":null,"time":1}\n{"index":1,"type":"ok","pro';
    const { ops, truncated } = parseHistory(text);
    expect(truncated).toBe(true);
    expect(ops).toHaveLength(1);
  });

  it('rejects a malformed line in the middle with its line number', () => {
    const text = '{"index":0,"type":"invoke","process":0,"f":"read","value":null,"time":1}\nnot json\n{"index":1,"type":"ok","process":0,"f":"read","value":1,"time":2}\n';
    expect(() => parseHistory(text, 'h.jsonl')).toThrow(/h\.jsonl:2: not valid JSON/);
    // Control characters of the line are escaped, never sent to the terminal raw.
    expect(() => parseHistory('{"type":\u001b[31m\n', 'h')).toThrow(/^h:1: not valid JSON \(.*\): "\{\\"type\\":\\u001b\[31m"$/);
  });

  it('rejects ops with wrong fields, naming the field', () => {
    expect(() => parseHistory('{"type":"done","process":0,"f":"read","time":1}\n', 'h')).toThrow(/h:1: "type" must be one of/);
    expect(() => parseHistory('{"type":"ok","process":"x","f":"read","time":1}\n', 'h')).toThrow(/"process" must be an integer or "nemesis"/);
    expect(() => parseHistory('{"type":"ok","process":1,"f":"read"}\n', 'h')).toThrow(/"time" must be a number/);
    expect(() => parseHistory('{"type":"ok","process":1,"f":3,"time":1}\n', 'h')).toThrow(UsageError);
  });

  it('pairs a lone nemesis completion as an event, and still refuses a lone client one', () => {
    const lone = { index: 0, type: 'info' as const, process: 'nemesis' as const, f: 'kill', value: ['n1'], time: 5 };
    const [event] = pairOps([lone]);
    expect(event).toMatchObject({ process: 'nemesis', f: 'kill', type: 'info', value: ['n1'], result: ['n1'] });
    expect(event!.invoke).toBe(lone);
    expect(event!.complete).toBe(lone);
    expect(() => pairOps([{ ...lone, process: 3 }])).toThrow(/info for process 3 without an invocation/);
  });

  it('pairs invocations with completions; an unfinished invoke counts as info', () => {
    const { ops } = parseHistory(
      [
        { type: 'invoke', process: 0, f: 'write', value: 1, time: 1 },
        { type: 'invoke', process: 1, f: 'read', value: null, time: 2 },
        { type: 'ok', process: 1, f: 'read', value: 1, time: 3 },
        { type: 'fail', process: 0, f: 'write', value: 1, time: 4, error: 'cas-mismatch' },
        { type: 'invoke', process: 2, f: 'write', value: 2, time: 5 },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\n',
    );
    const pairs = pairOps(ops);
    expect(pairs.map((p) => [p.process, p.type, p.result])).toEqual([
      [0, 'fail', 1],
      [1, 'ok', 1],
      [2, 'info', undefined],
    ]);
    expect(pairs[0]!.error).toBe('cas-mismatch');
    expect(pairs[2]!.complete).toBeUndefined();
  });

  it('rejects a completion with no invocation', () => {
    const { ops } = parseHistory('{"type":"ok","process":3,"f":"read","value":1,"time":1}\n');
    expect(() => pairOps(ops, 'h')).toThrow(/process 3 without an invocation/);
  });

  it('reads a history file cut mid-line on disk', () => {
    const path = join(tmp(), 'history.jsonl');
    writeFileSync(path, '{"index":0,"type":"invoke","process":0,"f":"read","value":null,"time":1}\n{"ind');
    expect(readHistoryFile(path).ops).toHaveLength(1);
  });
});
