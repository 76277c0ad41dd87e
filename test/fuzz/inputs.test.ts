/**
 * Fuzzing every input a user hands the CLI: histories in each import format, workload
 * files, and `run` arguments. Whatever the input, the answer is a verdict or one line
 * naming the problem with exit 4 (bad input) — never a harness error (3), an exception,
 * a stack trace, or raw control characters on the terminal. Bounded time is the test
 * timeout: a hang on some input fails the run.
 *
 * CI runs a small count on every commit; `npm run fuzz` runs 10,000 cases per property
 * (FAULTLINE_FUZZ_RUNS).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { validateWorkloadConfig } from '../../src/config/validate.js';
import { FaultlineError, UsageError } from '../../src/core/errors.js';
import { requestFromArgs } from '../../src/run/request.js';
import { resolveTest } from '../../src/run/resolve.js';

const RUNS = Number(process.env.FAULTLINE_FUZZ_RUNS ?? 60);
/** The whole property, however many runs: a hang fails here, not in CI's 90 minutes. */
const PROPERTY_TIMEOUT = Math.max(120_000, RUNS * 200);

const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What the CLI printed while `main` ran (stderr and stdout), captured without a terminal. */
let printed = '';
beforeEach(() => {
  printed = '';
  const capture = (chunk: string | Uint8Array): boolean => {
    printed += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
});
afterEach(() => vi.restoreAllMocks());

/** A small valid history in each format, the seed the mutations start from. */
const SEEDS: Record<string, string> = {
  jsonl: [
    '{"type":"invoke","process":0,"f":"write","value":1,"time":1}',
    '{"type":"ok","process":0,"f":"write","value":1,"time":2}',
    '{"type":"invoke","process":1,"f":"read","value":null,"time":3}',
    '{"type":"ok","process":1,"f":"read","value":1,"time":4}',
  ].join('\n'),
  'jepsen-edn': [
    '{:process 0, :type :invoke, :f :write, :value 1, :time 1}',
    '{:process 0, :type :ok, :f :write, :value 1, :time 2}',
    '{:process 1, :type :invoke, :f :read, :value nil, :time 3}',
    '{:process 1, :type :ok, :f :read, :value 1, :time 4}',
  ].join('\n'),
  'porcupine-etcd': [
    'INFO  jepsen.util - 0\t:invoke\t:write\t1',
    'INFO  jepsen.util - 0\t:ok\t:write\t1',
    'INFO  jepsen.util - 1\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 1\t:ok\t:read\t1',
  ].join('\n'),
  'porcupine-kv': [
    '{:process 0, :type :invoke, :f :put, :key "x", :value "a"}',
    '{:process 0, :type :ok, :f :put, :key "x", :value "a"}',
    '{:process 1, :type :invoke, :f :get, :key "x", :value nil}',
    '{:process 1, :type :ok, :f :get, :key "x", :value "a"}',
  ].join('\n'),
};
/** The model each format is checked against (jsonl and EDN carry none of their own). */
const MODEL: Record<string, string | undefined> = { jsonl: 'register', 'jepsen-edn': 'register' };

let fileNo = 0;
const historyFile = (text: string): string => {
  const p = path.join(tmp, `h${fileNo++}.txt`);
  writeFileSync(p, text);
  return p;
};

const checkArgs = (format: string, file: string): string[] => ['check', '--format', format, ...(MODEL[format] ? ['--model', MODEL[format]] : []), file];

/** Exit codes of a verdict: valid, invalid, unknown. */
const VERDICT_CODES = new Set([0, 1, 2]);

/** The contract for any input: a verdict (0–2), or exit 4 with exactly one clean line. */
function expectVerdictOrOneLineError(code: number, out: string): void {
  expect(out).not.toMatch(/\n\s+at /); // no stack trace
  // Only newlines and tabs may reach the terminal raw; everything else is escaped.
  expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  if (code === 4) {
    expect(out).toMatch(/^faultline: [^\n]+\n$/);
  } else {
    // Every other input must have been judged: exit 3 (harness error) or anything else fails.
    expect(VERDICT_CODES.has(code), `exit ${code}: neither a verdict nor bad input`).toBe(true);
    expect(out).not.toMatch(/^faultline: internal error/m);
  }
}

/** A mutation of a text: cut, insert, replace, duplicate, or bytes no format allows. */
const mutated = (seed: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.nat(seed.length).map((n) => seed.slice(0, n)),
    fc.tuple(fc.nat(seed.length), fc.string({ unit: 'binary', maxLength: 12 })).map(([at, s]) => seed.slice(0, at) + s + seed.slice(at)),
    fc.tuple(fc.nat(seed.length - 1), fc.constantFrom('{', '}', '[', ']', ':', '"', '\\', '#', ';', '\n', '\u0000', '\u001b', '9'.repeat(40), '#_', '#inst')).map(
      ([at, c]) => seed.slice(0, at) + c + seed.slice(at + 1),
    ),
    fc.nat(5).map((k) => seed.split('\n').flatMap((l, i) => (i === k % 4 ? [l, l] : [l])).join('\n')),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
  );

describe('fuzzed histories in every import format', () => {
  for (const format of Object.keys(SEEDS)) {
    it(
      `${format}: any mutation gives a verdict or one line and exit 4`,
      async () => {
        await fc.assert(
          fc.asyncProperty(mutated(SEEDS[format]!), async (text) => {
            printed = '';
            const code = await main(checkArgs(format, historyFile(text)));
            expectVerdictOrOneLineError(code, printed);
          }),
          { numRuns: RUNS, seed: 14 },
        );
      },
      PROPERTY_TIMEOUT,
    );

    it(`${format}: a line of garbage between valid ops is bad input, named by its line`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.constantFrom('{', '}}}', '{:type', '[[', '"unterminated'), async (at, junk) => {
          printed = '';
          const lines = SEEDS[format]!.split('\n');
          lines.splice(at, 0, junk);
          const code = await main(checkArgs(format, historyFile(lines.join('\n'))));
          expect(code).toBe(4);
          expect(printed).toMatch(/^faultline: [^\n]+\n$/);
          expect(printed).toMatch(/h\d+\.txt:\d+: /); // file:line: what is wrong
        }),
        { numRuns: Math.min(RUNS, 15), seed: 14 },
      );
    });
  }
});

