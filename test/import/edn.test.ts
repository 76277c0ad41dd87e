/** The streaming EDN reader: every form, errors with their lines, bounds, chunk borders. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdnError, EdnReader, EdnSet, EdnSymbol, Keyword, keyword, readEdn, Tagged, toPlain, type Edn } from '../../src/checkers/import/edn.js';

/** Every value `text` holds (top-level collections unwrapped or not), with its line. */
function readAll(chunks: string[], o: { unwrapTopLevel?: boolean; plain?: boolean; maxDepth?: number; maxFormChars?: number } = {}): { values: unknown[]; lines: number[] } {
  const values: unknown[] = [];
  const lines: number[] = [];
  const r = new EdnReader((v, line) => {
    values.push(v);
    lines.push(line);
  }, o);
  for (const c of chunks) r.feed(c);
  r.end();
  return { values, lines };
}

/** The message and line of the error reading `text` raises. */
function errorOf(text: string, o: Parameters<typeof readAll>[1] = {}): { line: number; message: string } {
  try {
    readAll([text], o);
  } catch (e) {
    expect(e).toBeInstanceOf(EdnError);
    return { line: (e as EdnError).line, message: (e as Error).message };
  }
  throw new Error(`no error reading ${text}`);
}

describe('EDN reader: forms', () => {
  it('reads scalars: nil, booleans, exact integers, floats, ratios, symbolic values', () => {
    expect(readEdn('nil')).toBe(null);
    expect(readEdn('true')).toBe(true);
    expect(readEdn('false')).toBe(false);
    expect(readEdn('-42')).toBe(-42);
    expect(readEdn('+7')).toBe(7);
    expect(readEdn('3N')).toBe(3);
    expect(readEdn('9007199254740991')).toBe(9007199254740991);
    expect(readEdn('9007199254740992')).toBe(9007199254740992n);
    expect(readEdn('9007199254740993')).toBe(9007199254740993n);
    expect(readEdn('-123456789012345678901234567890N')).toBe(-123456789012345678901234567890n);
    expect(readEdn('1.5')).toBe(1.5);
    expect(readEdn('-2.5e3')).toBe(-2500);
    expect(readEdn('0.1M')).toBe(0.1);
    expect(readEdn('1/4')).toBe(0.25);
    expect(readEdn('##Inf')).toBe(Infinity);
    expect(readEdn('##-Inf')).toBe(-Infinity);
    expect(readEdn('##NaN')).toBeNaN();
  });

  it('reads strings with escapes and characters', () => {
    expect(readEdn('"a\\"b\\\\c\\n\\t\\u00e9"')).toBe('a"b\\c\n\té');
    expect(readEdn('"two\nlines"')).toBe('two\nlines');
    expect(readEdn('[\\a \\newline \\space \\tab \\u0041 \\( \\;]')).toEqual(['a', '\n', ' ', '\t', 'A', '(', ';']);
  });

  it('reads keywords (interned, so they compare with ===) and symbols', () => {
    expect(readEdn(':read')).toBe(keyword('read'));
    expect(readEdn(':jepsen.history/op')).toBe(keyword('jepsen.history/op'));
    expect(readEdn('my.ns/sym')).toEqual(new EdnSymbol('my.ns/sym'));
    expect(readEdn('-')).toEqual(new EdnSymbol('-'));
  });

  it('reads vectors, lists, sets, maps, namespaced maps and tagged literals', () => {
    expect(readEdn('[1 (2 3) []]')).toEqual([1, [2, 3], []]);
    expect(readEdn('#{:a :b}')).toEqual(new EdnSet([keyword('a'), keyword('b')]));
    const m = readEdn('{:a 1, "b" [2], 3 nil}') as Map<Edn, Edn>;
    expect([...m.entries()]).toEqual([
      [keyword('a'), 1],
      ['b', [2]],
      [3, null],
    ]);
    const ns = readEdn('#:op{:type :ok, :_/plain 1, :other/f 2}') as Map<Edn, Edn>;
    expect([...ns.keys()]).toEqual([keyword('op/type'), keyword('plain'), keyword('other/f')]);
    expect(readEdn('#inst "2024-01-02T03:04:05Z"')).toEqual(new Tagged('inst', '2024-01-02T03:04:05Z'));
    const op = readEdn('#jepsen.history.Op{:type :ok}') as Tagged;
    expect(op.tag).toBe('jepsen.history.Op');
    expect([...(op.value as Map<Edn, Edn>).values()]).toEqual([keyword('ok')]);
  });

  it('skips whitespace, commas, comments and #_ discards (of the next form, nested too)', () => {
    expect(readEdn('; a comment\n[1,,2 ; trailing\n 3]')).toEqual([1, 2, 3]);
    expect(readEdn('[1 #_ 2 3]')).toEqual([1, 3]);
    expect(readEdn('[#_ #_ 1 2 3]')).toEqual([3]);
    expect(readEdn('[#_[nested [deep]] :x]')).toEqual([keyword('x')]);
    expect(toPlain(readEdn('{:a #_ :b 1}'))).toEqual({ a: 1 });
    expect(readEdn('#_ {:dropped 1} :kept')).toBe(keyword('kept'));
  });

  it('turns EDN into plain data: names, arrays, objects; __proto__ stays a key', () => {
    const v = toPlain(readEdn('{:process 0, :f :cas, :value [1 2], :s #{:a}, :t #inst "x", "__proto__" {:polluted true}}')) as Record<string, unknown>;
    expect(v).toMatchObject({ process: 0, f: 'cas', value: [1, 2], s: ['a'], t: 'x' });
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')!.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(toPlain(readEdn('{[1 2] :a}'))).toEqual({ '[1,2]': 'a' });
    expect(toPlain(readEdn('{9007199254740993 :big}'))).toEqual({ '9007199254740993': 'big' });
  });
});

