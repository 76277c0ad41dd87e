/**
 * JSON for histories, where integers are data: a write of 9007199254740993 and one of
 * 9007199254740992 are different values, but `JSON.parse` makes both 9007199254740992.
 *
 * One representation everywhere (JSON, JSONL and EDN imports, `history.jsonl`): an
 * integer is a `number` when it is a safe integer and a `bigint` otherwise, so every
 * integer has exactly one form and `===` compares them right. `toJson` writes bigints
 * back as plain digits, and is what models use to key values (JSON.stringify throws on a
 * bigint). Nesting is bounded, so a hostile `[[[[…` is an error, not a stack overflow in
 * whatever walks the value later.
 */

/** Deeper values are refused: no real history nests more than a handful of levels. */
export const MAX_NESTING = 256;

/** The integer a run of decimal digits (with an optional sign) denotes, exactly. */
export function exactInteger(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

export class JsonError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the text. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** A run of 16+ digits may be an unsafe integer; shorter ones never are (2^53 has 16). */
const LONG_DIGITS = /\d{16}/;

/**
 * Parses one JSON text. Plain `JSON.parse` when nothing in it can be an unsafe integer or
 * nest too deep (the common case, at native speed); otherwise a careful parser.
 */
export function parseJson(text: string, maxDepth = MAX_NESTING): unknown {
  if (!LONG_DIGITS.test(text) && (text.length <= maxDepth || depthWithin(text, maxDepth))) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Fall through: the careful parser says where and what was expected.
    }
  }
  return new JsonParser(text, maxDepth).document();
}

/** True when no array or object in `text` nests deeper than `max` (strings skipped). */
function depthWithin(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string: to the next quote that no backslash escapes.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}

/** Sets a property as data, even `__proto__` (which plain assignment would swallow). */
export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class JsonParser {
  private pos = 0;
  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
  ) {}

  document(): unknown {
    const v = this.value(0);
    this.space();
    if (this.pos < this.s.length) this.fail('the end of the line after the value');
    return v;
  }

  private fail(expected: string): never {
    const got = this.pos < this.s.length ? JSON.stringify(this.s.slice(this.pos, this.pos + 12)) : 'the end';
    throw new JsonError(`expected ${expected} at column ${this.pos + 1}, got ${got}`, this.pos);
  }

  private space(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else return;
    }
  }

  // Iterative over containers would be faster to write as recursion; depth is bounded
  // before each descent, so recursion here is safe.
  private value(depth: number): unknown {
    this.space();
    const c = this.s.charCodeAt(this.pos);
    if (c === 0x7b || c === 0x5b) {
      if (depth >= this.maxDepth) this.fail(`at most ${this.maxDepth} levels of nesting`);
      return c === 0x7b ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.fail('a JSON value');
  }

  private object(depth: number): Record<string, unknown> {
    this.pos++;
    const o: Record<string, unknown> = {};
    this.space();
    if (this.s.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return o;
    }
    for (;;) {
      this.space();
      if (this.s.charCodeAt(this.pos) !== 0x22) this.fail('a quoted key');
      const k = this.string();
      this.space();
      if (this.s.charCodeAt(this.pos) !== 0x3a) this.fail('":" after the key');
      this.pos++;
      setOwn(o, k, this.value(depth));
      this.space();
      const c = this.s.charCodeAt(this.pos++);
      if (c === 0x7d) return o;
      if (c !== 0x2c) {
        this.pos--;
        this.fail('"," or "}"');
      }
    }
  }

  private array(depth: number): unknown[] {
    this.pos++;
    const a: unknown[] = [];
    this.space();
    if (this.s.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return a;
    }
    for (;;) {
      a.push(this.value(depth));
      this.space();
      const c = this.s.charCodeAt(this.pos++);
      if (c === 0x5d) return a;
      if (c !== 0x2c) {
        this.pos--;
        this.fail('"," or "]"');
      }
    }
  }

  private string(): string {
    const start = this.pos;
    // Find the closing quote, skipping escapes; JSON.parse then decodes the escapes.
    for (let i = start + 1; i < this.s.length; i++) {
      const c = this.s.charCodeAt(i);
      if (c === 0x5c) i++;
      else if (c === 0x22) {
        this.pos = i + 1;
        try {
          return JSON.parse(this.s.slice(start, i + 1)) as string;
        } catch {
          this.pos = start;
          this.fail('a valid string (bad escape or control character)');
        }
      }
    }
    this.pos = start;
    return this.fail('a closing quote');
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail('a number');
    this.pos += m[0].length;
    return m[1] === undefined && m[2] === undefined ? exactInteger(m[0]) : Number(m[0]);
  }
}

/**
 * JSON text of a value that may hold bigints (written as plain digits, so `parseJson`
 * reads them back exactly). Values without bigints cost one native `JSON.stringify`.
 */
export function toJson(value: unknown, space?: number): string {
  try {
    return JSON.stringify(value, null, space);
  } catch (e) {
    if (!(e instanceof TypeError) || !/BigInt/i.test(e.message)) throw e;
  }
  // A marker no real string can hold (a fresh random nonce), replaced by the digits.
  const nonce = Math.random().toString(36).slice(2);
  const marker = `\u0000bigint-${nonce}:`;
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${marker}${v}` : v), space);
  return text.replace(new RegExp(`"\\\\u0000bigint-${nonce}:(-?\\d+)"`, 'g'), '$1');
}