/** A workload file that validates, for mutating one field at a time. */
const validWorkload = (): Record<string, unknown> => ({
  name: 'fuzzed',
  variants: ['a', 'b'],
  service: { port: 7000, command: ['node', 'server.mjs', '--port', '{port}'], ready: { http: '/health' } },
  client: { open: () => ({}), setup: async () => {}, invoke: async () => ({ type: 'ok' }), teardown: async () => {}, close: async () => {} },
});

describe('fuzzed workload files', () => {
  it('the seed workload validates (so the mutations below start from a valid one)', () => {
    expect(validateWorkloadConfig(validWorkload(), 'w.ts').name).toBe('fuzzed');
  });

  it(
    'any value, or a valid file with one field replaced by any value, validates or is one UsageError line',
    () => {
      const field = fc.constantFrom('name', 'variants', 'service', 'client', 'description', 'generator', 'checker', 'faults', 'nodes', 'image');
      const serviceField = fc.constantFrom('port', 'command', 'env', 'ready', 'clock', 'primary', 'docker', 'user');
      const candidate = fc.oneof(
        fc.anything({ withNullPrototype: true, withObjectString: true }),
        fc.tuple(field, fc.anything()).map(([k, v]) => ({ ...validWorkload(), [k]: v })),
        fc.tuple(serviceField, fc.anything()).map(([k, v]) => {
          const w = validWorkload();
          return { ...w, service: { ...(w.service as object), [k]: v } };
        }),
      );
      fc.assert(
        fc.property(candidate, (x) => {
          try {
            validateWorkloadConfig(x, 'w.ts');
          } catch (e) {
            expect(e).toBeInstanceOf(UsageError);
            expect((e as Error).message).toMatch(/^w\.ts: [^\n]+$/);
          }
        }),
        { numRuns: RUNS * 5, seed: 14 },
      );
    },
    PROPERTY_TIMEOUT,
  );
});

describe('fuzzed run arguments', () => {
  const flags = ['--nodes', '--concurrency', '--time-limit', '--rate', '--seed', '--nemesis', '--nemesis-interval', '--backend', '--op-timeout', '--recovery-time', '--checker-timeout', '--variant', '--faults-overlap', '--quiet', '--bogus', '-x', '--'];
  const values = fc.oneof(
    fc.constantFrom('', '0', '-1', '1e9', 'NaN', 'Infinity', '3.5', '0x10', 'partition,kill', 'none', 'docker', 'local', '__proto__', 'toString', 'constructor'),
    fc.string({ maxLength: 12 }),
  );
  const argv = fc.tuple(fc.constantFrom('register', 'set', 'counter', 'toString', '__proto__', 'no-such-workload'), fc.array(fc.oneof(fc.constantFrom(...flags), values), { maxLength: 8 }));

  it(
    'are resolved into a test or refused with one UsageError line, before anything starts',
    async () => {
      await fc.assert(
        fc.asyncProperty(argv, async ([workload, rest]) => {
          try {
            const parsed = await requestFromArgs([workload, ...rest]);
            if ('request' in parsed) resolveTest(parsed.request);
          } catch (e) {
            expect(e).toBeInstanceOf(FaultlineError);
            expect((e as FaultlineError).exitCode).toBe(4);
            expect((e as Error).message).not.toContain('\n');
          }
        }),
        { numRuns: RUNS * 2, seed: 14 },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'to `check` and unknown commands give one line and exit 4',
    async () => {
      const missing = path.join(tmp, 'no-such-run');
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.tuple(fc.constant('check'), fc.array(fc.oneof(fc.constantFrom('--format', '--model', '--checker-timeout', '--full', '--bogus', missing), values), { minLength: 1, maxLength: 5 })),
            fc.tuple(fc.string({ minLength: 1, maxLength: 10 }).filter((c) => !['run', 'check', 'replay', 'init', 'clean', 'images', 'serve', 'help', '--help', '-h'].includes(c)), fc.constant([] as string[])),
          ),
          async ([command, rest]) => {
            printed = '';
            const code = await main([command, ...rest]);
            expect(code).toBe(4);
            expect(printed).toMatch(/^faultline: [^\n]+\n$/);
            expect(printed).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
          },
        ),
        { numRuns: RUNS * 2, seed: 14 },
      );
    },
    PROPERTY_TIMEOUT,
  );
});
