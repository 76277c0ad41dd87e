/**
 * A complete, streaming EDN reader (https://github.com/edn-format/edn), written for
 * Jepsen histories: a 1M-op file is read chunk by chunk in bounded memory, whether it
 * holds one op map per line or the whole history as one vector or list over many lines.
 *
 * Why our own: the npm readers each miss something histories need (README, "Importing
 * histories"): edn-data reads integers beyond 2^53 inexactly, accepts `{:a` and `{:a}`
 * without an error and streams only lists; jsedn drops `__proto__` keys, overflows the
 * stack on deep nesting and is quadratic on long input; edn-parser rejects comments,
 * discards, tags and commas.
 *
 * What it reads: nil, booleans, integers (exact: `number` when safe, else `bigint`; `N`
 * suffix too), floats (`M` too), ratios, `##Inf`/`##-Inf`/`##NaN`, strings, characters
 * (as one-character strings), keywords (interned `Keyword`s, so they compare with ===),
 * symbols, lists and vectors (arrays, equal as in Clojure), sets (`EdnSet`), maps (`Map`),
 * Clojure's namespaced maps `#:ns{…}`, tagged literals (`Tagged`, e.g. `#inst "…"` or the
 * records `#jepsen.history.Op{…}`), `;` comments, `,` as whitespace and `#_` discards.
 *
 * It is a push parser with an explicit stack (no recursion): nesting is bounded (an error,
 * never a stack overflow), tokens and forms are bounded in length, and every error says
 * on which line and what was expected there.
 */
import { exactInteger, MAX_NESTING, setOwn, toJson } from '../../core/exact-json.js';
import { detach } from '../../core/text-source.js';

export class Keyword {
  constructor(readonly name: string) {}
  toString(): string {
    return `:${this.name}`;
  }
}

export class EdnSymbol {
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}

export class EdnSet {
  constructor(readonly items: Edn[]) {}
}

export class Tagged {
  constructor(
    readonly tag: string,
    readonly value: Edn,
  ) {}
}

export type Edn = null | boolean | number | bigint | string | Keyword | EdnSymbol | EdnSet | Tagged | Edn[] | Map<Edn, Edn>;

export class EdnError extends Error {
  constructor(
    message: string,
    /** 1-based line where the problem is. */
    readonly line: number,
  ) {
    super(message);
  }
}

const keywords = new Map<string, Keyword>();
/** Keywords are interned (up to a bound), so `m.get(keyword('f'))` finds `:f`. */
export function keyword(name: string): Keyword {
  let k = keywords.get(name);
  if (k === undefined) {
    k = new Keyword(detach(name));
    if (keywords.size < 100_000) keywords.set(name, k);
  }
  return k;
}

/** One line of text never holds a real op longer than this. */
const MAX_FORM_CHARS = 16 * 2 ** 20;

export interface EdnReaderOptions {
  /** Names the input in messages. */
  source?: string;
  /**
   * Deliver the elements of top-level vectors and lists one by one instead of the
   * collection: a history written as one vector streams op by op.
   */
  unwrapTopLevel?: boolean;
  maxDepth?: number;
  /** Longest token (string, symbol…) and longest delivered form, in characters. */
  maxFormChars?: number;
  /**
   * Build what `toPlain` would make of each value directly (keywords and symbols as
   * names, collections as arrays, maps as objects, tags dropped): half the allocation of
   * reading EDN and converting it, for importers that want plain data anyway.
   */
  plain?: boolean;
}

const enum Kind {
  Vector,
  List,
  Map,
  Set,
  Tag,
  Discard,
  /** A top-level vector or list whose elements are delivered one by one. */
  Container,
}

const KIND_NAME = ['vector', 'list', 'map', 'set', 'tagged value', 'discarded form', 'collection'];
const CLOSER = [']', ')', '}', '}', '', '', ''];

