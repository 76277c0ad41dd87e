/**
 * The replica's op log on disk, one JSON op per line, replayed on start.
 *
 * careful: `append` writes and fsyncs before returning, so an acknowledged write survives
 * SIGKILL and power loss, and a restarted node never reuses a sequence number.
 * naive: lines are buffered and written (without fsync) once a second, the way many
 * services batch their persistence; a SIGKILL loses the last second, and the node then
 * hands out sequence numbers its peers have already seen, which they drop as duplicates.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isGossipOp, type GossipOp } from './ops.js';

export interface OpLog {
  append(ops: readonly GossipOp[]): void;
  close(): void;
}

const FILE = 'ops.jsonl';

/** Reads back the ops of a previous life; a torn last line (crash mid-write) is ignored. */
export function readOpLog(dataDir: string): GossipOp[] {
  const file = path.join(dataDir, FILE);
  if (!fs.existsSync(file)) return [];
  const ops: GossipOp[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const x: unknown = JSON.parse(line);
      if (isGossipOp(x)) ops.push(x);
    } catch {
      // only the last line can be torn; anything after it was never acknowledged
    }
  }
  return ops;
}

export function openOpLog(dataDir: string, fsync: boolean): OpLog {
  const file = path.join(dataDir, FILE);
  const fd = fs.openSync(file, 'a');
  // A torn line from a crash must not glue itself to the next record.
  if (fs.fstatSync(fd).size > 0 && !fs.readFileSync(file, 'utf8').endsWith('\n')) fs.writeSync(fd, '\n');
  if (fsync) {
    return {
      append(ops) {
        if (ops.length === 0) return;
        fs.writeSync(fd, ops.map((o) => JSON.stringify(o) + '\n').join(''));
        fs.fsyncSync(fd);
      },
      close: () => fs.closeSync(fd),
    };
  }
  let buffer: string[] = [];
  const flush = (): void => {
    if (buffer.length === 0) return;
    const text = buffer.join('');
    buffer = [];
    fs.writeSync(fd, text);
  };
  const timer = setInterval(flush, 1000);
  timer.unref();
  return {
    append(ops) {
      for (const o of ops) buffer.push(JSON.stringify(o) + '\n');
    },
    close() {
      clearInterval(timer);
      flush();
      fs.closeSync(fd);
    },
  };
}
