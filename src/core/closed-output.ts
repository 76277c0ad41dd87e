/**
 * A closed output pipe (`faultline run … | head -1`, a terminal that went away) must not
 * stop a run: node would otherwise die on the unhandled EPIPE with exit 1 (which means
 * INVALID) and leave the cluster up. Once stdout or stderr reports that its reader is
 * gone, writes to it are dropped and the run goes on to its teardown and its verdict's
 * exit code.
 */

/** Errors that mean nobody reads the stream any more. */
const GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'EIO']);

function muteWhenClosed(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (!GONE.has(e.code ?? '')) throw e;
    // Every later write succeeds without writing (its callback, if any, still runs).
    stream.write = ((_chunk: unknown, enc?: unknown, cb?: unknown) => {
      const done = typeof enc === 'function' ? enc : typeof cb === 'function' ? cb : undefined;
      if (done) queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
  });
}

let installed = false;

/** Makes process.stdout and process.stderr drop writes once their reader is gone. */
export function ignoreClosedOutput(): void {
  if (installed) return;
  installed = true;
  muteWhenClosed(process.stdout);
  muteWhenClosed(process.stderr);
}
