/**
 * Picks the /24 a run's Docker network uses: in 10.214.0.0/16 (the local backend uses
 * 10.213/16), starting at a byte derived from the run id, skipping any subnet an existing
 * Docker network or a host route already covers — a clash would silently reroute traffic.
 */
import type Docker from 'dockerode';
import { FaultlineError } from '../core/errors.js';
import { run } from './sh.js';

interface Cidr {
  base: number;
  bits: number;
}

function parseCidr(s: string): Cidr | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(s.trim());
  if (!m) return undefined;
  const [a, b, c, d] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  return { base: (((a << 24) | (b << 16) | (c << 8) | d) >>> 0) & mask(bits), bits };
}

function mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function overlaps(x: Cidr, y: Cidr): boolean {
  const bits = Math.min(x.bits, y.bits);
  return ((x.base & mask(bits)) >>> 0) === ((y.base & mask(bits)) >>> 0);
}

/** Subnets in use: every Docker network's IPAM config and every host route but the default. */
async function usedSubnets(docker: Docker): Promise<Cidr[]> {
  const used: Cidr[] = [];
  for (const n of await docker.listNetworks()) {
    for (const c of n.IPAM?.Config ?? []) {
      const cidr = c.Subnet ? parseCidr(c.Subnet) : undefined;
      if (cidr) used.push(cidr);
    }
  }
  const routes = await run(['ip', '-4', 'route', 'show']).catch(() => undefined);
  for (const line of routes?.stdout.split('\n') ?? []) {
    const dest = line.split(' ')[0] ?? '';
    if (dest === 'default' || dest === '') continue;
    const cidr = parseCidr(dest);
    if (cidr) used.push(cidr);
  }
  return used;
}

/** The third octet of a free 10.214.X.0/24, trying the run id's byte first. */
export async function pickSubnet(docker: Docker, runId: string): Promise<string> {
  const used = await usedSubnets(docker);
  const start = parseInt(runId.slice(0, 2), 16) || 0;
  for (let i = 0; i < 256; i++) {
    const x = (start + i) % 256;
    const cand = parseCidr(`10.214.${x}.0/24`)!;
    if (!used.some((u) => overlaps(u, cand))) return `10.214.${x}`;
  }
  throw new FaultlineError('no free /24 left in 10.214.0.0/16 for a Docker network: run `faultline clean` or remove networks that use it');
}
