/**
 * Porcupine's recorded histories (/work/shared/data/porcupine) must get the verdict that
 * project's own tests assert, listed in expected.csv.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { casRegister, checkLinearizable, kv } from '../../src/checkers/linearizability/index.js';
import { parseEtcdLog, parseKvEdn } from '../../src/checkers/linearizability/parse-porcupine.js';

const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
// /work/shared sits beside the repository.
const dataDir = path.resolve(repoRoot, '../shared/data/porcupine');

function expectedVerdicts(): Map<string, boolean> {
  const rows = readFileSync(path.join(dataDir, 'expected.csv'), 'utf8').trim().split('\n').slice(1);
  return new Map(
    rows.map((row) => {
      const [file, verdict] = row.split(',');
      if (!file || (verdict !== 'linearizable' && verdict !== 'not-linearizable')) throw new Error(`bad expected.csv row ${row}`);
      return [file, verdict === 'linearizable'];
    }),
  );
}

describe('porcupine data', () => {
  it('is present beside the repository', () => {
    expect(existsSync(path.join(dataDir, 'expected.csv')), `missing ${dataDir}`).toBe(true);
  });

  const expected = existsSync(dataDir) ? expectedVerdicts() : new Map<string, boolean>();

  it('every jepsen/etcd log gets the expected verdict', async () => {
    const files = readdirSync(path.join(dataDir, 'jepsen')).filter((f) => f.endsWith('.log')).sort();
    expect(files.length).toBe(102);
    const times: { file: string; ms: number }[] = [];
    let linearizable = 0;
    for (const file of files) {
      const name = `jepsen/${file}`;
      const want = expected.get(name);
      expect(want, `${name} missing from expected.csv`).toBeDefined();
      const history = parseEtcdLog(readFileSync(path.join(dataDir, name), 'utf8'), name);
      const t0 = performance.now();
      const r = await checkLinearizable(history, casRegister, { timeoutMs: 20_000 });
      times.push({ file, ms: performance.now() - t0 });
      expect({ file: name, valid: r.valid }).toEqual({ file: name, valid: want });
      if (r.valid === false) expect(r.partitions[0]?.explanation?.next.length).toBeGreaterThan(0);
      if (r.valid === true) linearizable++;
    }
    expect(linearizable).toBe(23);
    const total = times.reduce((a, t) => a + t.ms, 0);
    const slowest = times.reduce((a, t) => (t.ms > a.ms ? t : a));
    console.log(`etcd: ${files.length} files in ${total.toFixed(0)} ms; slowest ${slowest.file} ${slowest.ms.toFixed(0)} ms`);
  });

  // c50 (1,700-2,000 ops, 50 clients) is included: decided in well under a second.
  for (const c of ['c01', 'c10', 'c50']) {
    for (const kind of ['ok', 'bad']) {
      const name = `kv/${c}-${kind}.txt`;
      it(`${name} gets the expected verdict`, async () => {
        const history = parseKvEdn(readFileSync(path.join(dataDir, name), 'utf8'), name);
        const r = await checkLinearizable(history, kv, { timeoutMs: 20_000 });
        expect(r.valid).toBe(expected.get(name));
        if (r.valid === false) expect(r.invalidKeys).toHaveLength(1);
      });
    }
  }
});
