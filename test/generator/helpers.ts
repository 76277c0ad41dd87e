import type { Op } from '../../src/core/op.js';

export const invokes = (h: readonly Op[]): Op[] => h.filter((e) => e.type === 'invoke');
export const completions = (h: readonly Op[]): Op[] => h.filter((e) => e.type !== 'invoke');
export const fs = (h: readonly Op[]): string[] => invokes(h).map((e) => e.f);
export const MS = 1_000_000;
export const S = 1_000_000_000;
