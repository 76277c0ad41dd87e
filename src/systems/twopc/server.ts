/**
 * Entry point of a 2PC node:
 *
 *   node dist/src/systems/twopc/server.js --id n2 --nodes n1=10.0.0.1:8000,n2=…,n3=… \
 *     --port 8000 --data-dir /var/lib/twopc --variant careful|naive
 *
 * The first node of --nodes is the coordinator, the rest are participants. Exit codes: 0
 * after SIGTERM, 1 on a fatal error (storage failure, corrupt log), 2 on bad arguments.
 */
import { USAGE, parseArgs } from './args.js';
import { createCarefulCoordinator } from './coordinator-careful.js';
import { createNaiveCoordinator } from './coordinator-naive.js';
import { createCarefulParticipant } from './participant-careful.js';
import { createNaiveParticipant } from './participant-naive.js';
import { argsOrExit, fatalAfterAnswer, logger, startOrExit } from '../http-server.js';
import { serve, type Service } from './service.js';

const args = argsOrExit('twopc', USAGE, parseArgs);
const log = logger(args.id);
// Let the current answer go out, then stop before serving anything else.
const fatal = fatalAfterAnswer(log);
const service = startOrExit<Service>(log, () => {
  const coordinator = args.nodes[0]?.id === args.id;
  if (args.variant === 'careful') return coordinator ? createCarefulCoordinator(args, log, fatal) : createCarefulParticipant(args, log, fatal);
  return coordinator ? createNaiveCoordinator(args, log) : createNaiveParticipant(args, log);
});
serve(args, service, log);