/** An open collection, tag or discard. Reused: the reader keeps one per depth. */
class Frame {
  kind = Kind.Vector;
  line = 0;
  /** Tag name (Tag), namespace (namespaced Map), closing bracket (Container). */
  name = '';
  /** Where this collection's elements start on the reader's shared element stack. */
  start = 0;
  map: Map<Edn, Edn> | undefined = undefined;
  /** A map's entries in plain mode. */
  obj: Record<string, unknown> | undefined = undefined;
  key: unknown = null;
  hasKey = false;
}

/**
 * Keywords by a hash of their text, so the reader finds one without slicing its token
 * (histories are mostly keywords: ten an op). Open addressing; filled to half at most,
 * beyond which lookups fall back to slicing and `keyword()`.
 */
const KW_SLOTS = 1 << 13;
const kwTable: (Keyword | undefined)[] = new Array<Keyword | undefined>(KW_SLOTS).fill(undefined);
const kwHash = new Int32Array(KW_SLOTS);
let kwCount = 0;

/** A delivered value in plain mode: keywords and symbols become their names. */
const plainAtom = (v: unknown): unknown => (v instanceof Keyword || v instanceof EdnSymbol ? v.name : v);

// Character classes by code: whitespace (incl. comma) and token delimiters.
const WS = new Uint8Array(128);
for (const c of ' \t\r\n,') WS[c.charCodeAt(0)] = 1;
const DELIM = new Uint8Array(128);
for (const c of ' \t\r\n,()[]{}";') DELIM[c.charCodeAt(0)] = 1;
const isDelim = (c: number): boolean => c < 128 && DELIM[c] === 1;

const INT = /^[+-]?(?:0|[1-9]\d*)N?$/;
const FLOAT = /^[+-]?(?:0|[1-9]\d*)(?:\.\d*)?(?:[eE][+-]?\d+)?M?$/;
const RATIO = /^[+-]?\d+\/\d+$/;
const NAMED_CHARS: ReadonlyMap<string, string> = new Map([
  ['newline', '\n'],
  ['space', ' '],
  ['tab', '\t'],
  ['return', '\r'],
  ['backspace', '\b'],
  ['formfeed', '\f'],
]);
const STRING_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['n', '\n'],
  ['t', '\t'],
  ['r', '\r'],
  ['b', '\b'],
  ['f', '\f'],
  ['"', '"'],
  ['\\', '\\'],
]);

