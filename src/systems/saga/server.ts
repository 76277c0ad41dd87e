/**
 * Entry point of a saga node:
 *
 *   node dist/src/systems/saga/server.js --id n3 --nodes n1=…,n2=…,n3=…,n4=… --port 8000 \
 *     --data-dir /var/lib/saga --variant careful|naive [--style orchestration|choreography]
 *
 * The role comes from the position in --nodes: orders (orchestrator), inventory, payments,
 * shipping; further nodes are spares. --style picks an orchestrator (default) or choreography. Exit codes: 0 after SIGTERM, 1 fatal, 2 bad arguments.
 */
import { argsOrExit, fatalAfterAnswer, logger, startOrExit } from '../http-server.js';
import { serve, type Service } from '../twopc/service.js';
import { USAGE, parseArgs } from './args.js';
import { createCarefulOrchestrator } from './orchestrator-careful.js';
import { createNaiveOrchestrator } from './orchestrator-naive.js';
import { roleOf } from '../../domain/saga-order.js';
import { createStepService } from './step-service.js';
import { createChoreoNode } from './choreo-node.js';

const args = argsOrExit('saga', USAGE, parseArgs);
const log = logger(args.id);
// Let the current answer go out, then stop before serving anything else.
const fatal = fatalAfterAnswer(log);
const role = roleOf(args.nodes.map((n) => n.id), args.id);
const service = startOrExit<Service>(log, () => {
  if (role !== 'spare' && args.style === 'choreography') return createChoreoNode(role, args, log, fatal);
  if (role === 'orders') return args.variant === 'careful' ? createCarefulOrchestrator(args, log, fatal) : createNaiveOrchestrator(args, log);
  if (role === 'spare') return { handle: async () => undefined, health: () => ({ id: args.id, role }), close: () => undefined };
  return createStepService(role, args, log, fatal);
});
serve(args, service, log);
