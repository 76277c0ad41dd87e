/**
 * The set of linearized ops as a bitset, with a Zobrist hash (XOR of a fixed random word
 * per member) kept up to date on every toggle: hashing a configuration is O(1) however
 * many ops the partition has.
 */

/** Per-op random words from a fixed seed (mulberry32): runs are reproducible. */
function zobristWords(n: number): Int32Array {
  const words = new Int32Array(n);
  let s = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    words[i] = t ^ (t >>> 14);
  }
  return words;
}

export class OpSet {
  readonly words: number;
  readonly bits: Int32Array;
  /** Zobrist hash of the members. */
  hash = 0;
  private readonly zobrist: Int32Array;

  constructor(n: number) {
    this.words = Math.max(1, Math.ceil(n / 32));
    this.bits = new Int32Array(this.words);
    this.zobrist = zobristWords(n);
  }

  toggle(op: number): void {
    this.bits[op >>> 5]! ^= 1 << (op & 31);
    this.hash ^= this.zobrist[op]!;
  }

  has(op: number): boolean {
    return (this.bits[op >>> 5]! & (1 << (op & 31))) !== 0;
  }

  copy(): Int32Array {
    return this.bits.slice();
  }

  equals(other: Int32Array): boolean {
    for (let i = 0; i < this.words; i++) if (this.bits[i] !== other[i]) return false;
    return true;
  }
}