/** A character that can end an atom: a delimiter. */
const TOKEN_END = /[\s,()[\]{}";]/;
/** A token cut by a chunk's end is kept in pieces beyond this length. */
const LONG_TOKEN = 64 * 1024;

/** Input text in a message: control characters escaped, and cut short. */
function shown(t: string): string {
  const s = JSON.stringify(t.length > 40 ? `${t.slice(0, 37)}...` : t);
  return s.slice(1, -1);
}

/** Thrown inside a scan when the chunk ends mid-token: wait for more text. */
const MORE = Symbol('more');

/**
 * Feed it chunks of text; it calls `emit(value, line)` for every complete top-level
 * value (or element of a top-level collection, with `unwrapTopLevel`), `line` being
 * where that value starts. `end()` after the last chunk.
 */
export class EdnReader {
  private buf = '';
  private pos = 0;
  /** Characters before `buf` (for form lengths). */
  private consumed = 0;
  private line = 1;
  private inComment = false;
  private final = false;
  private readonly stack: Frame[] = [];
  /** Elements of the open vectors, lists and sets, innermost last. */
  private readonly elements: unknown[] = [];
  private readonly frames: Frame[] = [];
  /**
   * How far past its start the token starting at absolute offset `resumeAt` was scanned
   * before the chunk ran out (-1: none); for a string also its text so far, up to `from`
   * (offsets from the string's start). Keyed by where the token starts, so it never
   * applies to another.
   */
  private resumeAt = -1;
  /** A token longer than LONG_TOKEN cut by the chunk's end, in pieces (see feed). */
  private pieces: string[] | undefined = undefined;
  private pieceChars = 0;
  private resume = 0;
  private resumeString: { out: string; from: number; at: number; newlines: number } | undefined = undefined;

  /** How far the token at `pos` was scanned already (0 if not). */
  private scanned(): number {
    return this.resumeAt === this.consumed + this.pos ? this.resume : 0;
  }
  private formLine = 1;
  private formStart = 0;
  private readonly source: string;
  private readonly unwrap: boolean;
  private readonly maxDepth: number;
  private readonly maxFormChars: number;
  private readonly plain: boolean;

  /** `value` is `Edn`, or plain data with the `plain` option. */
  constructor(
    private readonly emit: (value: unknown, line: number) => void,
    o: EdnReaderOptions = {},
  ) {
    this.source = o.source ?? 'EDN';
    this.unwrap = o.unwrapTopLevel ?? false;
    this.plain = o.plain ?? false;
    this.maxDepth = o.maxDepth ?? MAX_NESTING;
    this.maxFormChars = o.maxFormChars ?? MAX_FORM_CHARS;
  }

  feed(chunk: string): void {
    let text = chunk;
    if (this.pieces !== undefined) {
      // A long token waits for the chunk that can end it, instead of being copied again
      // with every chunk (quadratic: minutes for a 16 MiB line).
      this.pieceChars += chunk.length;
      const ends = this.pieces[0]!.charCodeAt(0) === 0x22 ? chunk.includes('"') : TOKEN_END.test(chunk);
      if (!ends) {
        if (this.pieceChars > this.maxFormChars) throw this.tokenTooLong();
        this.pieces.push(chunk);
        return;
      }
      this.pieces.push(chunk);
      text = this.pieces.join('');
      this.pieces = undefined;
    }
    this.buf = this.pos < this.buf.length ? this.buf.slice(this.pos) + text : text;
    this.consumed += this.pos;
    this.pos = 0;
    this.run();
    if (!this.atBoundary() && this.consumed + this.pos - this.formStart > this.maxFormChars) {
      throw new EdnError(`expected a form of at most ${this.maxFormChars} characters; the one starting here is longer`, this.formLine);
    }
    const carry = this.buf.length - this.pos;
    if (carry > this.maxFormChars) throw this.tokenTooLong();
    if (carry > LONG_TOKEN) {
      this.pieces = [this.buf.slice(this.pos)];
      this.pieceChars = carry;
      this.consumed += this.pos;
      this.buf = '';
      this.pos = 0;
    }
  }

  private tokenTooLong(): EdnError {
    return new EdnError(`expected a token of at most ${this.maxFormChars} characters`, this.line);
  }

  /** After the last chunk: finishes the last token; an open collection is an error. */
  end(): void {
    if (this.pieces !== undefined) {
      this.buf = this.pieces.join('');
      this.pos = 0;
      this.pieces = undefined;
    }
    this.final = true;
    this.run();
    const open = this.stack[this.stack.length - 1];
    if (open !== undefined) {
      const what = open.kind === Kind.Tag ? `a value after #${shown(open.name)}` : open.kind === Kind.Discard ? 'a form after #_' : `${open.kind === Kind.Container ? open.name : CLOSER[open.kind]} to close the ${KIND_NAME[open.kind]} opened on line ${open.line}`;
      throw new EdnError(`expected ${what}, got the end of the file`, this.line);
    }
  }

  private atBoundary(): boolean {
    const n = this.stack.length;
    return n === 0 || (n === 1 && this.stack[0]!.kind === Kind.Container);
  }

  private fail(expected: string, got?: string): never {
    const g = got ?? (this.pos < this.buf.length ? JSON.stringify(this.buf.slice(this.pos, this.pos + 20)) : 'the end of the file');
    throw new EdnError(`expected ${expected}, got ${g}`, this.line);
  }

  private run(): void {
    const s = this.buf;
    const n = s.length;
    try {
      while (this.pos < n) {
        let c = s.charCodeAt(this.pos);
        if (this.inComment) {
          const nl = s.indexOf('\n', this.pos);
          if (nl < 0) {
            this.pos = n;
            return;
          }
          this.inComment = false;
          this.pos = nl;
          c = 0x0a;
        }
        if (c < 128 && WS[c] === 1) {
          if (c === 0x0a) this.line++;
          this.pos++;
          continue;
        }
        if (c === 0x3b) {
          this.inComment = true;
          continue;
        }
        if (this.atBoundary()) {
          this.formLine = this.line;
          this.formStart = this.consumed + this.pos;
        }
        switch (c) {
          case 0x5b: // [
            this.open(this.unwrap && this.stack.length === 0 ? Kind.Container : Kind.Vector, ']', 1);
            break;
          case 0x28: // (
            this.open(this.unwrap && this.stack.length === 0 ? Kind.Container : Kind.List, ')', 1);
            break;
          case 0x7b: // {
            this.open(Kind.Map, '', 1);
            break;
          case 0x5d: // ]
          case 0x29: // )
          case 0x7d: // }
            this.close(String.fromCharCode(c));
            break;
          case 0x22: // "
            this.deliver(this.string());
            break;
          case 0x23: // #
            this.dispatch();
            break;
          case 0x5c: // \
            this.deliver(this.char());
            break;
          case 0x3a: // :
            this.deliver(this.keywordAt());
            break;
          default: {
            const n = c === 0x2d || (c >= 0x30 && c <= 0x39) ? this.smallInteger() : undefined;
            this.deliver(n ?? this.atom(this.token(this.pos)));
          }
        }
      }
    } catch (e) {
      if (e !== MORE) throw e;
      // Mid-token at the end of the chunk: `pos` is the token's start; it is read again
      // with the next chunk (lines inside it were not counted yet).
    }
  }

  /** The end of the token starting at `from`, or MORE if the chunk ends first. */
  private tokenEnd(from: number): number {
    const s = this.buf;
    // A token cut by the chunk's end is scanned on from where the last scan stopped, so a
    // long one (up to maxFormChars) costs linear time, not a rescan per chunk.
    let i = Math.max(from, this.pos + this.scanned());
    while (i < s.length && !isDelim(s.charCodeAt(i))) i++;
    if (i === s.length && !this.final) {
      this.resumeAt = this.consumed + this.pos;
      this.resume = i - this.pos;
      throw MORE;
    }
    return i;
  }

  /**
   * An integer of at most 15 digits ending at a delimiter, read in place (most numbers
   * in a history); undefined for anything else, which the general path reads.
   */
  private smallInteger(): number | undefined {
    const s = this.buf;
    let i = this.pos;
    const negative = s.charCodeAt(i) === 0x2d;
    if (negative) i++;
    const first = i;
    let n = 0;
    for (; i < s.length && i - first <= 15; i++) {
      const d = s.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    const digits = i - first;
    if (digits === 0 || digits > 15 || (digits > 1 && s.charCodeAt(first) === 0x30)) return undefined;
    if (i < s.length ? !isDelim(s.charCodeAt(i)) : !this.final) return undefined;
    this.pos = i;
    return negative ? -n : n;
  }

  /** A keyword, found by its text in place when seen before (see kwTable). */
  private keywordAt(): Edn {
    const s = this.buf;
    const from = this.pos;
    if (this.scanned() > 0) return this.atom(this.token(from));
    let h = 0;
    let i = from + 1;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (isDelim(c)) break;
      h = (Math.imul(h, 31) + c) | 0;
    }
    if (i === s.length && !this.final) return this.atom(this.token(from));
    const len = i - from - 1;
    for (let slot = h & (KW_SLOTS - 1); ; slot = (slot + 1) & (KW_SLOTS - 1)) {
      const k = kwTable[slot];
      if (k === undefined) {
        const found = this.atom(this.token(from));
        if (found instanceof Keyword && kwCount < KW_SLOTS / 2) {
          kwTable[slot] = found;
          kwHash[slot] = h;
          kwCount++;
        }
        return found;
      }
      if (kwHash[slot] === h && k.name.length === len && s.startsWith(k.name, from + 1)) {
        this.pos = i;
        return k;
      }
    }
  }

  private token(from: number): string {
    const end = this.tokenEnd(from);
    const t = this.buf.slice(from, end);
    this.pos = end;
    return t;
  }

  private open(kind: Kind, name: string, width: number): void {
    if (this.stack.length >= this.maxDepth) this.fail(`at most ${this.maxDepth} levels of nesting`, 'deeper nesting');
    this.push(kind, name);
    this.pos += width;
  }

  private push(kind: Kind, name: string): void {
    const depth = this.stack.length;
    let f = this.frames[depth];
    if (f === undefined) this.frames[depth] = f = new Frame();
    f.kind = kind;
    f.line = this.line;
    f.name = name;
    f.start = this.elements.length;
    f.key = null;
    f.hasKey = false;
    f.obj = undefined;
    f.map = undefined;
    if (kind === Kind.Map) {
      if (this.plain) f.obj = {};
      else f.map = new Map();
    }
    this.stack.push(f);
  }

  private close(bracket: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) this.fail('a value', JSON.stringify(bracket));
    const closer = top.kind === Kind.Container ? top.name : CLOSER[top.kind]!;
    if (bracket !== closer) {
      if (top.kind === Kind.Tag) this.fail(`a value after #${shown(top.name)}`, JSON.stringify(bracket));
      if (top.kind === Kind.Discard) this.fail('a form after #_', JSON.stringify(bracket));
      this.fail(`${closer} to close the ${KIND_NAME[top.kind]} opened on line ${top.line}`, JSON.stringify(bracket));
    }
    if (top.kind === Kind.Map && top.hasKey) this.fail('a value for the last key of the map (a map holds key-value pairs)', JSON.stringify(bracket));
    this.pos++;
    this.stack.pop();
    switch (top.kind) {
      case Kind.Container:
        return;
      case Kind.Map:
        return this.deliver(this.plain ? top.obj : top.map!);
      default: {
        // An array of exactly its elements (one grown by pushes keeps spare capacity).
        const items = this.elements.slice(top.start);
        this.elements.length = top.start;
        return this.deliver(top.kind === Kind.Set && !this.plain ? new EdnSet(items as Edn[]) : items);
      }
    }
  }

  /** Hands a complete value to the collection being read, or emits it. */
  private deliver(value: unknown): void {
    let v = value;
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (top === undefined || top.kind === Kind.Container) return this.emit(this.plain ? plainAtom(v) : v, this.formLine);
      switch (top.kind) {
        case Kind.Vector:
        case Kind.List:
        case Kind.Set:
          this.elements.push(this.plain ? plainAtom(v) : v);
          return;
        case Kind.Map:
          if (!top.hasKey) {
            if (top.name !== '' && v instanceof Keyword) {
              // #:ns{…}: a keyword key without a namespace takes the map's; :_/k none.
              if (!v.name.includes('/')) v = keyword(`${top.name}/${v.name}`);
              else if (v.name.startsWith('_/')) v = keyword(v.name.slice(2));
            }
            if (this.plain) {
              const k = plainAtom(v);
              const text = typeof k === 'string' ? k : toJson(k);
              if (Object.hasOwn(top.obj!, text)) this.fail('each key once in a map (as plain data, :k and "k" are one key)', `a second ${JSON.stringify(text)}`);
              top.key = text;
            } else {
              if (top.map!.has(v as Edn)) this.fail('each key once in a map', `a second ${shown(String(v))}`);
              top.key = v;
            }
            top.hasKey = true;
          } else {
            if (this.plain) setOwn(top.obj!, top.key as string, plainAtom(v));
            else top.map!.set(top.key as Edn, v as Edn);
            top.key = null;
            top.hasKey = false;
          }
          return;
        case Kind.Tag:
          this.stack.pop();
          // Plain data drops the tag: #inst "…" is its string, a record its map.
          if (!this.plain) v = new Tagged(top.name, v as Edn);
          continue;
        case Kind.Discard:
          this.stack.pop();
          return;
      }
    }
  }

  private dispatch(): void {
    const s = this.buf;
    const at = this.pos;
    if (at + 1 >= s.length) {
      if (!this.final) throw MORE;
      this.fail('{, _, #, : or a tag name after #', 'the end of the file');
    }
    const c = s.charCodeAt(at + 1);
    if (c === 0x7b) return this.open(Kind.Set, '', 2); // #{
    if (c === 0x5f) return this.open(Kind.Discard, '', 2); // #_
    if (c === 0x23) {
      // ##Inf ##-Inf ##NaN
      const t = this.token(at + 2);
      const v = t === 'Inf' ? Infinity : t === '-Inf' ? -Infinity : t === 'NaN' ? NaN : undefined;
      if (v === undefined) {
        this.pos = at;
        this.fail('##Inf, ##-Inf or ##NaN');
      }
      return this.deliver(v);
    }
    if (c === 0x3a) {
      // #:ns{…}: keys without a namespace get this one.
      const end = this.tokenEnd(at + 2);
      const ns = s.slice(at + 2, end);
      let i = end;
      while (i < s.length && WS[s.charCodeAt(i)] === 1 && s.charCodeAt(i) !== 0x0a) i++;
      if (i >= s.length && !this.final) throw MORE;
      if (ns === '' || s.charCodeAt(i) !== 0x7b) this.fail('a namespace and { after #:');
      this.pos = i;
      return this.open(Kind.Map, ns, 1);
    }
    if (isDelim(c) || c === 0x5c) this.fail('{, _, #, : or a tag name after #');
    const tag = this.token(at + 1);
    if (!/^[A-Za-z]/.test(tag)) {
      this.pos = at;
      this.fail('a tag name starting with a letter after #');
    }
    if (this.stack.length >= this.maxDepth) this.fail(`at most ${this.maxDepth} levels of nesting`, 'deeper nesting');
    this.push(Kind.Tag, tag);
  }

  private string(): string {
    const s = this.buf;
    const r = this.resumeAt === this.consumed + this.pos ? this.resumeString : undefined;
    this.resumeString = undefined;
    let out = r?.out ?? '';
    let from = this.pos + (r?.from ?? 1);
    let i = this.pos + (r?.at ?? 1);
    let newlines = r?.newlines ?? 0;
    const more = (): never => {
      if (out.length + i - from > this.maxFormChars) this.fail(`a string of at most ${this.maxFormChars} characters`, 'a longer one');
      this.resumeAt = this.consumed + this.pos;
      this.resumeString = { out, from: from - this.pos, at: i - this.pos, newlines };
      throw MORE;
    };
    for (;;) {
      if (i >= s.length) {
        if (!this.final) more();
        this.fail('a closing " for the string', 'the end of the file');
      }
      const c = s.charCodeAt(i);
      if (c === 0x22) break;
      if (c !== 0x5c) {
        if (c === 0x0a) newlines++;
        i++;
        continue;
      }
      // An escape: what came before it, then what it stands for.
      if (i + 1 >= s.length) {
        if (!this.final) more();
        this.fail('a closing " for the string', 'the end of the file');
      }
      out += s.slice(from, i);
      const e = s[i + 1]!;
      const simple = STRING_ESCAPES.get(e);
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 'u') {
        if (i + 6 > s.length && !this.final) more();
        const hex = s.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          this.pos = i;
          this.fail('four hex digits after \\u');
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else {
        this.pos = i;
        this.fail('an escape \\n \\t \\r \\b \\f \\" \\\\ or \\uXXXX in the string');
      }
      from = i;
    }
    out = detach(out + s.slice(from, i));
    this.pos = i + 1;
    // Lines inside the string count once it is complete (a resumed scan rereads it).
    this.line += newlines;
    return out;
  }

  private char(): string {
    const s = this.buf;
    const at = this.pos;
    if (at + 1 >= s.length) {
      if (!this.final) throw MORE;
      this.fail('a character after \\', 'the end of the file');
    }
    // The first character is taken whatever it is (\( and \; are characters).
    const end = this.tokenEnd(at + 2);
    const t = s.slice(at + 1, end);
    this.pos = end;
    if (t.length === 1) return t;
    const named = NAMED_CHARS.get(t);
    if (named !== undefined) return named;
    if (/^u[0-9a-fA-F]{4}$/.test(t)) return String.fromCharCode(parseInt(t.slice(1), 16));
    if (/^o[0-7]{1,3}$/.test(t)) return String.fromCharCode(parseInt(t.slice(1), 8));
    this.pos = at;
    return this.fail('a character: \\c, \\newline, \\space, \\tab, \\return, \\uXXXX');
  }

  private atom(t: string): Edn {
    const c = t.charCodeAt(0);
    const d = t.charCodeAt(1);
    if ((c >= 0x30 && c <= 0x39) || ((c === 0x2b || c === 0x2d) && d >= 0x30 && d <= 0x39)) return this.number(t);
    if (c === 0x3a) {
      if (t.length === 1 || d === 0x3a || t.endsWith('/')) this.back(t, 'a keyword name after :');
      return keyword(t.slice(1));
    }
    if (t === 'nil') return null;
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (t === '') return this.fail('a value');
    return new EdnSymbol(detach(t));
  }

  private number(t: string): number | bigint {
    if (INT.test(t)) {
      const digits = t.charCodeAt(t.length - 1) === 0x4e ? t.slice(0, -1) : t;
      return digits.length <= 15 ? Number(digits) : exactInteger(digits.charCodeAt(0) === 0x2b ? digits.slice(1) : digits);
    }
    if (FLOAT.test(t)) return Number(t.charCodeAt(t.length - 1) === 0x4d ? t.slice(0, -1) : t);
    if (RATIO.test(t)) {
      const [a, b] = t.split('/');
      if (Number(b) === 0) this.back(t, 'a ratio with a non-zero denominator');
      return Number(a) / Number(b);
    }
    return this.back(t, 'a number (integer, float or ratio)');
  }

  /** Fails pointing at the token just read. */
  private back(t: string, expected: string): never {
    this.pos -= t.length;
    return this.fail(expected, JSON.stringify(t.length > 40 ? `${t.slice(0, 37)}...` : t));
  }
}

