/**
 * The images Faultline's workloads run in, by name. Each is a registry-free rootfs image
 * (see rootfs.ts); every one also carries `sleep`, which the Docker backend's per-node
 * network holder runs (see docker.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { FaultlineError } from '../../core/errors.js';
import { packageRoot } from '../../core/paths.js';
import { libfaketimePath } from '../faketime.js';
import type { DockerfileBuild } from './dockerfile.js';
import { ensureRootfsImage, type EnsureResult, type RootfsRecipe } from './rootfs.js';

export const IMAGE_NAMES = ['node', 'etcd', 'nettools'] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

/** The program the network holder runs (present in every image we build, at this path). */
export function sleepBinary(): string {
  return findBinary('every', ['/bin/sleep', '/usr/bin/sleep'], 'install coreutils');
}

/**
 * Where a system's nodes come from on the Docker backend: a built-in image by name, an
 * image the local engine already has, or a Dockerfile built here. The built-in systems
 * are node programs, so without a choice the backend uses `node`. Kept beside the spec
 * rather than in the backend-neutral `SystemSpec` contract.
 */
export type ImageSource = ImageName | { existing: string } | { dockerfile: DockerfileBuild };

export interface ImageChoice {
  image?: ImageSource;
}

export function imageOf(system: object): ImageSource {
  return (system as ImageChoice).image ?? 'node';
}

/**
 * Built-in images carry this host's binaries at their host paths, so host directories
 * (this package, a workload's folder) are mounted into them at the same paths; a user's
 * image has its own filesystem and gets neither.
 */
export function isHostPathImage(source: ImageSource): source is ImageName {
  return typeof source === 'string';
}

function findBinary(name: string, candidates: readonly string[], hint: string): string {
  const found = candidates.find((c) => c && existsSync(c));
  if (!found) throw new FaultlineError(`the ${name} image needs ${candidates.filter(Boolean).join(' or ')}: ${hint}`);
  return found;
}

/** What goes into each image; binaries land at the same absolute path as on the host. */
export function recipe(name: ImageName): RootfsRecipe {
  const sleep = sleepBinary();
  switch (name) {
    case 'node': {
      // The host's own node: the kv servers run the compiled dist/ that the backend mounts
      // read-only at the same path, with `process.execPath` as the command. libfaketime,
      // when the host has it, comes along so clock faults work in containers too.
      const faketime = hostFaketime();
      return { name, binaries: [process.execPath, sleep], files: faketime };
    }
    case 'etcd':
      return { name, binaries: [etcdBinary(), sleep] };
    case 'nettools': {
      // The host's own iptables/tc/ip for the one-shot NET_ADMIN sidecars that change a
      // node's network when the harness cannot nsenter (not root). iptables loads its
      // matches and targets as plugins from the xtables directory.
      const iptables = findBinary('nettools', ['/usr/sbin/iptables', '/sbin/iptables'], 'apt-get install -y iptables');
      const tc = findBinary('nettools', ['/usr/sbin/tc', '/sbin/tc'], 'apt-get install -y iproute2');
      const ip = findBinary('nettools', ['/usr/sbin/ip', '/sbin/ip', '/bin/ip'], 'apt-get install -y iproute2');
      const ss = findBinary('nettools', ['/usr/bin/ss', '/bin/ss', '/usr/sbin/ss'], 'apt-get install -y iproute2');
      const plugins = XTABLES_DIRS.filter((d) => existsSync(d)).flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.so')).map((f) => join(d, f)));
      return { name, binaries: [iptables, tc, ip, ss, sleep], files: plugins, dirs: ['run'] };
    }
  }
}

/** The etcd the etcd image carries, at the same path inside it: Debian's etcd-server, or FAULTLINE_ETCD. */
export function etcdBinary(): string {
  return findBinary('etcd', [process.env.FAULTLINE_ETCD ?? '', '/usr/bin/etcd'], 'apt-get install -y etcd-server (or set FAULTLINE_ETCD to an etcd binary)');
}

const XTABLES_DIRS = ['/usr/lib/x86_64-linux-gnu/xtables', '/usr/lib/aarch64-linux-gnu/xtables', '/usr/lib/xtables', '/usr/lib64/xtables'];

/** The host's libfaketime as a one-element list, or none when it is not installed. */
function hostFaketime(): string[] {
  try {
    return [libfaketimePath()];
  } catch {
    return [];
  }
}

/**
 * Built-in systems whose image is a Dockerfile in this package's `images/` (they need
 * Debian packages, not just a host binary); `faultline images <name>` builds them ahead.
 */
export const DOCKERFILE_IMAGES = ['postgres', 'zookeeper', 'redis', 'rabbitmq', 'nats', 'mariadb'] as const;
export type DockerfileImageName = (typeof DOCKERFILE_IMAGES)[number];

export function dockerfileImage(name: DockerfileImageName): ImageSource {
  return { dockerfile: { name, context: join(packageRoot, 'images', name) } };
}

/** Builds the named image unless an identical one exists; resolves with its tag. */
export function ensureImage(docker: Docker, name: ImageName, log?: (m: string) => void): Promise<EnsureResult> {
  return ensureRootfsImage(docker, recipe(name), log);
}
