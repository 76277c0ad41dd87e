/**
 * Entry point of a 2PC node:
 *
 *   node dist/src/systems/twopc/server.js --id n2 --nodes n1=10.0.0.1:8000,n2=…,n3=… \
 *     --port 8000 --data-dir /var/lib/twopc --variant careful|naive
 *
 * The first node of --nodes is the coordinator, the rest are participants. Exit codes: 0
 * after SIGTERM, 1 on a fatal error (storage failure, corrupt log), 2 on bad arguments.
 */
import { ArgsError, USAGE, parseArgs, type TwopcArgs } from './args.js';
import { createCarefulCoordinator } from './coordinator-careful.js';
import { createNaiveCoordinator } from './coordinator-naive.js';
import { createCarefulParticipant } from './participant-careful.js';
import { createNaiveParticipant } from './participant-naive.js';
import { fatalAfterAnswer, logger } from '../http-server.js';
import { serve, type Service } from './service.js';

let args: TwopcArgs;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof ArgsError)) throw e;
  process.stderr.write(`twopc: ${e.message} (${USAGE})\n`);
  process.exit(2);
}
const log = logger(args.id);
// Let the current answer go out, then stop before serving anything else.
const fatal = fatalAfterAnswer(log);
let service: Service;
try {
  const coordinator = args.nodes[0]?.id === args.id;
  if (args.variant === 'careful') service = coordinator ? createCarefulCoordinator(args, log, fatal) : createCarefulParticipant(args, log, fatal);
  else service = coordinator ? createNaiveCoordinator(args, log) : createNaiveParticipant(args, log);
} catch (e) {
  log(`fatal: cannot start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
serve(args, service, log);