/** Reads exactly one EDN value from `text` (whitespace and comments around it allowed). */
export function readEdn(text: string, o: Omit<EdnReaderOptions, 'unwrapTopLevel'> = {}): Edn {
  const values: Edn[] = [];
  const lines: number[] = [];
  const r = new EdnReader((v, line) => {
    values.push(v as Edn);
    lines.push(line);
  }, o);
  r.feed(text);
  r.end();
  if (values.length === 0) throw new EdnError('expected a value, got nothing', 1);
  if (values.length > 1) throw new EdnError('expected one value, got another after it', lines[1]!);
  return values[0]!;
}

/**
 * EDN as the JSON-like data checkers take: keywords and symbols become their names,
 * lists, vectors and sets arrays, maps objects (keys by name; other keys as JSON; a
 * `__proto__` key stays data), tagged values their value. Integers stay exact.
 */
export function toPlain(v: Edn): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Keyword || v instanceof EdnSymbol) return v.name;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = toPlain(v[i]!);
    return out;
  }
  if (v instanceof EdnSet) return v.items.map(toPlain);
  if (v instanceof Tagged) return toPlain(v.value);
  const o: Record<string, unknown> = {};
  for (const [k, x] of v) {
    const key = k instanceof Keyword || k instanceof EdnSymbol ? k.name : typeof k === 'string' ? k : toJson(toPlain(k));
    setOwn(o, key, toPlain(x));
  }
  return o;
}
