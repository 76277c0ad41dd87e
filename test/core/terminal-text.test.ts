import { describe, expect, it } from 'vitest';
import { oneLine, terminalLines } from '../../src/core/terminal-text.js';

describe('oneLine', () => {
  it('escapes newlines, escape sequences, NUL, DEL and C1 controls; leaves other text alone', () => {
    expect(oneLine('a\nb\u001b[2Jc\u0000d\u007fe\u009bf')).toBe('a\\x0ab\\x1b[2Jc\\x00d\\x7fe\\x9bf');
    expect(oneLine('naïve — 日本 "quoted"')).toBe('naïve — 日本 "quoted"');
  });
});

describe('terminalLines', () => {
  it('keeps newlines and tabs of a multi-line summary, escapes the rest', () => {
    expect(terminalLines('VALID\n\tkey "\u0000" ok\u001b[31m\n')).toBe('VALID\n\tkey "\\x00" ok\\x1b[31m\n');
  });
});
