/**
 * SSH "hosts" built on this machine, for the SSH backend's tests and bench: N network
 * namespaces on a bridge (in a hub namespace, as the local backend builds them), each
 * running Debian's sshd on its own address with a host key of its own and one generated
 * client key authorized, and a known_hosts file that lists exactly those host keys.
 * This machine reaches them through a veth into the hub, as Faultline's control machine
 * reaches real hosts. Requires root and /usr/sbin/sshd (apt-get install -y openssh-server).
 *
 *   here: flssh<id>h (10.217.X.1) ── hub br0 ── flssh-<id>-h1: eth0 (10.217.X.11), sshd on :22 …
 *
 * Everything is named `flssh-<id>…`, so it never collides with a run's `fl-` names.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { must, run } from '../cluster/sh.js';
import { shq } from '../cluster/ssh.js';

interface NetnsSshHost {
  node: string;
  ns: string;
  ip: string;
}

export interface NetnsSshHosts {
  hosts: NetnsSshHost[];
  /** Temp directory with the keys, configs and known_hosts. */
  dir: string;
  /** The authorized client key (private). */
  key: string;
  /** A key no host authorizes. */
  wrongKey: string;
  knownHosts: string;
  /** `n1=root@10.217.X.11:22,…`, for `--hosts`. */
  hostsArg: string;
  /** Stops every sshd, kills what runs in the namespaces, deletes them; bounded. */
  remove(): Promise<void>;
}

export const SSHD = '/usr/sbin/sshd';

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 500 });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

export async function buildNetnsSshHosts(count: number): Promise<NetnsSshHosts> {
  const id = randomBytes(2).toString('hex');
  const prefix = `flssh-${id}`;
  const hub = `${prefix}-hub`;
  const veth = `flssh${id}h`;
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const sshds: ResultPromise[] = [];
  const hosts: NetnsSshHost[] = [];
  const made: string[] = [];
  let vethMade = false;

  const remove = async (): Promise<void> => {
    for (const p of sshds) p.kill('SIGTERM');
    await Promise.race([Promise.all(sshds.map((p) => p.catch(() => undefined))), new Promise((r) => setTimeout(r, 3000))]);
    for (const p of sshds) p.kill('SIGKILL');
    await Promise.all(
      made.map(async (ns) => {
        const pids = await run(['ip', 'netns', 'pids', ns], 5000).catch(() => undefined);
        for (const pid of pids?.stdout.split(/\s+/).filter(Boolean) ?? []) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        await run(['ip', 'netns', 'del', ns], 10_000).catch(() => undefined);
      }),
    );
    if (vethMade) await run(['ip', 'link', 'del', veth], 5000).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const keygen = (file: string) => must(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', prefix, '-f', file]);
    const key = join(dir, 'client_key');
    const wrongKey = join(dir, 'wrong_key');
    await Promise.all([keygen(key), keygen(wrongKey)]);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${key}.pub`));
    // A /24 of 10.217.0.0/16 that no route uses.
    const routes = (await run(['ip', '-4', 'route', 'show'])).stdout;
    let subnet = '';
    for (let k = 0; k < 254 && subnet === ''; k++) {
      const x = ((parseInt(id, 16) + k) % 254) + 1;
      if (!routes.includes(`10.217.${x}.`)) subnet = `10.217.${x}`;
    }
    if (subnet === '') throw new Error('no free /24 in 10.217.0.0/16');
    made.push(hub);
    await must(['ip', 'netns', 'add', hub]);
    await must(['ip', '-n', hub, 'link', 'set', 'lo', 'up']);
    await must(['ip', '-n', hub, 'link', 'add', 'br0', 'type', 'bridge']);
    await must(['ip', '-n', hub, 'link', 'set', 'br0', 'up']);
    await must(['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'up0', 'netns', hub]);
    vethMade = true;
    await must(['ip', '-n', hub, 'link', 'set', 'up0', 'master', 'br0', 'up']);
    await must(['ip', 'addr', 'add', `${subnet}.1/24`, 'dev', veth]);
    await must(['ip', 'link', 'set', veth, 'up']);
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    const known: string[] = [];
    for (let i = 0; i < count; i++) {
      const node = `n${i + 1}`;
      const ns = `${prefix}-h${i + 1}`;
      const ip = `${subnet}.${11 + i}`;
      made.push(ns);
      await must(['ip', 'netns', 'add', ns]);
      await must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      await must(['ip', '-n', hub, 'link', 'add', `v-h${i + 1}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      await must(['ip', '-n', hub, 'link', 'set', `v-h${i + 1}`, 'master', 'br0', 'up']);
      await must(['ip', '-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
      await must(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
      const hostKey = join(dir, `h${i + 1}_host_key`);
      await keygen(hostKey);
      known.push(`${ip} ${readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')}`);
      const config = join(dir, `h${i + 1}_sshd_config`);
      writeFileSync(
        config,
        [
          `ListenAddress ${ip}`,
          'Port 22',
          `HostKey ${hostKey}`,
          `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
          'PermitRootLogin prohibit-password',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'UsePAM no',
          'StrictModes no',
          `PidFile ${join(dir, `h${i + 1}.pid`)}`,
          'MaxSessions 100',
          'MaxStartups 100',
          'LogLevel ERROR',
          '',
        ].join('\n'),
      );
      // A mount namespace of its own, where root's ~/.bashrc is an empty file: a fresh
      // host's, not this machine's (whose may load slow tools on every ssh command).
      const script = `for f in "$HOME/.bashrc" "$HOME/.profile" "$HOME/.bash_profile"; do [ -e "$f" ] && mount --bind ${shq(empty)} "$f"; done; exec ${SSHD} -D -e -f ${shq(config)}`;
      const p = execa('ip', ['netns', 'exec', ns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', script], { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: { file: join(dir, `h${i + 1}_sshd.log`) } });
      sshds.push(p);
      hosts.push({ node, ns, ip });
    }
    writeFileSync(join(dir, 'known_hosts'), known.join('\n') + '\n');
    // Ready when every sshd accepts connections (or gives up after 10 s).
    const deadline = Date.now() + 10_000;
    for (const h of hosts) {
      while (!(await canConnect(h.ip, 22))) {
        const p = sshds[hosts.indexOf(h)]!;
        if (p.exitCode !== null) throw new Error(`sshd in ${h.ns} exited: ${readFileSync(join(dir, `${h.ns.slice(prefix.length + 1)}_sshd.log`), 'utf8').trim()}`);
        if (Date.now() > deadline) throw new Error(`sshd in ${h.ns} did not listen on ${h.ip}:22 within 10 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return {
      hosts,
      dir,
      key,
      wrongKey,
      knownHosts: join(dir, 'known_hosts'),
      hostsArg: hosts.map((h) => `${h.node}=root@${h.ip}:22`).join(','),
      remove,
    };
  } catch (e) {
    await remove();
    throw e;
  }
}
