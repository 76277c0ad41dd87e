/**
 * The op mix of a register workload: reads, writes and compare-and-set in equal shares on
 * a few independent keys, with small values so that writes collide. Values are `[key, v]`
 * tuples (read `[k, null]`, write `[k, v]`, cas `[k, [from, to]]`), which the
 * `multiRegister` model checks per key.
 */
import { gen } from '../core/generator/index.js';
import type { GenContext, Generator, OpTemplate } from '../core/generator/types.js';

export interface RegisterOpsOptions {
  /** Key names, or how many (k0, k1, …). Default 5. */
  keys?: number | readonly string[];
  /** Values are drawn from 0..values-1. Default 5. */
  values?: number;
  /** Relative weights of the three operations. Default equal. */
  mix?: { read: number; write: number; cas: number };
}

export function registerKeys(o: RegisterOpsOptions = {}): string[] {
  const keys = o.keys ?? 5;
  return typeof keys === 'number' ? Array.from({ length: keys }, (_, i) => `k${i}`) : [...keys];
}

/** One random op on a random key. */
export function registerOp(ctx: GenContext, keys: readonly string[], values = 5, mix = { read: 1, write: 1, cas: 1 }): OpTemplate {
  const [key, r1] = ctx.rng.pick(keys);
  const total = mix.read + mix.write + mix.cas;
  const [x, r2] = r1.next();
  const w = x * (total > 0 ? total : 3);
  const which = total <= 0 ? Math.floor(w) : w < mix.read ? 0 : w < mix.read + mix.write ? 1 : 2;
  const [a, r3] = r2.int(values);
  const [b] = r3.int(values);
  if (which === 0) return { f: 'read', value: [key, null] };
  if (which === 1) return { f: 'write', value: [key, a] };
  return { f: 'cas', value: [key, [a, b]] };
}

/** An endless generator of register ops. */
export function registerOps(o: RegisterOpsOptions = {}): Generator {
  const keys = registerKeys(o);
  return gen((ctx: GenContext) => registerOp(ctx, keys, o.values, o.mix));
}

/** One read of every key, for the final phase. */
export function finalReads(o: RegisterOpsOptions = {}): OpTemplate[] {
  return registerKeys(o).map((k) => ({ f: 'read', value: [k, null] }));
}
