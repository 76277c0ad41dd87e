/**
 * Runs a checker on part of a history: the client ops whose invocation `keep` accepts
 * (with their completions), plus every nemesis op. For a workload that mixes kinds of ops
 * each checker understands only some of (registers and a set on the same store), so every
 * checker still sees a well-formed history of its own ops, with their original indices.
 */
import type { Op } from '../core/op.js';
import type { Checker } from './checker.js';

export function selectOps(checker: Checker, keep: (invoke: Op) => boolean, name = checker.name): Checker {
  return {
    name,
    check(history, ctx) {
      const kept = new Map<number | string, boolean>();
      const part = history.filter((op) => {
        if (typeof op.process !== 'number') return true;
        if (op.type === 'invoke') kept.set(op.process, keep(op));
        return kept.get(op.process) === true;
      });
      return checker.check(part, ctx);
    },
  };
}
