/**
 * libfaketime wiring for clock faults: a node launched with these variables reads its wall
 * clock as real time plus the offset in `file`, re-read on every call (FAKETIME_NO_CACHE),
 * so the nemesis can move a running process' clock by rewriting the file.
 */
import { existsSync } from 'node:fs';
import { FaultlineError } from '../core/errors.js';

const CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
];

export function libfaketimePath(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new FaultlineError('clock faults need libfaketime: apt-get install -y libfaketime (or drop clock from --nemesis)');
  return found;
}

export function fakeTimeEnv(file: string): Record<string, string> {
  return {
    LD_PRELOAD: libfaketimePath(),
    FAKETIME_TIMESTAMP_FILE: file,
    FAKETIME_NO_CACHE: '1',
    // Timers and timeouts run on the monotonic clock; a real NTP step leaves it alone too.
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  };
}
