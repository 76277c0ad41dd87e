/**
 * Entry point of a saga node:
 *
 *   node dist/src/systems/saga/server.js --id n3 --nodes n1=…,n2=…,n3=…,n4=… --port 8000 \
 *     --data-dir /var/lib/saga --variant careful|naive [--style orchestration|choreography]
 *
 * The role comes from the position in --nodes: orders (orchestrator), inventory, payments,
 * shipping; further nodes are spares. --style picks an orchestrator (default) or choreography. Exit codes: 0 after SIGTERM, 1 fatal, 2 bad arguments.
 */
import { fatalAfterAnswer, logger } from '../http-server.js';
import { serve, type Service } from '../twopc/service.js';
import { ArgsError, USAGE, parseArgs, type SagaArgs } from './args.js';
import { createCarefulOrchestrator } from './orchestrator-careful.js';
import { createNaiveOrchestrator } from './orchestrator-naive.js';
import { roleOf } from '../../domain/saga-order.js';
import { createStepService } from './step-service.js';
import { createChoreoNode } from './choreo-node.js';

let args: SagaArgs;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof ArgsError)) throw e;
  process.stderr.write(`saga: ${e.message} (${USAGE})\n`);
  process.exit(2);
}
const log = logger(args.id);
// Let the current answer go out, then stop before serving anything else.
const fatal = fatalAfterAnswer(log);
const role = roleOf(args.nodes.map((n) => n.id), args.id);
let service: Service;
try {
  if (role !== 'spare' && args.style === 'choreography') service = createChoreoNode(role, args, log, fatal);
  else if (role === 'orders') service = args.variant === 'careful' ? createCarefulOrchestrator(args, log, fatal) : createNaiveOrchestrator(args, log);
  else if (role === 'spare') service = { handle: async () => undefined, health: () => ({ id: args.id, role }), close: () => undefined };
  else service = createStepService(role, args, log, fatal);
} catch (e) {
  log(`fatal: cannot start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
serve(args, service, log);
