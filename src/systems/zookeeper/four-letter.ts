/**
 * ZooKeeper's four-letter-word admin commands (`ruok`, `srvr`, `mntr`) over its client
 * port: send the word, read until the server closes. Only words on the server's
 * `4lw.commands.whitelist` answer (since 3.5 every other word is refused); the launch
 * config in system.ts whitelists the ones used here.
 */
import { connect } from 'node:net';

export async function fourLetterWord(host: string, port: number, word: 'ruok' | 'srvr' | 'mntr', timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let out = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${word} to ${host}:${port}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(word));
    socket.on('data', (d: string) => (out += d));
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** `Mode: leader|follower|standalone` from a `srvr` answer; undefined while not serving. */
export function serverMode(srvr: string): string | undefined {
  return /^Mode: (\S+)/m.exec(srvr)?.[1];
}
