import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptLogError, DurableLog, StoppingLog } from '../../src/systems/durable-log.js';
import { waitFor } from '../helpers/wait.js';

const parse = (x: unknown) => (typeof x === 'object' && x !== null && typeof (x as { n?: unknown }).n === 'number' ? (x as { n: number }) : undefined);

describe('durable log', () => {
  it('reads back what was appended, drops a torn last line and appends after it cleanly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-test-log-'));
    try {
      const a = DurableLog.open(dir, 'x.log', parse);
      a.log.append({ n: 1 });
      a.log.append({ n: 2 });
      a.log.close();
      fs.appendFileSync(path.join(dir, 'x.log'), '{"n":3'); // a crash mid-append
      const b = DurableLog.open(dir, 'x.log', parse);
      expect(b.records).toEqual([{ n: 1 }, { n: 2 }]);
      expect(b.truncatedBytes).toBe(6);
      b.log.append({ n: 4 });
      b.log.close();
      expect(DurableLog.open(dir, 'x.log', parse).records).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a log corrupt before its last line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-test-log-'));
    try {
      fs.writeFileSync(path.join(dir, 'x.log'), '{"n":1}\ngarbage\n{"n":2}\n');
      expect(() => DurableLog.open(dir, 'x.log', parse)).toThrow(CorruptLogError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('appends several records at once, each on its own line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-test-log-'));
    try {
      const a = DurableLog.open(dir, 'x.log', parse);
      a.log.append({ n: 1 }, { n: 2 });
      a.log.append();
      expect(fs.readFileSync(path.join(dir, 'x.log'), 'utf8')).toBe('{"n":1}\n{"n":2}\n');
      a.log.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lazy: appends reach the file later (once a second), and on close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-test-log-'));
    const file = path.join(dir, 'x.log');
    try {
      const a = DurableLog.open(dir, 'x.log', parse, { durability: 'lazy' });
      a.log.append({ n: 1 });
      expect(fs.readFileSync(file, 'utf8')).toBe('');
      await waitFor(() => fs.readFileSync(file, 'utf8') === '{"n":1}\n', 'the lazy flush', 5000);
      a.log.append({ n: 2 });
      a.log.close();
      expect(DurableLog.open(dir, 'x.log', parse).records).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a careful node stops at the first storage failure and records nothing after it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-test-log-'));
    try {
      const { log } = DurableLog.open(dir, 'x.log', parse);
      const said: string[] = [];
      const storage = new StoppingLog(log, (m) => said.push(m));
      expect(storage.append({ n: 1 })).toBe(true);
      log.close(); // the disk goes away under the node
      expect(storage.append({ n: 2 })).toBe(false);
      expect(storage.broken).toBe(true);
      expect(storage.append({ n: 3 })).toBe(false);
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/^storage failure: EBADF/);
      expect(DurableLog.open(dir, 'x.log', parse).records).toEqual([{ n: 1 }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
