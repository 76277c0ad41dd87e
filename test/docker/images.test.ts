/**
 * Registry-free images: built from host binaries, labelled, and found again by content
 * hash instead of rebuilt. Plus the pure helpers of the backend (no engine needed).
 */
import { describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { dockerClient } from '../../src/cluster/docker-connect.js';
import { demux } from '../../src/cluster/docker-logs.js';
import { pickSubnet } from '../../src/cluster/docker-subnet.js';
import { ensureImage } from '../../src/cluster/images/catalog.js';
import { recipeFiles, sharedLibraries } from '../../src/cluster/images/rootfs.js';
import { requireDocker, skipDocker } from './docker-available.js';

describe('docker backend helpers', () => {
  it('demultiplexes Docker log frames', () => {
    const frame = (stream: number, s: string) => Buffer.concat([Buffer.from([stream, 0, 0, 0]), Buffer.from([0, 0, 0, s.length]), Buffer.from(s)]);
    expect(demux(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')])).toString()).toBe('out\nerr\n');
  });

  it('picks a 10.214.X.0/24 no Docker network uses, starting from the run id', async () => {
    const fake = { listNetworks: async () => [{ IPAM: { Config: [{ Subnet: '10.214.171.0/24' }, { Subnet: '10.214.172.0/23' }] } }] } as unknown as Docker;
    // 0xab = 171 is taken, and so are 172 and 173 (the /23).
    expect(await pickSubnet(fake, 'ab0000')).toBe('10.214.174');
    const wide = { listNetworks: async () => [{ IPAM: { Config: [{ Subnet: '10.0.0.0/8' }] } }] } as unknown as Docker;
    await expect(pickSubnet(wide, 'ab0000')).rejects.toThrow(/no free \/24/);
  });

  it('lists a binary with the libraries and loader ldd names', async () => {
    const libs = await sharedLibraries(process.execPath);
    expect(libs.some((l) => /libc\.so/.test(l))).toBe(true);
    expect(await recipeFiles({ name: 'x', binaries: [process.execPath] })).toContain(process.execPath);
  });
});

describe.skipIf(skipDocker)('registry-free images', () => {
  it('builds the node image once, labels it, and finds it again by hash', async () => {
    requireDocker();
    const docker = dockerClient();
    const first = await ensureImage(docker, 'node');
    expect(first.tag).toMatch(/^faultline\/node:[0-9a-f]{16}$/);
    const again = await ensureImage(docker, 'node');
    expect(again).toEqual({ tag: first.tag, built: false });
    const info = await docker.getImage(first.tag).inspect();
    expect(info.Config.Labels?.['faultline.image']).toBe('1');
  });
});
