/** Hand-made histories with known verdicts, and the checker's reporting. */
import { describe, expect, it } from 'vitest';
import type { Op, OpType, ProcessId } from '../../src/core/op.js';
import {
  casRegister,
  checkLinearizable,
  kv,
  linearizable,
  modelByName,
  models,
  multiRegister,
  register,
  searchLinearization,
} from '../../src/checkers/linearizability/index.js';
import { clientPairs } from '../../src/core/history-reader.js';

/** Builds a history in real-time order: each call appends one op. */
class History {
  readonly ops: Op[] = [];
  private add(type: OpType, process: ProcessId, f: string, value: unknown): this {
    this.ops.push({ index: this.ops.length, type, process, f, value, time: this.ops.length * 1000 });
    return this;
  }
  invoke(p: ProcessId, f: string, v: unknown = null): this {
    return this.add('invoke', p, f, v);
  }
  ok(p: ProcessId, f: string, v: unknown = null): this {
    return this.add('ok', p, f, v);
  }
  fail(p: ProcessId, f: string, v: unknown = null): this {
    return this.add('fail', p, f, v);
  }
  info(p: ProcessId, f: string, v: unknown = null): this {
    return this.add('info', p, f, v);
  }
  /** A whole op with nothing concurrent. */
  op(p: number, f: string, input: unknown, output: unknown = input): this {
    return this.invoke(p, f, input).ok(p, f, output);
  }
}
const h = (): History => new History();

describe('register histories', () => {
  it('accepts a read concurrent with a write returning either value', async () => {
    for (const seen of [null, 1]) {
      const hist = h().invoke(0, 'write', 1).invoke(1, 'read').ok(1, 'read', seen).ok(0, 'write', 1).op(1, 'read', null, 1);
      const r = await checkLinearizable(hist.ops, register);
      expect(r.valid).toBe(true);
      expect(r.partitions).toMatchObject([{ key: '(all)', valid: true, opCount: 3 }]);
    }
  });

  it('rejects a stale read and explains where the search got stuck', async () => {
    const hist = h().op(0, 'write', 1).op(1, 'write', 2).op(0, 'read', null, 1);
    const r = await checkLinearizable(hist.ops, register);
    expect(r.valid).toBe(false);
    const ex = r.partitions[0]?.explanation;
    expect(ex?.prefix).toEqual([0, 2]); // both writes, by invocation index
    expect(ex?.states).toEqual(['2']);
    expect(ex?.blocking).toEqual({ index: 4, op: 'read 1' });
    expect(ex?.next).toEqual([{ index: 4, op: 'read 1' }]);
    expect(ex?.message).toContain('read 1');
  });

  it('lists every state reachable with the longest prefix', async () => {
    const hist = h().invoke(0, 'write', 1).invoke(1, 'write', 2).ok(0, 'write', 1).ok(1, 'write', 2).op(2, 'cas', [3, 4]);
    const r = await checkLinearizable(hist.ops, casRegister);
    expect(r.valid).toBe(false);
    expect([...(r.partitions[0]?.explanation?.states ?? [])].sort()).toEqual(['1', '2']);
  });

  it('names a read no pending op can satisfy, as early as it is doomed', async () => {
    const hist = h().invoke(0, 'write', 1).invoke(1, 'write', 2).ok(0, 'write', 1).ok(1, 'write', 2).op(2, 'read', null, 3);
    const r = await checkLinearizable(hist.ops, register);
    expect(r.valid).toBe(false);
    const ex = r.partitions[0]?.explanation;
    expect(ex?.blocking).toEqual({ index: 4, op: 'read 3' });
    expect(ex?.message).toMatch(/read 3 \(invoked at index 4\) can never take effect/);
  });

  it('drops failed ops: they did not happen', async () => {
    const failed = h().invoke(0, 'write', 1).fail(0, 'write', 1);
    expect((await checkLinearizable(failed.op(1, 'read', null, null).ops, register)).valid).toBe(true);
    const failed2 = h().invoke(0, 'write', 1).fail(0, 'write', 1);
    expect((await checkLinearizable(failed2.op(1, 'read', null, 1).ops, register)).valid).toBe(false);
  });

  it('lets an info write take effect at any later point, once, or never', async () => {
    const base = (): History => h().invoke(0, 'write', 1).info(0, 'write', 1);
    expect((await checkLinearizable(base().op(1, 'read', null, null).op(1, 'read', null, 1).ops, register)).valid).toBe(true);
    expect((await checkLinearizable(base().op(1, 'read', null, null).ops, register)).valid).toBe(true);
    expect((await checkLinearizable(base().op(1, 'read', null, 1).op(1, 'read', null, null).ops, register)).valid).toBe(false);
  });

  it('treats a never-completed invocation like info', async () => {
    const base = (): History => h().invoke(0, 'write', 5);
    expect((await checkLinearizable(base().op(1, 'read', null, null).op(1, 'read', null, 5).ops, register)).valid).toBe(true);
    expect((await checkLinearizable(base().op(1, 'read', null, 5).op(1, 'read', null, null).ops, register)).valid).toBe(false);
  });

  it('drops indeterminate reads and ignores the nemesis', async () => {
    const hist = h()
      .invoke('nemesis', 'start-partition', ['n1'])
      .op(0, 'write', 1)
      .invoke(1, 'read')
      .info(1, 'read', 42)
      .info('nemesis', 'start-partition', 'cut')
      .op(2, 'read', null, 1);
    const r = await checkLinearizable(hist.ops, register);
    expect(r.valid).toBe(true);
    expect(r.opCount).toBe(2);
  });

  it('throws on a malformed history', async () => {
    await expect(checkLinearizable(h().ok(0, 'read', 1).ops, register)).rejects.toThrow(/^history: op 0: ok for process 0 without an invocation$/);
    await expect(checkLinearizable(h().invoke(0, 'read').invoke(0, 'read').ops, register)).rejects.toThrow(/^history: op 1: process 0 invoked again while its op 0 is still pending$/);
    await expect(checkLinearizable(h().invoke(0, 'read').ok(0, 'write', 1).ops, register)).rejects.toThrow(/^history: op 1: ok write of process 0 completes its read \(op 0\)$/);
    const backwards = h().invoke(0, 'read').ok(0, 'read', null).ops.map((o, i) => ({ ...o, index: 1 - i }));
    await expect(checkLinearizable(backwards, register)).rejects.toThrow(/^history: op 0: out of order \(it follows op 1\)$/);
    await expect(checkLinearizable(h().op(0, 'frob', 1).ops, register)).rejects.toThrow(/unknown op/);
  });
});

