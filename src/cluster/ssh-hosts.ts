/**
 * Where the SSH backend's nodes run: `--hosts n1=user@host:port,…` or `--hosts-file FILE`
 * (one host a line, `#` comments; Jepsen's `--nodes-file` shape — a bare host name a line —
 * is accepted). An entry without a `nX=` name takes the next node name in order; without a
 * user it logs in as root; without a port, 22.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';

export interface SshHost {
  node: string;
  user: string;
  host: string;
  port: number;
}

/** One entry: `[nX=][user@]host[:port]`, IPv6 as `[addr]:port`. */
function parseEntry(raw: string, index: number, where: string): SshHost {
  const s = raw.trim();
  const m = /^(?:(n[1-9]\d*)=)?(?:([A-Za-z0-9._-]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d+))?$/.exec(s);
  if (!m) throw new UsageError(`${where}: "${s}" is not [nX=][user@]host[:port] (e.g. n1=root@10.0.0.11:22)`);
  const port = m[4] === undefined ? 22 : Number(m[4]);
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`${where}: port ${m[4]} of "${s}" is not 1..65535`);
  return { node: m[1] ?? `n${index + 1}`, user: m[2] ?? 'root', host: m[3]!.replace(/^\[|\]$/g, ''), port };
}

/** Parses a comma list (`--hosts`) or a file's lines (`--hosts-file`), checking node names. */
export function parseHosts(list: readonly string[], where: string): SshHost[] {
  const hosts = list.map((e, i) => parseEntry(e, i, where));
  const seen = new Set<string>();
  hosts.forEach((h, i) => {
    if (seen.has(h.node)) throw new UsageError(`${where}: node ${h.node} is given twice`);
    seen.add(h.node);
    if (h.node !== `n${i + 1}`) throw new UsageError(`${where}: entry ${i + 1} names ${h.node}; name the hosts n1, n2, … in order (or leave the names out)`);
  });
  if (hosts.length === 0) throw new UsageError(`${where}: no hosts given`);
  return hosts;
}

/** The hosts of a run's options, from `--hosts` or `--hosts-file`; a usage error when neither or both. */
export function hostsOf(opts: { sshHosts?: string | undefined; sshHostsFile?: string | undefined }): SshHost[] {
  if (opts.sshHosts !== undefined && opts.sshHostsFile !== undefined) throw new UsageError('--hosts and --hosts-file both given; give one');
  if (opts.sshHosts !== undefined) return parseHosts(opts.sshHosts.split(',').filter((e) => e.trim() !== ''), '--hosts');
  if (opts.sshHostsFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.sshHostsFile, 'utf8');
    } catch (e) {
      throw new UsageError(`--hosts-file ${opts.sshHostsFile}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const lines = text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '');
    return parseHosts(lines, `--hosts-file ${opts.sshHostsFile}`);
  }
  throw new UsageError('--backend ssh needs its hosts: --hosts n1=root@10.0.0.11,n2=… or --hosts-file FILE');
}
