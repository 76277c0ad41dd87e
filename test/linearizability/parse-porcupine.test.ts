/** The Porcupine data parsers: values, whitespace variants and malformed lines. */
import { describe, expect, it } from 'vitest';
import { parseEtcdLog, parseKvEdn } from '../../src/checkers/linearizability/parse-porcupine.js';

describe('parseEtcdLog', () => {
  it('parses tab- and space-separated lines into ops in line order', () => {
    const text = [
      'INFO  jepsen.util - 2\t:invoke\t:cas\t[3 0]',
      'INFO  jepsen.util - 0   :invoke :read   nil',
      '',
      'INFO  jepsen.util - 2\t:fail\t:cas\t[3 0]',
      'INFO  jepsen.util - 0\t:ok\t:read\tnil',
      'INFO  jepsen.util - 9\t:invoke\t:write\t4',
      'INFO  jepsen.util - 9\t:info\t:write\t:timed-out',
    ].join('\n');
    const ops = parseEtcdLog(text);
    expect(ops.map((o) => [o.index, o.process, o.type, o.f, o.value])).toEqual([
      [0, 2, 'invoke', 'cas', [3, 0]],
      [1, 0, 'invoke', 'read', null],
      [2, 2, 'fail', 'cas', [3, 0]],
      [3, 0, 'ok', 'read', null],
      [4, 9, 'invoke', 'write', 4],
      [5, 9, 'info', 'write', null],
    ]);
    expect(ops[5]?.error).toBe('timed-out');
  });

  it('names the file and line of a malformed line', () => {
    const text = 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\t[1 2 3]\n';
    expect(() => parseEtcdLog(text, 'etcd_x.log')).toThrow(/^etcd_x\.log:2: cannot parse value \[1 2 3\] \(expected nil, an integer or \[a b\]\)/);
    expect(() => parseEtcdLog('hello', 'f')).toThrow(/^f:1: expected a jepsen\.util op line/);
    expect(() => parseEtcdLog('INFO  jepsen.util - 0\t:ok\t:read\t:timed-out', 'f')).toThrow(/^f:1: an ok cannot carry/);
  });
});

describe('parseKvEdn', () => {
  it('parses EDN maps, keyed values as [key, value]', () => {
    const text = [
      '{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}',
      '{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}',
      '{:process 1, :type :invoke, :f :get, :key "5", :value nil}',
      '{:process 1, :type :ok, :f :get, :key "5", :value "say \\"hi\\""}',
    ].join('\n');
    expect(parseKvEdn(text).map((o) => [o.index, o.process, o.type, o.f, o.value])).toEqual([
      [0, 0, 'invoke', 'append', ['0', 'x 0 0 y']],
      [1, 0, 'ok', 'append', ['0', 'x 0 0 y']],
      [2, 1, 'invoke', 'get', ['5', null]],
      [3, 1, 'ok', 'get', ['5', 'say "hi"']],
    ]);
  });

  it('names the line of a malformed map', () => {
    const good = '{:process 0, :type :invoke, :f :get, :key "0", :value nil}';
    expect(() => parseKvEdn(`${good}\n{:process 0, :type :ok :f}`, 'kv.txt')).toThrow(/^kv\.txt:2: expected a value for the last key of the map \(a map holds key-value pairs\), got "\}"$/);
    expect(() => parseKvEdn('{:process 0, :type :done, :f :get, :key "0", :value nil}', 'kv.txt')).toThrow(/^kv\.txt:1: expected :type to be :invoke, :ok, :fail or :info/);
    expect(() => parseKvEdn('{:process 0, :type :ok, :f :get, :key 3, :value nil}', 'kv.txt')).toThrow(/^kv\.txt:1: expected :key to be a string/);
    expect(() => parseKvEdn('[1 2]', 'kv.txt')).toThrow(/^kv\.txt:1: expected an EDN map/);
  });
});