describe('ops nothing can observe', () => {
  it('leaves out indeterminate writes of values no read returns, however many', async () => {
    // 24 timed-out writes of values nobody reads, pending through 40 ok ops, then a stale
    // read: the 24 are left out of the search and the stale read is still found.
    const hist = h().op(0, 'write', 0);
    for (let p = 1; p <= 24; p++) hist.invoke(p, 'write', 1000 + p);
    for (let v = 1; v <= 20; v++) hist.op(0, 'write', v).op(0, 'read', null, v);
    hist.op(0, 'read', null, 0);
    const r = await checkLinearizable(hist.ops, casRegister, { timeoutMs: 5000 });
    expect(r.valid).toBe(false);
    expect(r.partitions[0]?.stats?.dropped).toBe(24);
    expect(r.partitions[0]?.explanation?.blocking?.op).toBe('read 0');
  });

  it('keeps an indeterminate write whose value a read returns', async () => {
    const hist = h().op(0, 'write', 0).invoke(1, 'write', 7).op(0, 'write', 1).op(0, 'read', null, 7);
    const r = await checkLinearizable(hist.ops, casRegister);
    expect(r.valid).toBe(true);
    expect(r.partitions[0]?.stats?.dropped).toBe(0);
  });
});

describe('cas-register histories', () => {
  it('rejects a lost cas: a read of the value it replaced', async () => {
    const hist = h().op(0, 'write', 0).op(1, 'cas', [0, 1]).op(2, 'read', null, 0);
    const r = await checkLinearizable(hist.ops, casRegister);
    expect(r.valid).toBe(false);
    expect(r.partitions[0]?.explanation?.states).toEqual(['1']);
  });

  it('rejects an ok cas whose compare cannot match', async () => {
    expect((await checkLinearizable(h().op(0, 'write', 0).op(1, 'cas', [1, 2]).ops, casRegister)).valid).toBe(false);
  });

  it('starts absent (null) and lets an info cas apply later or never', async () => {
    const base = (): History => h().op(0, 'cas', [null, 0]).invoke(1, 'cas', [0, 1]).info(1, 'cas', [0, 1]);
    expect((await checkLinearizable(base().op(2, 'read', null, 1).ops, casRegister)).valid).toBe(true);
    expect((await checkLinearizable(base().op(2, 'read', null, 0).op(2, 'read', null, 1).ops, casRegister)).valid).toBe(true);
    expect((await checkLinearizable(base().op(2, 'read', null, 2).ops, casRegister)).valid).toBe(false);
  });
});

