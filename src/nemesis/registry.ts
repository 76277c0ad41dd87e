/**
 * The registry of fault packages: the only place the fault kinds are listed. `--nemesis`,
 * schedules, replay, the report's windows, the progress line and the run's requirement
 * checks all look kinds and op functions up here. Adding a kind: its package file, and
 * one line in FAULT_PACKAGES.
 */
import { bandwidth } from './bandwidth.js';
import { clock } from './clock.js';
import { kill } from './kill.js';
import { latency } from './latency.js';
import { loss } from './loss.js';
import type { FaultNeeds, FaultPackage, HostTool } from './package.js';
import { partition } from './partition.js';
import { pause } from './pause.js';

/** Every fault kind, in the order help and docs list them. */
export const FAULT_PACKAGES = [partition, kill, pause, clock, loss, bandwidth, latency] as const;

export type FaultKind = (typeof FAULT_PACKAGES)[number]['kind'];
export const FAULT_KINDS: readonly FaultKind[] = FAULT_PACKAGES.map((p) => p.kind);

const byKind = new Map<string, FaultPackage<FaultKind>>(FAULT_PACKAGES.map((p) => [p.kind, p]));

/** What an op function does: start or undo a fault of its package's kind. */
interface FaultOpRole {
  pkg: FaultPackage<FaultKind>;
  role: 'start' | 'stop';
}

const byF = new Map<string, FaultOpRole>();
for (const pkg of FAULT_PACKAGES) {
  for (const f of pkg.startFs) byF.set(f, { pkg, role: 'start' });
  for (const f of pkg.stopFs) byF.set(f, { pkg, role: 'stop' });
}

export function isFaultKind(x: string): x is FaultKind {
  return byKind.has(x);
}

/** The package of a kind, or undefined for a name that is not one (`__proto__` included). */
export function faultPackage(kind: string): FaultPackage<FaultKind> | undefined {
  return byKind.get(kind);
}

/** The package and role of a fault op function ("kill" starts kill; "start" undoes it). */
export function faultOpRole(f: string): FaultOpRole | undefined {
  return byF.get(f);
}

/** The fault kinds a list of fault ops needs, for the nemesis that will carry it out. */
export function kindsOf(ops: readonly { f: string }[]): FaultKind[] {
  return [...new Set(ops.map((o) => faultOpRole(o.f)?.pkg.kind).filter((k): k is FaultKind => k !== undefined))];
}

/** What the kinds need together (host tools without repeats). */
export function needsOf(kinds: readonly string[]): Required<Omit<FaultNeeds, 'hostTools' | 'netfilterTables'>> & { hostTools: HostTool[]; netfilterTables: string[] } {
  const pkgs = kinds.map((k) => byKind.get(k)).filter((p): p is FaultPackage<FaultKind> => p !== undefined);
  const tools = new Map<string, HostTool>();
  for (const p of pkgs) for (const t of p.needs.hostTools ?? []) tools.set(t.name, t);
  return {
    hostTools: [...tools.values()],
    netfilterTables: [...new Set(pkgs.flatMap((p) => p.needs.netfilterTables ?? []))],
    fakeTime: pkgs.some((p) => p.needs.fakeTime === true),
    spawnNet: pkgs.some((p) => p.needs.spawnNet === true),
    servicePort: pkgs.some((p) => p.needs.servicePort === true),
    primary: pkgs.some((p) => p.needs.primary === true),
  };
}
