/** Staging directories are unmounted before they are read or deleted (debootstrap leaves /proc mounted). */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mountsUnder, unmountUnder } from '../../src/cluster/images/mounts.js';

const MOUNTINFO = [
  '22 1 0:21 / /proc rw,relatime - proc proc rw',
  '90 80 0:21 / /tmp/stage/proc rw,relatime - proc proc rw',
  '91 90 0:40 / /tmp/stage/proc/sys/fs/binfmt_misc rw - binfmt_misc binfmt_misc rw',
  '92 80 0:41 / /tmp/stage\\040two/dev rw - tmpfs tmpfs rw',
  '93 80 0:42 / /tmp/stagex rw - tmpfs tmpfs rw',
].join('\n');

describe('mountsUnder', () => {
  it('lists mount points below a directory, deepest first, and not its siblings', () => {
    expect(mountsUnder('/tmp/stage', MOUNTINFO)).toEqual(['/tmp/stage/proc/sys/fs/binfmt_misc', '/tmp/stage/proc']);
  });
  it('decodes the octal escapes mountinfo writes for spaces', () => {
    expect(mountsUnder('/tmp/stage two', MOUNTINFO)).toEqual(['/tmp/stage two/dev']);
  });
});

const root = process.getuid?.() === 0;
describe.skipIf(!root)('unmountUnder (real mounts, as root)', () => {
  it('detaches a mount left in a staging directory, so deleting it cannot reach the mounted tree', async () => {
    const stage = mkdtempSync(path.join(tmpdir(), 'faultline-mounts-test-'));
    try {
      mkdirSync(path.join(stage, 'proc'));
      execFileSync('mount', ['-t', 'tmpfs', 'faultline-test', path.join(stage, 'proc')]);
      expect(mountsUnder(stage)).toEqual([path.join(stage, 'proc')]);
      expect(await unmountUnder(stage)).toEqual([]);
      expect(existsSync(path.join(stage, 'proc'))).toBe(true);
    } finally {
      await unmountUnder(stage);
      rmSync(stage, { recursive: true, force: true });
    }
  });
});
