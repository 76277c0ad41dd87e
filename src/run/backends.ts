/**
 * The backends a run can use (`--backend`), each with what it needs of the host and how it
 * makes a cluster. A backend with options of its own (an SSH backend's `--hosts`,
 * `--ssh-key`, `--sudo`; several Docker engines' `--docker-hosts`) declares them in its
 * `options`, with `backends: [<its name>]`, and they join the option table: parsed,
 * documented and replayed like the others, refused with any other backend.
 */
import type { Cluster, SystemSpec } from '../cluster/cluster.js';
import { DockerCluster, requireDockerBackend } from '../cluster/docker.js';
import { LocalCluster } from '../cluster/local.js';
import { SshCluster } from '../cluster/ssh.js';
import { hostsOf } from '../cluster/ssh-hosts.js';
import { requireNamespaces } from '../cluster/privileges.js';
import { run } from '../cluster/sh.js';
import { FaultlineError } from '../core/errors.js';
import type { TestOptions } from '../core/test.js';
import type { HostTool } from '../nemesis/package.js';
import { defineOption, flag, text, type OptionSpec } from './options/spec.js';

/** What a backend is given to make the run's cluster. */
interface ClusterSetup {
  runId: string;
  nodes: readonly string[];
  system: SystemSpec;
  logDir: string;
  log: (msg: string) => void;
  /** Progress of slow steps (image builds) for a person watching. */
  notice: (msg: string) => void;
  /** Problems a person must see even with --quiet (teardown giving up on a process). */
  warn: (msg: string) => void;
  /** Launch nodes under libfaketime (clock faults). */
  fakeTime: boolean;
  options: TestOptions;
}

interface Backend {
  readonly name: string;
  /** Options only this backend takes. */
  readonly options: readonly OptionSpec[];
  /** Whether its clusters can start helper processes in a node's namespace (`Cluster.spawnNet`: latency's proxy). */
  readonly spawnsHelpers: boolean;
  /** Throws one line when the backend cannot run here with the host tools the faults need. */
  require(hostTools: readonly HostTool[]): Promise<void>;
  cluster(s: ClusterSetup): Cluster;
}

const local: Backend = {
  name: 'local',
  options: [],
  spawnsHelpers: true,
  async require(hostTools) {
    await requireNamespaces();
    for (const t of hostTools) {
      const have = await run(['sh', '-c', 'command -v "$1"', 'sh', t.name]).catch(() => undefined);
      if (have?.exitCode !== 0) throw new FaultlineError(`these faults need \`${t.name}\` on the host: apt-get install -y ${t.apt} (or drop them from --nemesis)`);
    }
  },
  cluster: (s) => new LocalCluster({ runId: s.runId, nodes: s.nodes, system: s.system, logDir: s.logDir, log: s.log, warn: s.warn, fakeTime: s.fakeTime }),
};

const docker: Backend = {
  name: 'docker',
  options: [],
  spawnsHelpers: true,
  require: (hostTools) => requireDockerBackend(hostTools),
  cluster: (s) => new DockerCluster({ runId: s.runId, nodes: s.nodes, system: s.system, logDir: s.logDir, log: s.log, notice: s.notice, fakeTime: s.fakeTime }),
};

const sshHosts = defineOption({
  key: 'sshHosts',
  flag: 'hosts',
  arg: '<list>',
  type: text('<list>'),
  help: 'the nodes\' hosts, `n1=user@host:port,…` (user defaults to root, port to 22)',
  replay: true,
});
const sshHostsFile = defineOption({
  key: 'sshHostsFile',
  flag: 'hosts-file',
  arg: '<file>',
  type: text('<file>'),
  help: 'the hosts, one a line as in `--hosts` (a bare host name a line, as Jepsen\'s `--nodes-file`, works)',
  replay: true,
});
const sshKey = defineOption({ key: 'sshKey', flag: 'ssh-key', arg: '<file>', type: text('<file>'), help: 'private key to log in with (default: the agent and ssh\'s default keys)', replay: true });
const sshKnownHosts = defineOption({
  key: 'sshKnownHosts',
  flag: 'known-hosts',
  arg: '<file>',
  type: text('<file>'),
  help: 'known_hosts file the hosts\' keys are checked against (default: ssh\'s own); never skipped',
  replay: true,
});
const sshSudo = defineOption({ key: 'sshSudo', flag: 'sudo', type: flag(), default: false, help: 'run commands on the hosts with `sudo -n` (the login is not root)', replay: true });

const ssh: Backend = {
  name: 'ssh',
  options: [sshHosts, sshHostsFile, sshKey, sshKnownHosts, sshSudo],
  spawnsHelpers: true,
  async require() {
    const have = await run(['sh', '-c', 'command -v ssh']).catch(() => undefined);
    if (have?.exitCode !== 0) throw new FaultlineError('--backend ssh needs OpenSSH\'s client here: apt-get install -y openssh-client');
  },
  cluster: (s) => {
    const o = s.options as unknown as Record<string, unknown>;
    const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    const hosts = hostsOf({ sshHosts: str('sshHosts'), sshHostsFile: str('sshHostsFile') });
    return new SshCluster({
      runId: s.runId,
      nodes: s.nodes,
      system: s.system,
      hosts,
      logDir: s.logDir,
      log: s.log,
      fakeTime: s.fakeTime,
      sudo: o.sshSudo === true,
      ...(str('sshKey') !== undefined ? { key: str('sshKey') } : {}),
      ...(str('sshKnownHosts') !== undefined ? { knownHosts: str('sshKnownHosts') } : {}),
    });
  },
};

export const BACKENDS: readonly Backend[] = [local, docker, ssh];
export const BACKEND_NAMES = BACKENDS.map((b) => b.name);

const byName = new Map(BACKENDS.map((b) => [b.name, b]));

export function backendNamed(name: string): Backend {
  const b = byName.get(name);
  if (!b) throw new FaultlineError(`unknown backend "${name}"; backends: ${BACKEND_NAMES.join(', ')}`, 4);
  return b;
}
