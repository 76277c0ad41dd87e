/**
 * Fault windows from the nemesis ops in the history: when each fault was in force, so
 * plots can shade them. The history (not test.json's schedule) is the source because it
 * records what was actually done and when, including a fault a crash left unhealed.
 * Which ops open and close a window, and what a window is called, come from the fault
 * packages (nemesis/registry.ts); faults of different kinds may overlap.
 */
import { pairOps } from '../core/history-reader.js';
import type { Op } from '../core/op.js';
import { describeTargets, type FaultColour } from '../nemesis/package.js';
import { faultOpRole } from '../nemesis/registry.js';

export interface FaultWindow {
  /** The fault kind (partition, kill, …), or the op name of a fault no package knows. */
  kind: string;
  /** Short human label: "kill n5", "partition n1,n3 | n2,n4,n5". */
  label: string;
  /** The kind's colour family; undefined for faults no package knows. */
  colour?: FaultColour;
  /** ns since start: the invocation of the op that began the fault. */
  start: number;
  /** ns: the completion of the op that healed it, or the end of the history. */
  end: number;
  /** True when nothing healed it before the history ended. */
  unhealed: boolean;
}

/** Open/close for a function name; unknown `start-x`/`stop-x` pairs are understood too. */
function classify(f: string): { open?: string; close?: string; colour?: FaultColour; describe?: (value: unknown) => string } {
  const known = faultOpRole(f);
  if (known) {
    const describe = (value: unknown) => known.pkg.describe(f, value);
    return known.role === 'start' ? { open: known.pkg.kind, colour: known.pkg.colour, describe } : { close: known.pkg.kind };
  }
  let m = /^start-(.+)$/.exec(f);
  if (m) return { open: m[1]! };
  m = /^stop-(.+)$/.exec(f);
  if (m) return { close: m[1]! };
  return {};
}

/**
 * Windows from a whole history, sorted by start. A fault whose invocation failed did not
 * happen and opens nothing; one that ended `info` may have happened and is shown. A heal
 * closes every open window of its kind (the nemesis heals "all"); windows of other kinds
 * stay open, so overlapping faults each keep their own window.
 */
export function faultWindows(ops: readonly Op[]): FaultWindow[] {
  // A loop, not Math.max(...): spreading 100k arguments can overflow the stack.
  let end = 0;
  for (const o of ops) if (o.time > end) end = o.time;
  const out: FaultWindow[] = [];
  const open = new Map<string, FaultWindow[]>();
  for (const p of pairOps(ops)) {
    // A fault still in flight when the run ended is not known to have happened.
    if (p.process !== 'nemesis' || p.complete === undefined) continue;
    const { invoke: inv, complete: op } = p;
    // What was actually done: the completion's value, else what was asked for.
    const value = op.value ?? inv.value;
    const c = classify(op.f);
    if (c.open !== undefined) {
      if (op.type === 'fail') continue;
      const label = c.describe ? c.describe(value) : describeTargets(c.open, value);
      const w: FaultWindow = { kind: c.open, label, ...(c.colour ? { colour: c.colour } : {}), start: inv.time, end, unhealed: true };
      out.push(w);
      open.set(c.open, [...(open.get(c.open) ?? []), w]);
    } else if (c.close !== undefined) {
      for (const w of open.get(c.close) ?? []) {
        w.end = op.time;
        w.unhealed = false;
      }
      open.delete(c.close);
    } else if (op.type !== 'fail') {
      // A fault the report does not know how to pair: show it as a zero-width event.
      out.push({ kind: op.f, label: describeTargets(op.f, value), start: inv.time, end: op.time, unhealed: false });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
