/**
 * The runner against an in-process client (the runner only needs node names from the
 * cluster): process renumbering after info, timeouts, ordering of the history on disk.
 * Real clusters are exercised by test/e2e.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client, ClientOp, ClientResult } from '../../src/clients/client.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import { clients, limit, nemesis, phases, repeat, any } from '../../src/core/generator/index.js';
import { pairOps, readHistoryFile } from '../../src/core/history-reader.js';
import { HistoryWriter } from '../../src/core/history-writer.js';
import { Rng } from '../../src/core/rng.js';
import { runGenerator } from '../../src/core/runner.js';
import type { TestOptions } from '../../src/core/test.js';
import type { TestRuntime } from '../../src/cluster/test-runtime.js';
import { composeNemeses } from '../../src/nemesis/nemesis.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function runtime(): { test: TestRuntime; history: HistoryWriter; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fl-test-runner-'));
  dirs.push(dir);
  const start = process.hrtime.bigint();
  const cluster = { nodes: ['n1', 'n2'] } as unknown as Cluster;
  const test: TestRuntime = {
    runId: 'test',
    runDir: dir,
    options: { opTimeoutMs: 200 } as TestOptions,
    cluster,
    log: pino({ level: 'silent' }),
    now: () => Number(process.hrtime.bigint() - start),
  };
  const path = join(dir, 'history.jsonl');
  return { test, history: new HistoryWriter(path), path };
}

/**
 * Answers by a rule on the op's value: "info" → indeterminate, "hang" → never answers
 * (`onHang` is told how many ops are hanging at once).
 */
class ScriptedClient implements Client {
  private hanging = 0;
  constructor(private readonly onHang: (hanging: number) => void = () => undefined) {}
  async open(): Promise<Client> {
    return this;
  }
  async setup(): Promise<void> {}
  async invoke(_t: TestRuntime, op: ClientOp, signal: AbortSignal): Promise<ClientResult> {
    await new Promise((r) => setTimeout(r, 2));
    if (op.value === 'info') return { type: 'info', value: op.value, error: 'lost answer' };
    if (op.value === 'throw') throw new Error('socket hang up');
    if (op.value === 'hang') {
      const aborted = new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      this.onHang(++this.hanging);
      await aborted;
    }
    return { type: 'ok', value: op.value };
  }
  async teardown(): Promise<void> {}
  async close(): Promise<void> {}
}

const noNemesis = composeNemeses([]);

describe('runner', () => {
  it('continues a thread under process + concurrency after an info', async () => {
    const { test, history, path } = runtime();
    await runGenerator({
      test,
      generator: clients([{ f: 'w', value: 'ok' }, { f: 'w', value: 'info' }, { f: 'w', value: 'ok' }, { f: 'w', value: 'throw' }, { f: 'w', value: 'ok' }]),
      rng: Rng.seeded(1),
      client: new ScriptedClient(),
      nemesis: noNemesis,
      history,
      concurrency: 1,
      opTimeoutMs: 1000,
    });
    history.close();
    const pairs = pairOps(readHistoryFile(path).ops);
    expect(pairs.map((p) => [p.process, p.type])).toEqual([
      [0, 'ok'],
      [0, 'info'],
      [1, 'ok'],
      [1, 'info'],
      [2, 'ok'],
    ]);
    expect(pairs[3]!.error).toBe('socket hang up');
  });

  it('records an op that outlives the op timeout as info and moves on', async () => {
    const { test, history, path } = runtime();
    await runGenerator({
      test,
      generator: clients([{ f: 'w', value: 'hang' }, { f: 'w', value: 'ok' }]),
      rng: Rng.seeded(1),
      client: new ScriptedClient(),
      nemesis: noNemesis,
      history,
      concurrency: 1,
      opTimeoutMs: 100,
    });
    history.close();
    const pairs = pairOps(readHistoryFile(path).ops);
    expect(pairs.map((p) => [p.process, p.type])).toEqual([
      [0, 'info'],
      [1, 'ok'],
    ]);
    expect(pairs[0]!.error).toMatch(/timeout after 100 ms/);
  });

  it('never lets a process have two ops open, and writes each completion before its next invoke', async () => {
    const { test, history, path } = runtime();
    await runGenerator({
      test,
      generator: phases(limit(60, repeat({ f: 'w', value: 'ok' })), limit(10, repeat({ f: 'w', value: 'info' }))),
      rng: Rng.seeded(7),
      client: new ScriptedClient(),
      nemesis: noNemesis,
      history,
      concurrency: 4,
      opTimeoutMs: 1000,
    });
    history.close();
    const { ops } = readHistoryFile(path);
    expect(ops).toHaveLength(140);
    // pairOps throws if a process is invoked twice before completing.
    const pairs = pairOps(ops);
    expect(pairs.every((p) => p.complete !== undefined)).toBe(true);
    // Four threads, each renumbered at most once per info op.
    expect(new Set(pairs.map((p) => p.process)).size).toBeGreaterThan(4);
    // Times never go backwards in file order.
    for (let i = 1; i < ops.length; i++) expect(ops[i]!.time).toBeGreaterThanOrEqual(ops[i - 1]!.time);
  });

  it('runs nemesis ops on the nemesis process alongside clients', async () => {
    const { test, history, path } = runtime();
    const seen: string[] = [];
    const nem = composeNemeses([
      {
        fs: ['poke'],
        async setup() {},
        async invoke(_t, op) {
          seen.push(op.f);
          return { type: 'ok', value: op.value };
        },
        async teardown() {},
      },
    ]);
    await runGenerator({
      test,
      generator: any(clients(limit(5, repeat({ f: 'w', value: 'ok' }))), nemesis([{ f: 'poke', value: 1 }])),
      rng: Rng.seeded(1),
      client: new ScriptedClient(),
      nemesis: nem,
      history,
      concurrency: 2,
      opTimeoutMs: 1000,
    });
    history.close();
    const pairs = pairOps(readHistoryFile(path).ops);
    expect(seen).toEqual(['poke']);
    expect(pairs.filter((p) => p.process === 'nemesis').map((p) => p.type)).toEqual(['ok']);
    expect(pairs.filter((p) => typeof p.process === 'number')).toHaveLength(5);
  });

  it('stops promptly when interrupted and records in-flight ops as info', async () => {
    const { test, history, path } = runtime();
    const ac = new AbortController();
    const r = await runGenerator({
      test,
      generator: clients(repeat({ f: 'w', value: 'hang' })),
      rng: Rng.seeded(1),
      // Interrupted once all three threads have an op in flight.
      client: new ScriptedClient((hanging) => hanging === 3 && ac.abort()),
      nemesis: noNemesis,
      history,
      concurrency: 3,
      opTimeoutMs: 60_000,
      signal: ac.signal,
    });
    history.close();
    expect(r.interrupted).toBe(true);
    const pairs = pairOps(readHistoryFile(path).ops);
    expect(pairs).toHaveLength(3);
    expect(pairs.every((p) => p.type === 'info' && p.error === 'interrupted')).toBe(true);
  });
});
