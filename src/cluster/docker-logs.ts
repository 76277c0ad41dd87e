/**
 * Copies a container's output into the run's `nodes/<node>.log`. Docker keeps a stopped
 * container's log (json-file driver), across restarts too, so a full copy at the end (or
 * when a node fails to start) loses nothing the node wrote.
 */
import { writeFileSync } from 'node:fs';
import type Docker from 'dockerode';

/**
 * Docker multiplexes stdout and stderr of a container without a TTY into frames: one byte
 * stream id, three zero bytes, a big-endian u32 length, then the payload.
 */
export function demux(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(parts);
}

/** Overwrites `file` with everything the container printed so far (stdout and stderr, in order). */
export async function copyContainerLog(container: Docker.Container, file: string): Promise<void> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  writeFileSync(file, demux(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))));
}
