/** JSON with exact integers and bounded nesting (history.jsonl, --format jsonl). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactInteger, JsonError, parseJson, toJson } from '../../src/core/exact-json.js';

describe('exact JSON', () => {
  it('keeps integers beyond 2^53 exact, as bigints, and safe ones as numbers', () => {
    expect(parseJson('[9007199254740993, 9007199254740992, 9007199254740991, -9007199254740993]')).toEqual([9007199254740993n, 9007199254740992n, 9007199254740991, -9007199254740993n]);
    expect(parseJson('{"v": 123456789012345678901234567890, "f": 1.5, "e": 1e300}')).toEqual({ v: 123456789012345678901234567890n, f: 1.5, e: 1e300 });
    // Digits inside strings are text, wherever they are.
    expect(parseJson('{"s": "12345678901234567890", "n": 1}')).toEqual({ s: '12345678901234567890', n: 1 });
    expect(exactInteger('42')).toBe(42);
    expect(exactInteger('18446744073709551616')).toBe(18446744073709551616n);
  });

  it('reads what JSON.parse reads, the same way, but for integers JSON.parse rounds', () => {
    /** `ours` equals `theirs`, where theirs may hold a rounded unsafe integer for our bigint. */
    const same = (ours: unknown, theirs: unknown): boolean => {
      if (typeof ours === 'bigint') return typeof theirs === 'number' && !Number.isSafeInteger(theirs) && Number(ours) === theirs;
      if (Array.isArray(ours)) return Array.isArray(theirs) && ours.length === theirs.length && ours.every((x, i) => same(x, theirs[i]));
      if (typeof ours === 'object' && ours !== null) {
        if (typeof theirs !== 'object' || theirs === null) return false;
        const a = Object.entries(ours);
        return a.length === Object.keys(theirs).length && a.every(([k, v]) => same(v, (theirs as Record<string, unknown>)[k]));
      }
      return Object.is(ours, theirs);
    };
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(same(parseJson(text), JSON.parse(text))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a __proto__ key as data on both paths (short and careful)', () => {
    for (const text of ['{"__proto__": {"polluted": 1}}', '{"__proto__": {"polluted": 12345678901234567890}}']) {
      const v = parseJson(text) as Record<string, unknown>;
      expect(Object.hasOwn(v, '__proto__')).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('refuses nesting beyond the bound and malformed text, saying where', () => {
    expect(() => parseJson('['.repeat(100_000) + ']'.repeat(100_000))).toThrow(JsonError);
    expect(() => parseJson('['.repeat(257) + ']'.repeat(257))).toThrow(/at most 256 levels of nesting/);
    expect(parseJson('['.repeat(256) + ']'.repeat(256))).toBeInstanceOf(Array);
    expect(() => parseJson('{"a": 12345678901234567890,}')).toThrow(/expected a quoted key at column 28/);
    expect(() => parseJson('[1 2]')).toThrow(/expected "," or "\]" at column 4/);
  });

  it('writes bigints as digits that read back exactly; other values as JSON.stringify does', () => {
    const v = { a: [9007199254740993n, -(2n ** 80n)], s: 'x', n: null, nested: { b: 2n ** 64n } };
    const text = toJson(v);
    expect(text).toBe('{"a":[9007199254740993,-1208925819614629174706176],"s":"x","n":null,"nested":{"b":18446744073709551616}}');
    expect(parseJson(text)).toEqual(v);
    expect(toJson({ a: 1 }, 2)).toBe(JSON.stringify({ a: 1 }, null, 2));
    // A string that looks like the internal marker stays a string.
    expect(toJson(['\u0000bigint-abc:12', 1n])).toBe('["\\u0000bigint-abc:12",1]');
  });
});