describe('integers beyond 2^53 (bigints, as imports read them)', () => {
  const [big, near] = [9007199254740993n, 9007199254740992n];
  it('tells 2^53 + 1 from 2^53 in every model that keys or compares values', async () => {
    expect((await checkLinearizable(h().op(0, 'write', big).op(1, 'read', null, near).ops, register)).valid).toBe(false);
    expect((await checkLinearizable(h().op(0, 'write', big).op(1, 'read', null, big).ops, register)).valid).toBe(true);
    expect((await checkLinearizable(h().op(0, 'write', big).op(1, 'cas', [near, 1n]).ops, casRegister)).valid).toBe(false);
    const keyed = h().op(0, 'write', [big, 1]).op(1, 'write', [near, 2]).op(2, 'read', [big, null], [big, 1]).ops;
    const r = await checkLinearizable(keyed, multiRegister);
    expect(r.valid).toBe(true);
    expect(r.partitions.map((p) => p.key).sort()).toEqual(['9007199254740992', '9007199254740993']);
  });

  it('explains with the exact digits', async () => {
    const r = await checkLinearizable(h().op(0, 'write', near).op(0, 'write', big).op(1, 'read', null, near).ops, register);
    expect(r.partitions[0]?.explanation?.states).toEqual(['9007199254740993']);
    expect(r.partitions[0]?.explanation?.blocking?.op).toBe('read 9007199254740992');
  });
});

describe('per-key partitions', () => {
  // Key "a" is fine; "b" and "c" each have a stale read.
  const hist = h()
    .op(0, 'write', ['b', 1])
    .op(1, 'write', ['a', 1])
    .op(1, 'cas', ['a', [1, 2]])
    .op(0, 'write', ['b', 2])
    .op(2, 'read', ['a', null], ['a', 2])
    .op(2, 'read', ['b', null], ['b', 1])
    .op(3, 'write', ['c', 7])
    .op(3, 'read', ['c', null], ['c', null]);

  it('reports the bad key and stops at the first invalid partition', async () => {
    const r = await checkLinearizable(hist.ops, multiRegister);
    expect(r.valid).toBe(false);
    expect(r.invalidKeys).toEqual(['b']);
    expect(r.partitions.map((p) => [p.key, p.valid, p.opCount])).toEqual([
      ['b', false, 3],
      ['a', 'unknown', 3],
      ['c', 'unknown', 2],
    ]);
    expect(r.partitions.slice(1).map((p) => p.reason)).toEqual(['skipped', 'skipped']);
    expect(r.partitions[0]?.explanation?.blocking?.op).toBe('b: read 1');
  });

  it('checks every partition when full', async () => {
    const r = await checkLinearizable(hist.ops, multiRegister, { full: true });
    expect(r.invalidKeys).toEqual(['b', 'c']);
    expect(r.partitions.map((p) => p.valid)).toEqual([false, true, false]);
  });

  it('rejects a keyed op whose value is not [key, value]', async () => {
    await expect(checkLinearizable(h().op(0, 'write', 3).ops, multiRegister)).rejects.toThrow(/\[key, value\]/);
  });

  it('kv: get/put/append per key, every key initially ""', async () => {
    const ok = h().op(0, 'append', ['k', 'x']).op(1, 'put', ['j', 'y']).op(0, 'append', ['k', 'z']).op(1, 'get', ['k', null], ['k', 'xz']).op(1, 'get', ['i', null], ['i', '']);
    expect((await checkLinearizable(ok.ops, kv)).valid).toBe(true);
    const bad = h().op(0, 'append', ['k', 'x']).op(0, 'append', ['k', 'z']).op(1, 'get', ['k', null], ['k', 'zx']);
    expect((await checkLinearizable(bad.ops, kv)).invalidKeys).toEqual(['k']);
  });
});

