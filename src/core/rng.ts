/**
 * An immutable seeded PRNG (xoshiro128**, seeded through splitmix32). Every draw returns the
 * value together with the Rng to use next; an Rng is never mutated, so a generator can hand
 * the same Rng to several candidates and keep only the one whose op it emits.
 *
 * The state is four plain uint32 numbers, so it serialises to JSON (`toJSON`/`fromState`)
 * for reproducing a run from `test.json`.
 */

const TWO_32 = 0x1_0000_0000;

/** One splitmix32 step: returns [output, next state]. Used only to expand seeds. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return [z >>> 0, next];
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

type RngState = readonly [number, number, number, number];

export class Rng {
  private constructor(
    private readonly s0: number,
    private readonly s1: number,
    private readonly s2: number,
    private readonly s3: number,
  ) {}

  /** A generator from an integer seed (any safe integer; negative and > 2^32 are fine). */
  static seeded(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Rng seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_32) >>> 0;
    return Rng.fromWords(lo, hi);
  }

  /** Restores a generator from `state` (as returned by `toJSON`). */
  static fromState(state: RngState): Rng {
    const [a, b, c, d] = state.map((x) => x >>> 0) as unknown as RngState;
    // The all-zero state is a fixed point of xoshiro; never allow it.
    if ((a | b | c | d) === 0) return new Rng(1, 0, 0, 0);
    return new Rng(a, b, c, d);
  }

  /**
   * Seeds from two 32-bit words: each word drives its own splitmix32 stream for two of the
   * four state words, so distinct (lo, hi) pairs give distinct states.
   */
  private static fromWords(lo: number, hi: number): Rng {
    const [a, lo1] = splitmix32(lo);
    const [b] = splitmix32(lo1);
    const [c, hi1] = splitmix32((hi ^ 0x5bd1e995) | 0);
    const [d] = splitmix32(hi1);
    return Rng.fromState([a, b, c, d]);
  }

  get state(): RngState {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  toJSON(): RngState {
    return this.state;
  }

  /** A uniform uint32 and the next Rng. */
  nextU32(): [number, Rng] {
    const { s0, s1, s2, s3 } = this;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    let n2 = (s2 ^ s0) >>> 0;
    let n3 = (s3 ^ s1) >>> 0;
    const n1 = (s1 ^ n2) >>> 0;
    const n0 = (s0 ^ n3) >>> 0;
    n2 = (n2 ^ t) >>> 0;
    n3 = rotl(n3, 11);
    return [result, new Rng(n0, n1, n2, n3)];
  }

  /** A uniform float in [0, 1) (53 bits: two draws) and the next Rng. */
  next(): [number, Rng] {
    const [a, r1] = this.nextU32();
    const [b, r2] = r1.nextU32();
    // 27 high bits of a and 26 of b make a 53-bit mantissa.
    return [((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992, r2];
  }

  /** A uniform integer in 0..n-1 (n an integer in 1..2^32), without modulo bias. */
  int(n: number): [number, Rng] {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new RangeError(`Rng.int: n must be an integer in 1..2^32, got ${n}`);
    // Reject the top sliver of the uint32 range that would over-represent small results.
    const limit = TWO_32 - (TWO_32 % n);
    let rng: Rng = this;
    for (;;) {
      const [x, r] = rng.nextU32();
      rng = r;
      if (x < limit) return [x % n, rng];
    }
  }

  /** A uniform float in [lo, hi). */
  uniform(lo: number, hi: number): [number, Rng] {
    const [u, r] = this.next();
    return [lo + u * (hi - lo), r];
  }

  /** true with probability p. */
  bool(p = 0.5): [boolean, Rng] {
    const [u, r] = this.next();
    return [u < p, r];
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(xs: readonly T[]): [T, Rng] {
    if (xs.length === 0) throw new RangeError('Rng.pick: empty array');
    const [i, r] = this.int(xs.length);
    return [xs[i] as T, r];
  }

  /** A uniformly random permutation (a new array; xs is not touched). */
  shuffle<T>(xs: readonly T[]): [T[], Rng] {
    const out = xs.slice();
    let rng: Rng = this;
    for (let i = out.length - 1; i > 0; i--) {
      const [j, r] = rng.int(i + 1);
      rng = r;
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return [out, rng];
  }

  /**
   * Splits into two independent streams: [child, rest]. The child is freshly seeded from
   * two draws; `rest` continues this stream after those draws.
   */
  split(): [Rng, Rng] {
    const [a, r1] = this.nextU32();
    const [b, r2] = r1.nextU32();
    return [Rng.fromWords(a, b), r2];
  }

  /** n independent child streams and the continuation of this one. */
  splitN(n: number): [Rng[], Rng] {
    const children: Rng[] = [];
    let rng: Rng = this;
    for (let i = 0; i < n; i++) {
      const [c, r] = rng.split();
      children.push(c);
      rng = r;
    }
    return [children, rng];
  }

  equals(other: Rng): boolean {
    return this.s0 === other.s0 && this.s1 === other.s1 && this.s2 === other.s2 && this.s3 === other.s3;
  }
}
