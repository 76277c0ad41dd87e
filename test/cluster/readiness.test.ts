/**
 * The one readiness wait both backends use: which limit applies, and the one-line errors
 * for a node that exits, never serves, or whose setup is interrupted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SystemSpec } from '../../src/cluster/cluster.js';
import { waitUntilReady, type ReadyWait } from '../../src/cluster/readiness.js';

const dir = mkdtempSync(join(tmpdir(), 'fl-test-ready-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logFile = join(dir, 'n1.log');
writeFileSync(logFile, 'booting\nlistening\n');

function system(ready: () => Promise<boolean>, readyTimeoutMs?: number): SystemSpec {
  return { name: 'probe', port: 1, launch: () => ({ command: 'true', args: [] }), ready, ...(readyTimeoutMs !== undefined ? { readyTimeoutMs } : {}) };
}

const wait = (w: Partial<ReadyWait> & Pick<ReadyWait, 'system'>): Promise<void> =>
  waitUntilReady({ node: 'n1', address: { host: '127.0.0.1', port: 1 }, logFile, checkStopping: () => undefined, exited: () => undefined, ...w });

describe('waitUntilReady', () => {
  it('returns once the probe says ready, reading a log refreshed before each probe', async () => {
    let probes = 0;
    let refreshed = 0;
    await wait({ system: system(async () => ++probes === 3), refreshLog: async () => void refreshed++ });
    expect(probes).toBe(3);
    expect(refreshed).toBe(3);
  });

  it("takes the system's readyTimeoutMs, not the 20 s default", async () => {
    await expect(wait({ system: system(async () => false, 300) })).rejects.toThrow(/^node n1 was not ready within 0\.3 s; see .*n1\.log$/);
  });

  it("lets the cluster's limit override the system's", async () => {
    await expect(wait({ system: system(async () => false, 60_000), timeoutMs: 200 })).rejects.toThrow(/^node n1 was not ready within 0\.2 s;/);
  });

  it('counts a probe that throws as not ready yet', async () => {
    let probes = 0;
    await wait({
      system: system(async () => {
        if (++probes < 2) throw new Error('ECONNREFUSED');
        return true;
      }),
    });
    expect(probes).toBe(2);
  });

  it('names how a node that exited ended, with the last log lines', async () => {
    await expect(wait({ system: system(async () => false), exited: (probe) => (probe === 2 ? '1' : undefined) })).rejects.toThrow(
      /^node n1 exited \(1\) while starting; last log lines: .*listening/,
    );
  });

  it('stops when setup is interrupted', async () => {
    let probes = 0;
    const stopping = () => {
      if (probes >= 1) throw new Error('setup interrupted');
    };
    await expect(wait({ system: system(async () => (probes++, false)), checkStopping: stopping })).rejects.toThrow('setup interrupted');
    expect(probes).toBe(1);
  });
});