describe('budgets', () => {
  /**
   * 16 concurrent writes of distinct values, then a cas that cannot apply: every subset
   * and last write is a distinct configuration, ~1M of them, before the search gives up.
   */
  const hard = (): Op[] => {
    const hist = h();
    for (let p = 0; p < 16; p++) hist.invoke(p, 'write', p);
    for (let p = 0; p < 16; p++) hist.ok(p, 'write', p);
    return hist.op(99, 'cas', ['never written', 0]).ops;
  };

  it('answers unknown when the time runs out', async () => {
    const r = await checkLinearizable(hard(), casRegister, { timeoutMs: 20 });
    expect(r.valid).toBe('unknown');
    expect(r.partitions[0]?.reason).toBe('timeout');
  });

  it('keeps the budget with a full report: decided keys reported, only the hard one unknown', async () => {
    // Key "hard": like the history above with 18 writes (~5M configurations, seconds of
    // work on any machine); keys "ok" and "bad": decided at once.
    const hist = h();
    for (let p = 0; p < 18; p++) hist.invoke(p, 'write', ['hard', p]);
    for (let p = 0; p < 18; p++) hist.ok(p, 'write', ['hard', p]);
    hist.op(99, 'cas', ['hard', ['never written', 0]]);
    hist.op(98, 'write', ['ok', 1]).op(98, 'read', ['ok', null], ['ok', 1]);
    hist.op(97, 'write', ['bad', 1]).op(97, 'read', ['bad', null], ['bad', 2]);
    const r = await checkLinearizable(hist.ops, multiRegister, { timeoutMs: 400, full: true });
    expect(r.partitions.map((p) => [p.key, p.valid, p.reason])).toEqual([
      ['hard', 'unknown', 'timeout'],
      ['ok', true, undefined],
      ['bad', false, undefined],
    ]);
    expect(r.valid).toBe(false);
  });

  it('answers unknown when the memo is full', async () => {
    const r = await checkLinearizable(hard(), casRegister, { maxMemo: 1000 });
    expect(r.valid).toBe('unknown');
    expect(r.partitions[0]?.reason).toBe('memo-limit');
  });

  it('answers unknown when the memory cap is reached', async () => {
    const r = await checkLinearizable(hard(), casRegister, { maxMemoryBytes: 200_000 });
    expect(r.valid).toBe('unknown');
    expect(r.partitions[0]?.reason).toBe('memo-limit');
    expect(r.partitions[0]?.stats?.memoSize).toBeLessThan(50_000);
  });

  it('search alone can be stopped by an iteration budget', () => {
    const r = searchLinearization(casRegister, clientPairs(hard()), { maxIterations: 10 });
    expect(r).toMatchObject({ valid: 'unknown', reason: 'iteration-limit' });
  });
});

describe('checker and registry', () => {
  it('is a Checker named linearizability taking its budget from the context', async () => {
    const c = linearizable(casRegister);
    expect(c.name).toBe('linearizability');
    const r = await c.check(h().op(0, 'write', 1).op(0, 'read', null, 1).ops, { timeoutMs: 1000 });
    expect(r).toMatchObject({ valid: true, model: 'cas-register' });
  });

  it('finds models by name', () => {
    expect([...models.keys()].sort()).toEqual(['cas-register', 'counter', 'keyed-cas-register', 'kv', 'multi-register', 'mutex', 'queue', 'register', 'set']);
    expect(modelByName('multi-register')).toBe(models.get('keyed-cas-register'));
    expect(() => modelByName('stack')).toThrow(/known: register/);
  });

  it('returns a witness linearization for a valid history', () => {
    const hist = h().invoke(0, 'write', 1).invoke(1, 'write', 2).ok(1, 'write', 2).ok(0, 'write', 1).op(2, 'read', null, 2);
    const r = searchLinearization(register, clientPairs(hist.ops));
    expect(r).toMatchObject({ valid: true, linearization: [0, 1, 4] });
  });
});
