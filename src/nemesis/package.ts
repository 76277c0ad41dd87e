/**
 * A fault package (after Jepsen's nemesis/combined): one fault kind, everything about it in
 * one module — its name, the ops that start and undo it, how a start op is drawn (targets,
 * shapes), the Nemesis that carries the ops out, what it needs from the host, the backend
 * and the system, its colour in the report, and how a fault of it is described (the
 * report's window labels and the progress line use the same words).
 *
 * Everything else derives from the packages through registry.ts: `--nemesis`, the fault
 * schedules (faults.ts), replay (fixed-schedule.ts), the report's fault windows, the
 * progress line, the run's requirement checks, the README's Faults table.
 *
 * Adding a fault kind = one file `src/nemesis/<kind>.ts` exporting
 * `defineFaultPackage({...})`, plus one line in registry.ts.
 */
import type { OpTemplate } from '../core/generator/types.js';
import type { Rng } from '../core/rng.js';
import type { Nemesis } from './nemesis.js';
import type { PartitionShape } from './partition.js';
import type { PrimaryResolver } from './targets.js';

/** What a package may use when it draws a start op. */
export interface DrawOptions {
  /** The system can name its primary: "primary" targets and shapes may be drawn. */
  primary: boolean;
  /** Partitions draw only these shapes (e.g. always isolate the primary); default: all that fit. */
  shapes?: readonly PartitionShape[];
}

/** What a package's Nemesis may be given by the workload (see `faults()`). */
export interface NemesisOptions {
  /** Looks up the system's primary for "primary" targets. */
  primary?: PrimaryResolver;
  /** The service port inside each node (latency proxies it). */
  port?: number;
}

/** A program a package runs in a node's network namespace, and where it comes from. */
export interface HostTool {
  name: string;
  /** The Debian package that installs it (for the error that says it is missing). */
  apt: string;
}

/**
 * What a fault kind needs beyond signals to node processes, checked before a run starts
 * (run/requirements.ts) so a missing piece is one line, not a fault that silently does
 * nothing.
 */
export interface FaultNeeds {
  /** Host programs run in a node's network namespace (Docker copies them into its sidecar image). */
  readonly hostTools?: readonly HostTool[];
  /** Netfilter tables besides `filter` that the rules go into (for the docs: latency redirects in `nat`). */
  readonly netfilterTables?: readonly string[];
  /** Nodes launched under libfaketime, so the system must read its clock through libc. */
  readonly fakeTime?: boolean;
  /** Helper processes in a node's namespace (`Cluster.spawnNet`). */
  readonly spawnNet?: boolean;
  /** The system's service port (`NemesisOptions.port`). */
  readonly servicePort?: boolean;
  /** Uses the system's primary for "primary" targets, when it names one. */
  readonly primary?: boolean;
}

/** The report's colour families: kinds that hurt the same way share one. */
export type FaultColour = 'cut' | 'crash' | 'freeze' | 'time' | 'degraded';

export interface FaultPackage<K extends string = string> {
  /** The kind's name: what `--nemesis`, a workload's `faults`, the report and test.json call it. */
  readonly kind: K;
  /** What happens to the system (README's Faults table, `faultline help`). */
  readonly summary: string;
  /** How it is done (README's Faults table). */
  readonly mechanism: string;
  /** Op functions that start a fault of this kind (open a window in the report). */
  readonly startFs: readonly string[];
  /** Op functions that undo faults of this kind (close every open window of it). */
  readonly stopFs: readonly string[];
  readonly needs: FaultNeeds;
  readonly colour: FaultColour;
  /** A start op with its targets (and shape, strength…) drawn from `rng`. */
  draw(nodes: readonly string[], rng: Rng, o: DrawOptions): OpTemplate;
  /** The op that undoes every fault of this kind still in force (also the final heal). */
  stop(): OpTemplate;
  /** Carries out this kind's ops; its teardown undoes whatever is still in force. */
  nemesis(o: NemesisOptions): Nemesis;
  /**
   * A fault given in advance that hits exactly `nodes` of `all` (fast-check schedules):
   * its start op and the op that undoes it. Absent for kinds that cannot be aimed so.
   */
  aimed?(nodes: readonly string[], all: readonly string[]): { start: OpTemplate; stop: OpTemplate };
  /**
   * A fault in a few words, from a start op's function and value (the value it completed
   * with: what was actually done): "kill n5", "partition halves n1,n2 | n3,n4,n5".
   */
  describe(f: string, value: unknown): string;
}

/** Declares a package, keeping its kind as a literal type (so the registry knows every kind). */
export function defineFaultPackage<const K extends string>(p: FaultPackage<K>): FaultPackage<K> {
  return p;
}

/**
 * The usual description: the kind, the nodes hit, then any scalar parameters
 * ("loss n2 probability=0.3"); values of other shapes as JSON. Cut to 70 characters.
 */
export function describeTargets(kind: string, value: unknown): string {
  const cut = (s: string) => (s.length > 70 ? s.slice(0, 70) + '…' : s);
  if (isStrings(value)) return cut(`${kind} ${value.join(',')}`);
  if (value === null || value === undefined || value === 'all' || value === '') return kind;
  if (typeof value === 'string') return cut(`${kind} ${value}`);
  if (typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (isStrings(o.nodes) || typeof o.nodes === 'string') {
      const rest = Object.entries(o)
        .filter(([k, v]) => k !== 'nodes' && (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'))
        .map(([k, v]) => `${k}=${String(v)}`);
      return cut([`${kind} ${isStrings(o.nodes) ? o.nodes.join(',') : o.nodes}`, ...rest].join(' '));
    }
  }
  return cut(`${kind} ${JSON.stringify(value) ?? String(value)}`);
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Rounds a drawn parameter to 3 decimals, so histories and test.json stay readable. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
