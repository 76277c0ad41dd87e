/**
 * Races a client call against the op's abort signal (the runner's per-op timeout), for
 * client libraries whose calls take no signal of their own: the op ends when the signal
 * fires, whatever the library is still doing.
 */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted: op timed out'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
