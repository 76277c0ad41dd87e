/** Command line of a saga node; the node's role comes from its position in --nodes. */
import { ArgsError, parseNodes, type NodeAddress } from '../kv/args.js';
import { intFlag, parseFlags, requiredFlag } from '../twopc/args.js';


type SagaVariant = 'careful' | 'naive';
type SagaStyle = 'orchestration' | 'choreography';

export interface SagaArgs {
  id: string;
  nodes: NodeAddress[];
  port: number;
  host: string;
  dataDir: string;
  variant: SagaVariant;
  style: SagaStyle;
}

export const USAGE = 'usage: server.js --id <id> --nodes <id=host:port,...> --port <port> --data-dir <dir> --variant careful|naive [--style orchestration|choreography] [--host <addr>]';

const KNOWN = new Set(['id', 'nodes', 'port', 'host', 'data-dir', 'variant', 'style']);

export function parseArgs(argv: readonly string[]): SagaArgs {
  const raw = parseFlags(argv, KNOWN);
  const id = requiredFlag(raw, 'id');
  const nodes = parseNodes(requiredFlag(raw, 'nodes'));
  if (!nodes.some((n) => n.id === id)) throw new ArgsError(`--id ${id} is not in --nodes`);
  if (nodes.length < 4) throw new ArgsError('--nodes needs 4 nodes: orders, inventory, payments, shipping');
  const variant = requiredFlag(raw, 'variant');
  if (variant !== 'careful' && variant !== 'naive') throw new ArgsError(`--variant must be careful or naive, got "${variant}"`);
  const port = intFlag(raw, 'port', 0, 1, 65535);
  if (port === 0) throw new ArgsError('missing --port');
  const style = raw.get('style') ?? 'orchestration';
  if (style !== 'orchestration' && style !== 'choreography') throw new ArgsError(`--style must be orchestration or choreography, got "${style}"`);
  return { id, nodes, port, host: raw.get('host') ?? '0.0.0.0', dataDir: requiredFlag(raw, 'data-dir'), variant, style };
}
