/**
 * The configurations (set of linearized ops, interned state id) the search has seen: an
 * open-addressing hash table over typed arrays. No per-entry objects, so a few million
 * configurations cost tens of bytes each and the garbage collector never walks them.
 * Sets are stored whole, so a hash collision can never prune a configuration wrongly.
 */
import type { OpSet } from './op-set.js';

const EMPTY = -1;

/** Thrown when growing the memo would pass its memory budget. */
export class MemoFull extends Error {}

export class Memo {
  size = 0;
  private mask: number;
  /** Slot -> entry index, or EMPTY. */
  private slots: Int32Array;
  /** Per entry: combined hash, state id, and the set's words in `pool`. */
  private hashes: Int32Array;
  private stateIds: Int32Array;
  private pool: Int32Array;

  constructor(
    private readonly words: number,
    private readonly maxBytes = Infinity,
  ) {
    const cap = 1 << 12;
    this.mask = cap - 1;
    this.slots = new Int32Array(cap).fill(EMPTY);
    this.hashes = new Int32Array(cap >> 1);
    this.stateIds = new Int32Array(cap >> 1);
    this.pool = new Int32Array((cap >> 1) * words);
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.slots.byteLength + this.hashes.byteLength + this.stateIds.byteLength + this.pool.byteLength;
  }

  /** Bytes one more entry costs on average (for budgets): entry arrays plus two slots. */
  static bytesPerEntry(words: number): number {
    return 8 + 4 * words + 8;
  }

  /** Adds the configuration; false when it was already there. */
  add(set: OpSet, stateId: number): boolean {
    const h = mix(set.hash ^ Math.imul(stateId + 1, 0x9e3779b1));
    const words = this.words;
    const bits = set.bits;
    let slot = h & this.mask;
    for (;;) {
      const e = this.slots[slot]!;
      if (e === EMPTY) break;
      if (this.hashes[e] === h && this.stateIds[e] === stateId) {
        const base = e * words;
        let same = true;
        for (let i = 0; i < words; i++) {
          if (this.pool[base + i] !== bits[i]) {
            same = false;
            break;
          }
        }
        if (same) return false;
      }
      slot = (slot + 1) & this.mask;
    }
    const e = this.size++;
    if (e >= this.hashes.length) this.growEntries();
    this.hashes[e] = h;
    this.stateIds[e] = stateId;
    this.pool.set(bits, e * words);
    this.slots[slot] = e;
    if (this.size * 2 > this.mask) this.rehash();
    return true;
  }

  private growEntries(): void {
    const cap = this.hashes.length * 2;
    if (this.bytes + cap * (8 + 4 * this.words) > this.maxBytes) throw new MemoFull();
    const hashes = new Int32Array(cap);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const ids = new Int32Array(cap);
    ids.set(this.stateIds);
    this.stateIds = ids;
    const pool = new Int32Array(cap * this.words);
    pool.set(this.pool);
    this.pool = pool;
  }

  /** Doubles the slot table (load factor stays at or below 1/2). */
  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    if (this.bytes + cap * 4 > this.maxBytes) throw new MemoFull();
    const slots = new Int32Array(cap).fill(EMPTY);
    const mask = cap - 1;
    for (let e = 0; e < this.size; e++) {
      let slot = this.hashes[e]! & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = e;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** Final avalanche (murmur3 fmix32): Zobrist XORs of small state ids need spreading. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