describe('EDN reader: errors name the line and what was expected', () => {
  it('unterminated collections and strings', () => {
    expect(errorOf('[1\n2\n')).toEqual({ line: 3, message: 'expected ] to close the vector opened on line 1, got the end of the file' });
    expect(errorOf('{:a 1\n')).toMatchObject({ line: 2, message: expect.stringMatching(/^expected } to close the map opened on line 1/) });
    expect(errorOf('\n"abc')).toEqual({ line: 2, message: 'expected a closing " for the string, got the end of the file' });
    expect(errorOf('#_')).toMatchObject({ message: 'expected a form after #_, got the end of the file' });
    expect(errorOf('#tag')).toMatchObject({ message: 'expected a value after #tag, got the end of the file' });
  });

  it('mismatched and stray brackets, odd maps, duplicate keys', () => {
    expect(errorOf('[1 2)')).toEqual({ line: 1, message: 'expected ] to close the vector opened on line 1, got ")"' });
    expect(errorOf('\n\n]')).toEqual({ line: 3, message: 'expected a value, got "]"' });
    expect(errorOf('{:a}')).toMatchObject({ message: 'expected a value for the last key of the map (a map holds key-value pairs), got "}"' });
    expect(errorOf('{:a 1 :a 2}').message).toMatch(/^expected each key once in a map/);
    expect(errorOf('{:a 1 "a" 2}', { plain: true }).message).toMatch(/as plain data, :k and "k" are one key/);
  });

  it('escapes control characters from the input in its messages', () => {
    const bel = String.fromCharCode(7);
    const esc = String.fromCharCode(27);
    for (const text of [`{"${bel}" 1 "${bel}" 2}`, `#a${bel}b`, `#a${esc}[31m [1)`, `${bel}bad]`]) {
      for (const plain of [false, true]) expect(errorOf(text, { plain }).message).not.toMatch(/[\u0000-\u001f]/);
    }
  });

  it('bad atoms', () => {
    expect(errorOf('[1 01]').message).toMatch(/^expected a number \(integer, float or ratio\), got "01"/);
    expect(errorOf('1.2.3').message).toMatch(/^expected a number/);
    expect(errorOf('1/0').message).toMatch(/non-zero denominator/);
    expect(errorOf(':').message).toMatch(/^expected a keyword name after :/);
    expect(errorOf('##Foo').message).toMatch(/^expected ##Inf, ##-Inf or ##NaN/);
    expect(errorOf('#"re"').message).toMatch(/^expected \{, _, #, : or a tag name after #/);
    expect(errorOf('"\\q"').message).toMatch(/^expected an escape/);
    expect(errorOf('\\bogus').message).toMatch(/^expected a character/);
  });

  it('bounds nesting (an error, not a stack overflow) and the length of a form', () => {
    const deep = '['.repeat(100_000);
    expect(errorOf(deep)).toEqual({ line: 1, message: 'expected at most 256 levels of nesting, got deeper nesting' });
    expect(errorOf('#a '.repeat(300) + '1').message).toMatch(/at most 256 levels/);
    expect(errorOf('[[[1]]]', { maxDepth: 2 }).message).toMatch(/at most 2 levels/);
    // A form (or a token) longer than the bound, whether in one chunk or many.
    expect(() => readAll(['[', '1 '.repeat(100), ']'], { maxFormChars: 50 })).toThrow(/expected a form of at most 50 characters/);
    expect(() => readAll(['"', 'x'.repeat(100)], { maxFormChars: 50 })).toThrow(/expected a (token|string) of at most 50 characters/);
  });
});

describe('EDN reader: streaming', () => {
  it('unwraps a top-level vector or list into its elements, each with its own line', () => {
    const text = '; header\n[{:a 1}\n {:a 2}\n ; between\n {:a\n  3}]\n({:a 4})\n{:a 5}';
    const { values, lines } = readAll([text], { unwrapTopLevel: true, plain: true });
    expect(values).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }, { a: 5 }]);
    expect(lines).toEqual([2, 3, 5, 7, 8]);
  });

  it('reads the same values and lines however the text is cut into chunks', () => {
    const text = ';c\n[{:s "multi\nline \\"q\\"" :k :kw, :n -12 :b 9007199254740993 :f 1.5}\n #_ {:x 1} #tag [\\a ##Inf]\n #{1} #:ns{:a 1}]\n:end';
    const whole = readAll([text], { unwrapTopLevel: true });
    for (const size of [1, 2, 3, 7]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(readAll(chunks, { unwrapTopLevel: true })).toEqual(whole);
    }
  });

  it('reads tokens longer than many chunks (kept in pieces until one can end them) exactly', () => {
    const long = 'y\n'.repeat(40_000);
    const sym = 'z'.repeat(100_000);
    const text = `[:a "${long}" ${sym}\n:b]\n:c`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 1000) chunks.push(text.slice(i, i + 1000));
    const { values, lines } = readAll(chunks, { unwrapTopLevel: true, plain: true });
    expect(values).toEqual(['a', long, sym, 'b', 'c']);
    expect(lines).toEqual([1, 1, 40_001, 40_002, 40_003]);
  });

  // Random EDN values printed with random separators, cut at random places: the reader
  // gives what it gives for the whole text, and plain mode gives what toPlain makes.
  const sep = fc.constantFrom(' ', ',', '\n', ' ; note\n', '\t');
  const atom = fc.oneof(
    fc.constantFrom('nil', 'true', 'false', ':k', ':ns/k', 'sym', '\\c', '##Inf'),
    fc.integer().map(String),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((d) => (Number.isInteger(d) ? `${d}.0` : String(d))),
    fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, '\\u00$1')),
  );
  const form: fc.Arbitrary<string> = fc.letrec<{ form: string }>((tie) => ({
    form: fc.oneof(
      { depthSize: 'small' },
      atom,
      fc.tuple(fc.array(tie('form'), { maxLength: 4 }), sep).map(([xs, s]) => `[${xs.join(s)}]`),
      fc.tuple(fc.array(tie('form'), { maxLength: 3 }), sep).map(([xs, s]) => `(${xs.join(s)})`),
      fc.tuple(fc.uniqueArray(fc.constantFrom(':a', ':b', ':c', '"d"', '1'), { maxLength: 3 }), fc.array(tie('form'), { minLength: 3, maxLength: 3 }), sep).map(([ks, vs, s]) => `{${ks.map((k, i) => `${k}${s}${vs[i]!}`).join(s)}}`),
      tie('form').map((x) => `#tag ${x}`),
      fc.tuple(tie('form'), tie('form')).map(([a, b]) => `#_ ${a} ${b}`),
    ),
  })).form;

  it('parses any printed EDN identically in any chunking, and plain mode equals toPlain', () => {
    fc.assert(
      fc.property(fc.array(form, { minLength: 1, maxLength: 4 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 20 }), (forms, cuts) => {
        const text = forms.join('\n');
        const whole = readAll([text]);
        const chunks: string[] = [];
        let at = 0;
        for (let i = 0; at < text.length; i++) {
          const n = cuts[i % cuts.length]!;
          chunks.push(text.slice(at, at + n));
          at += n;
        }
        expect(readAll(chunks)).toEqual(whole);
        expect(readAll(chunks, { plain: true }).values).toEqual(whole.values.map((v) => toPlain(v as Edn)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the Keyword class distinct from strings in EDN mode', () => {
    const [a, b] = readEdn('[:x "x"]') as Edn[];
    expect(a).toBeInstanceOf(Keyword);
    expect(b).toBe('x');
  });
});
