import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ArgsError, parseArgs } from '../../src/systems/kv/args.js';
import { CorruptLogError } from '../../src/systems/durable-log.js';
import { LOG_FILE, Store } from '../../src/systems/kv/store.js';
import { SERVER_JS, ensureBuilt } from './helpers.js';

const dirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-kv-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('Store', () => {
  it('replays writes and successful cas, not failed cas', () => {
    const dir = path.join(tmpDir(), 'nested', 'data'); // created on demand
    const a = Store.open(dir);
    expect(a.replayed).toBe(0);
    a.store.execute({ f: 'write', key: 'x', value: 1 });
    expect(a.store.execute({ f: 'cas', key: 'x', from: 1, to: 2 })).toEqual({ kind: 'written' });
    expect(a.store.execute({ f: 'cas', key: 'x', from: 1, to: 3 })).toEqual({ kind: 'cas-mismatch' });
    a.store.execute({ f: 'write', key: 'y', value: null });
    a.store.close();

    const b = Store.open(dir);
    expect(b.replayed).toBe(3);
    expect(b.store.execute({ f: 'read', key: 'x' })).toEqual({ kind: 'read', value: 2 });
    expect(b.store.get('y')).toBeNull();
    b.store.close();
  });

  it('drops a torn last line and appends cleanly after it', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, LOG_FILE), '{"k":"a","v":1}\n{"k":"a","v":2}\n{"k":"a",');
    const a = Store.open(dir);
    expect(a).toMatchObject({ replayed: 2, truncatedBytes: 9 });
    expect(a.store.get('a')).toBe(2);
    a.store.execute({ f: 'write', key: 'a', value: 5 });
    a.store.close();
    expect(fs.readFileSync(path.join(dir, LOG_FILE), 'utf8')).toBe('{"k":"a","v":1}\n{"k":"a","v":2}\n{"k":"a","v":5}\n');
    const b = Store.open(dir);
    expect(b).toMatchObject({ replayed: 3, truncatedBytes: 0 });
    expect(b.store.get('a')).toBe(5);
    b.store.close();
  });

  it('refuses a log corrupted before its end', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, LOG_FILE), '{"k":"a","v":1}\ngarbage\n{"k":"a","v":2}\n');
    expect(() => Store.open(dir)).toThrow(CorruptLogError);
  });
});

describe('parseArgs', () => {
  const base = ['--id', 'n2', '--nodes', 'n1=10.0.0.1:8000,n2=10.0.0.2:8000', '--port', '8000', '--data-dir', '/d', '--variant', 'careful'];

  it('parses a full command line with defaults', () => {
    expect(parseArgs(base)).toEqual({
      id: 'n2',
      nodes: [
        { id: 'n1', host: '10.0.0.1', port: 8000 },
        { id: 'n2', host: '10.0.0.2', port: 8000 },
      ],
      port: 8000,
      host: '0.0.0.0',
      dataDir: '/d',
      variant: 'careful',
      replicationDelayMs: undefined,
      connectTimeoutMs: 500,
      requestTimeoutMs: 1000,
    });
    expect(parseArgs([...base, '--host=127.0.0.1', '--replication-delay-ms', '0'])).toMatchObject({
      host: '127.0.0.1',
      replicationDelayMs: 0,
    });
  });

  it.each([
    [['--id', 'n3', ...base.slice(2)], /not in --nodes/],
    [base.filter((_, i) => i !== 6 && i !== 7), /missing --data-dir/],
    [[...base.slice(0, 9), 'eventual'], /careful or naive/],
    [[...base.slice(0, 5), '99999', ...base.slice(6)], /bad port/],
    [['--id', 'n1', '--nodes', 'n1=a:1,n1=b:2', ...base.slice(4)], /twice/],
    [['--id', 'n1', '--nodes', 'n1=a', ...base.slice(4)], /bad --nodes entry/],
    [[...base, '--frobnicate', '1'], /unknown option/],
    [[...base, '--host'], /needs a value/],
    [[...base, '--request-timeout-ms', '0'], /bad milliseconds/],
  ])('rejects %j', (argv, msg) => {
    expect(() => parseArgs(argv)).toThrow(ArgsError);
    expect(() => parseArgs(argv)).toThrow(msg);
  });

  it('makes the server exit 2 with one line on stderr', () => {
    ensureBuilt();
    const r = spawnSync(process.execPath, [SERVER_JS, '--id', 'n1'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^kv: missing --nodes/);
  });
});
