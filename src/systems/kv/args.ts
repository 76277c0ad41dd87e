/**
 * Command-line arguments of the kv server. Parsed by hand (no dependency) and validated
 * strictly: a node started with a typo would otherwise join the wrong cluster silently.
 */

type Variant = 'careful' | 'naive';

export interface NodeAddress {
  id: string;
  host: string;
  port: number;
}

export interface KvArgs {
  id: string;
  /** All nodes in --nodes order; the first is the careful variant's primary. */
  nodes: NodeAddress[];
  port: number;
  host: string;
  dataDir: string;
  variant: Variant;
  /** naive: fixed delay before replicating a write; undefined means random 50–200 ms. */
  replicationDelayMs: number | undefined;
  /** careful: how long a forwarding node waits for a TCP connection to the primary. */
  connectTimeoutMs: number;
  /** careful: how long a forwarding node waits for the primary's answer in total. */
  requestTimeoutMs: number;
}

export class ArgsError extends Error {
  override name = 'ArgsError';
}

export const USAGE =
  'usage: server.js --id <id> --nodes <id=host:port,...> --port <port> --data-dir <dir> ' +
  '--variant careful|naive [--host <addr>] [--replication-delay-ms <ms>] ' +
  '[--connect-timeout-ms <ms>] [--request-timeout-ms <ms>]';

const KNOWN = new Set([
  'id',
  'nodes',
  'port',
  'host',
  'data-dir',
  'variant',
  'replication-delay-ms',
  'connect-timeout-ms',
  'request-timeout-ms',
]);

/** Parse `argv` (without node and script). Throws `ArgsError` with a one-line message. */
export function parseArgs(argv: readonly string[]): KvArgs {
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new ArgsError(`unexpected argument "${arg}"`);
    let name = arg.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new ArgsError(`--${name} needs a value`);
      i++;
    }
    if (!KNOWN.has(name)) throw new ArgsError(`unknown option --${name}`);
    if (raw.has(name)) throw new ArgsError(`--${name} given twice`);
    raw.set(name, value);
  }

  const required = (name: string): string => {
    const v = raw.get(name);
    if (v === undefined || v === '') throw new ArgsError(`missing --${name}`);
    return v;
  };

  const id = required('id');
  const nodes = parseNodes(required('nodes'));
  if (!nodes.some((n) => n.id === id)) throw new ArgsError(`--id ${id} is not in --nodes`);
  const port = parsePort(required('port'), '--port');
  const dataDir = required('data-dir');
  const variant = required('variant');
  if (variant !== 'careful' && variant !== 'naive') {
    throw new ArgsError(`--variant must be careful or naive, got "${variant}"`);
  }
  const host = raw.get('host') ?? '0.0.0.0';
  if (host === '') throw new ArgsError('--host is empty');

  const delay = raw.get('replication-delay-ms');
  return {
    id,
    nodes,
    port,
    host,
    dataDir,
    variant,
    replicationDelayMs: delay === undefined ? undefined : parseMs(delay, '--replication-delay-ms'),
    connectTimeoutMs: parseMs(raw.get('connect-timeout-ms') ?? '500', '--connect-timeout-ms', 1),
    requestTimeoutMs: parseMs(raw.get('request-timeout-ms') ?? '1000', '--request-timeout-ms', 1),
  };
}

/** `n1=10.88.0.2:8000,n2=...` → addresses, rejecting duplicates and malformed entries. */
export function parseNodes(spec: string): NodeAddress[] {
  const nodes: NodeAddress[] = [];
  for (const part of spec.split(',')) {
    const entry = part.trim();
    const eq = entry.indexOf('=');
    const colon = entry.lastIndexOf(':');
    if (eq <= 0 || colon <= eq + 1 || colon === entry.length - 1) {
      throw new ArgsError(`bad --nodes entry "${entry}" (want id=host:port)`);
    }
    const id = entry.slice(0, eq);
    const host = entry.slice(eq + 1, colon);
    const port = parsePort(entry.slice(colon + 1), `--nodes entry ${id}`);
    if (nodes.some((n) => n.id === id)) throw new ArgsError(`node id ${id} appears twice in --nodes`);
    nodes.push({ id, host, port });
  }
  return nodes;
}

function parsePort(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new ArgsError(`${what}: bad port "${text}"`);
  }
  return n;
}

function parseMs(text: string, what: string, min = 0): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new ArgsError(`${what}: bad milliseconds "${text}"`);
  return n;
}
