/**
 * Fault windows from the nemesis ops in the history: when each fault was in force, so
 * plots can shade them. The history (not test.json's schedule) is the source because it
 * records what was actually done and when, including a fault a crash left unhealed.
 */
import type { Op } from '../core/op.js';
import { showValue } from './escape.js';

export interface FaultWindow {
  /** partition, kill, pause, or the name of an unknown fault. */
  kind: string;
  /** Short human label: "kill n5", "partition n1,n3 | n2,n4,n5". */
  label: string;
  /** ns since start: the invocation of the op that began the fault. */
  start: number;
  /** ns: the completion of the op that healed it, or the end of the history. */
  end: number;
  /** True when nothing healed it before the history ended. */
  unhealed: boolean;
}

/** Which nemesis function opens a window of which kind, and which functions close it. */
const OPENERS: Record<string, { kind: string; closers: string[] }> = {
  'start-partition': { kind: 'partition', closers: ['stop-partition'] },
  kill: { kind: 'kill', closers: ['start'] },
  pause: { kind: 'pause', closers: ['resume'] },
  'clock-bump': { kind: 'clock', closers: ['clock-reset'] },
  'clock-strobe': { kind: 'clock', closers: ['clock-reset'] },
};

/** Open/close for a function name; unknown `start-x`/`stop-x` pairs are understood too. */
function classify(f: string): { open?: string; close?: string[] } {
  const known = OPENERS[f];
  if (known) return { open: known.kind };
  const closes = Object.values(OPENERS).filter((o) => o.closers.includes(f)).map((o) => o.kind);
  if (closes.length) return { close: closes };
  let m = /^start-(.+)$/.exec(f);
  if (m) return { open: m[1]! };
  m = /^stop-(.+)$/.exec(f);
  if (m) return { close: [m[1]!] };
  return {};
}

/**
 * Windows from a whole history, sorted by start. A fault whose invocation failed did not
 * happen and opens nothing; one that ended `info` may have happened and is shown. A heal
 * closes every open window of its kind (the nemesis heals "all").
 */
export function faultWindows(ops: readonly Op[]): FaultWindow[] {
  const nem = ops.filter((o) => o.process === 'nemesis');
  // A loop, not Math.max(...): spreading 100k arguments can overflow the stack.
  let end = 0;
  for (const o of ops) if (o.time > end) end = o.time;
  const out: FaultWindow[] = [];
  const open = new Map<string, FaultWindow[]>();
  let pending: Op | undefined; // the nemesis's invocation in flight
  for (const op of nem) {
    if (op.type === 'invoke') {
      pending = op;
      continue;
    }
    const inv = pending && pending.f === op.f ? pending : op;
    pending = undefined;
    const c = classify(op.f);
    if (c.open !== undefined) {
      if (op.type === 'fail') continue;
      const w: FaultWindow = { kind: c.open, label: faultLabel(c.open, inv.value ?? op.value), start: inv.time, end, unhealed: true };
      out.push(w);
      const list = open.get(c.open) ?? [];
      list.push(w);
      open.set(c.open, list);
    } else if (c.close) {
      for (const kind of c.close) {
        for (const w of open.get(kind) ?? []) {
          w.end = op.time;
          w.unhealed = false;
        }
        open.delete(kind);
      }
    } else if (op.type !== 'fail') {
      // A fault the report does not know how to pair: show it as a zero-width event.
      out.push({ kind: op.f, label: faultLabel(op.f, inv.value ?? op.value), start: inv.time, end: op.time, unhealed: false });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * "kill n5", "partition n1,n3 | n2,n4,n5", "partition ring …", "loss n2 probability=0.3";
 * falls back to the value as JSON.
 */
export function faultLabel(kind: string, value: unknown): string {
  const cut = (s: string) => (s.length > 70 ? s.slice(0, 70) + '…' : s);
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (isStrings(value)) return cut(`${kind} ${value.join(',')}`);
  if (value === null || value === undefined || value === 'all') return kind;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (kind === 'partition') {
      // Either a bare grudge or { shape, grudge? }.
      const grudge = typeof o.grudge === 'object' && o.grudge !== null ? (o.grudge as Record<string, unknown>) : typeof o.shape === 'string' ? undefined : o;
      const comps = grudge ? grudgeComponents(grudge) : undefined;
      const shape = typeof o.shape === 'string' ? ` ${o.shape}` : '';
      if (comps || shape) return cut(`${kind}${shape}${comps ? ' ' + comps.map((c) => c.join(',')).join(' | ') : ''}`);
    }
    if (isStrings(o.nodes)) {
      const rest = Object.entries(o)
        .filter(([k, v]) => k !== 'nodes' && (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'))
        .map(([k, v]) => `${k}=${String(v)}`);
      return cut([`${kind} ${o.nodes.join(',')}`, ...rest].join(' '));
    }
  }
  return cut(`${kind} ${showValue(value)}`);
}

/**
 * Nodes grouped by the set they drop: for a complete grudge these are the sides of the
 * partition. Undefined when the value is not a grudge (node -> list of nodes).
 */
export function grudgeComponents(g: Record<string, unknown>): string[][] | undefined {
  const groups = new Map<string, string[]>();
  for (const [node, drops] of Object.entries(g)) {
    if (!Array.isArray(drops) || !drops.every((d) => typeof d === 'string')) return undefined;
    const key = [...(drops as string[])].sort().join(',');
    const list = groups.get(key) ?? [];
    list.push(node);
    groups.set(key, list);
  }
  const comps = [...groups.values()].map((c) => c.sort());
  return comps.length ? comps.sort((a, b) => a.length - b.length || a[0]!.localeCompare(b[0]!)) : undefined;
}
