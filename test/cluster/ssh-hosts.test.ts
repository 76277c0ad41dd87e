/**
 * The SSH backend's host lists (`--hosts`, `--hosts-file`) and the pieces of its remote
 * commands that can be checked without a host: quoting, chain names, the cleanup script.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { cleanupScript, runChain, shq } from '../../src/cluster/ssh.js';
import { hostsOf, parseHosts } from '../../src/cluster/ssh-hosts.js';

describe('ssh host lists', () => {
  it('reads names, users, hosts and ports, with root and 22 as defaults', () => {
    expect(parseHosts(['n1=admin@10.0.0.11:2222', 'n2=db2.example', '[fe80::1]:22'], 'x')).toEqual([
      { node: 'n1', user: 'admin', host: '10.0.0.11', port: 2222 },
      { node: 'n2', user: 'root', host: 'db2.example', port: 22 },
      { node: 'n3', user: 'root', host: 'fe80::1', port: 22 },
    ]);
  });

  it('refuses malformed entries, bad ports, and names out of order, with a usage error', () => {
    expect(() => parseHosts(['n1=root@'], '--hosts')).toThrow(/--hosts: "n1=root@" is not \[nX=\]\[user@\]host\[:port\]/);
    expect(() => parseHosts(['h:70000'], '--hosts')).toThrow(/port 70000/);
    expect(() => parseHosts(['n2=a', 'n1=b'], '--hosts')).toThrow(/entry 1 names n2/);
    expect(() => parseHosts(['n1=a', 'n1=b'], '--hosts')).toThrow(/n1 is given twice/);
    expect(() => hostsOf({})).toThrow(UsageError);
    expect(() => hostsOf({ sshHosts: 'a', sshHostsFile: 'b' })).toThrow(/both given/);
  });

  it('reads a hosts file in Jepsen\'s nodes-file shape, with comments and blank lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-test-hosts-'));
    try {
      const file = join(dir, 'nodes');
      writeFileSync(file, '# the five\nn1.example\n\nadmin@n2.example:2200  # second\n');
      expect(hostsOf({ sshHostsFile: file })).toEqual([
        { node: 'n1', user: 'root', host: 'n1.example', port: 22 },
        { node: 'n2', user: 'admin', host: 'n2.example', port: 2200 },
      ]);
      expect(() => hostsOf({ sshHostsFile: join(dir, 'missing') })).toThrow(/--hosts-file .*missing: cannot read it \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ssh remote commands', () => {
  it('quotes words so the remote shell sees them unchanged', () => {
    const words = ['plain', "it's", 'a b', '$HOME', '`x`', '', 'x;y'];
    const out = execFileSync('sh', ['-c', `printf '%s\\n' ${words.map(shq).join(' ')}`], { encoding: 'utf8' });
    expect(out).toBe(words.map((w) => `${w}\n`).join(''));
  });

  it('names fault chains with the run id, and its cleanup script matches only that run', () => {
    expect(runChain('FAULTLINE-LOSS', 'abc123')).toBe('FAULTLINE-LOSS-abc123');
    const script = cleanupScript('abc123', '/tmp/faultline-abc123-n1', true);
    expect(script).toContain("-j FAULTLINE[A-Z-]*-abc123( |$)");
    expect(script).toContain('rm -rf "$D"');
    // Valid sh.
    execFileSync('sh', ['-n', '-c', script]);
  });
});
