/**
 * Command line of a 2PC node. Every node gets the same arguments apart from --id; the
 * first node of --nodes is the coordinator, the others are participants.
 */
import { ArgsError, parseNodes, type NodeAddress } from '../kv/args.js';


type TwopcVariant = 'careful' | 'naive';

export interface TwopcArgs {
  id: string;
  nodes: NodeAddress[];
  port: number;
  host: string;
  dataDir: string;
  variant: TwopcVariant;
  accountsPerParticipant: number;
  initialBalance: number;
}

export const USAGE =
  'usage: server.js --id <id> --nodes <id=host:port,...> --port <port> --data-dir <dir> --variant careful|naive ' +
  '[--host <addr>] [--accounts-per-participant <n>] [--initial-balance <n>]';

const KNOWN = new Set(['id', 'nodes', 'port', 'host', 'data-dir', 'variant', 'accounts-per-participant', 'initial-balance']);

/** `--name value` pairs, each known and given once. */
export function parseFlags(argv: readonly string[], known: ReadonlySet<string>): Map<string, string> {
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new ArgsError(`unexpected argument "${arg}"`);
    const name = arg.slice(2);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new ArgsError(`--${name} needs a value`);
    if (!known.has(name)) throw new ArgsError(`unknown option --${name}`);
    if (raw.has(name)) throw new ArgsError(`--${name} given twice`);
    raw.set(name, value);
  }
  return raw;
}

export function intFlag(raw: ReadonlyMap<string, string>, name: string, dflt: number, min: number, max: number): number {
  const text = raw.get(name);
  if (text === undefined) return dflt;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new ArgsError(`--${name}: want an integer in ${min}..${max}, got "${text}"`);
  return n;
}

export function requiredFlag(raw: ReadonlyMap<string, string>, name: string): string {
  const v = raw.get(name);
  if (v === undefined || v === '') throw new ArgsError(`missing --${name}`);
  return v;
}

export function parseArgs(argv: readonly string[]): TwopcArgs {
  const raw = parseFlags(argv, KNOWN);
  const id = requiredFlag(raw, 'id');
  const nodes = parseNodes(requiredFlag(raw, 'nodes'));
  if (!nodes.some((n) => n.id === id)) throw new ArgsError(`--id ${id} is not in --nodes`);
  if (nodes.length < 3) throw new ArgsError('--nodes needs a coordinator and at least 2 participants');
  const variant = requiredFlag(raw, 'variant');
  if (variant !== 'careful' && variant !== 'naive') throw new ArgsError(`--variant must be careful or naive, got "${variant}"`);
  const port = intFlag(raw, 'port', 0, 1, 65535);
  if (port === 0) throw new ArgsError('missing --port');
  return {
    id,
    nodes,
    port,
    host: raw.get('host') ?? '0.0.0.0',
    dataDir: requiredFlag(raw, 'data-dir'),
    variant,
    accountsPerParticipant: intFlag(raw, 'accounts-per-participant', 2, 1, 26),
    initialBalance: intFlag(raw, 'initial-balance', 20, 0, 1_000_000_000),
  };
}
