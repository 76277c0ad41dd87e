/**
 * A small EDN reader, enough for Jepsen histories: nil, booleans, numbers, strings,
 * characters, keywords, symbols, vectors, lists, sets, maps and tagged literals (the tag
 * is dropped). Keywords stay distinguishable from strings as `Keyword` objects.
 */

export class Keyword {
  constructor(readonly name: string) {}
}

export type Edn = null | boolean | number | string | Keyword | Edn[] | Map<Edn, Edn>;

export class EdnError extends Error {}

const DELIMS = new Set([' ', '\t', '\n', '\r', ',', '{', '}', '[', ']', '(', ')', '"', ';']);

/** Reads exactly one EDN value from `text` (surrounding whitespace allowed). */
export function readEdn(text: string): Edn {
  const r = new Reader(text);
  const v = r.value();
  r.skipSpace();
  if (r.pos < text.length) throw new EdnError(`unexpected ${JSON.stringify(text[r.pos])} after the value at column ${r.pos + 1}`);
  return v;
}

class Reader {
  pos = 0;
  constructor(private readonly s: string) {}

  skipSpace(): void {
    while (this.pos < this.s.length) {
      const c = this.s[this.pos]!;
      if (c === ';') {
        while (this.pos < this.s.length && this.s[this.pos] !== '\n') this.pos++;
      } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',') this.pos++;
      else break;
    }
  }

  value(): Edn {
    this.skipSpace();
    if (this.pos >= this.s.length) throw new EdnError('unexpected end of input');
    const c = this.s[this.pos]!;
    switch (c) {
      case '{':
        this.pos++;
        return this.map();
      case '[':
        this.pos++;
        return this.seq(']');
      case '(':
        this.pos++;
        return this.seq(')');
      case '"':
        return this.string();
      case '\\':
        return this.char();
      case '#': {
        const n = this.s[this.pos + 1];
        if (n === '{') {
          this.pos += 2;
          return this.seq('}');
        }
        if (n === '_') {
          this.pos += 2;
          this.value(); // discarded form
          return this.value();
        }
        this.pos++;
        this.token(); // a tag such as #inst or #uuid: keep the value it tags
        return this.value();
      }
      case '}':
      case ']':
      case ')':
        throw new EdnError(`unexpected ${JSON.stringify(c)} at column ${this.pos + 1}`);
      default:
        return this.atom();
    }
  }

  private map(): Map<Edn, Edn> {
    const m = new Map<Edn, Edn>();
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.s.length) throw new EdnError('unterminated map');
      if (this.s[this.pos] === '}') {
        this.pos++;
        return m;
      }
      const k = this.value();
      this.skipSpace();
      if (this.s[this.pos] === '}') throw new EdnError('map with an odd number of forms');
      m.set(k instanceof Keyword ? `:${k.name}` : k, this.value());
    }
  }

  private seq(close: string): Edn[] {
    const out: Edn[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.s.length) throw new EdnError(`unterminated collection (expected ${close})`);
      if (this.s[this.pos] === close) {
        this.pos++;
        return out;
      }
      out.push(this.value());
    }
  }

  private string(): string {
    let out = '';
    this.pos++;
    for (;;) {
      if (this.pos >= this.s.length) throw new EdnError('unterminated string');
      const c = this.s[this.pos++]!;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.pos++];
      if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === '"' || e === '\\') out += e;
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(parseInt(this.s.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else throw new EdnError(`bad escape \\${e ?? ''} in string`);
    }
  }

  private char(): string {
    this.pos++;
    const t = this.token();
    const named: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r' };
    if (t.length === 1) return t;
    const v = named[t];
    if (v === undefined) throw new EdnError(`unknown character \\${t}`);
    return v;
  }

  private token(): string {
    const start = this.pos;
    while (this.pos < this.s.length && !DELIMS.has(this.s[this.pos]!)) this.pos++;
    return this.s.slice(start, this.pos);
  }

  private atom(): Edn {
    const t = this.token();
    if (t === '') throw new EdnError(`unexpected ${JSON.stringify(this.s[this.pos])} at column ${this.pos + 1}`);
    if (t === 'nil') return null;
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (t.startsWith(':')) {
      if (t.length === 1) throw new EdnError('empty keyword');
      return new Keyword(t.slice(1));
    }
    if (/^[+-]?\d+N?$/.test(t)) return Number(t.replace(/N$/, ''));
    if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/.test(t)) return Number(t.replace(/M$/, ''));
    if (/^[+-]?\d+\/\d+$/.test(t)) {
      const [a, b] = t.split('/');
      return Number(a) / Number(b);
    }
    return t; // a symbol: its name
  }
}

/** EDN to plain JSON-like data: keywords become their names, maps objects, sets arrays. */
export function toPlain(v: Edn): unknown {
  if (v instanceof Keyword) return v.name;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[typeof k === 'string' && k.startsWith(':') ? k.slice(1) : typeof k === 'string' ? k : JSON.stringify(toPlain(k))] = toPlain(x);
    return o;
  }
  return v;
}
