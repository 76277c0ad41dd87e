#!/usr/bin/env node
// Entry point for `npx faultline` and `npm run test:jepsen`: runs the compiled CLI.
import { main } from '../dist/src/cli.js';
import { oneLine } from '../dist/src/core/terminal-text.js';

// Node exits with 0 when nothing is left to wait on, even while `main` is still pending (a
// promise nobody will settle): that would read as VALID with no verdict. Say so instead.
const stuck = () => {
  process.stderr.write('faultline: internal error: the command stopped with nothing left to wait on and no verdict (a promise that never settled); please report it\n');
  process.exit(3);
};
process.on('beforeExit', stuck);

main(process.argv.slice(2)).then(
  // Exit explicitly: a keep-alive socket to a node that no longer exists must not hold the
  // process open after the verdict (stdout/stderr writes are synchronous on Linux).
  (code) => process.exit(code),
  (err) => {
    // Last-resort guard: the CLI maps every expected failure to a one-line message itself.
    process.stderr.write(`faultline: internal error: ${oneLine(err instanceof Error ? err.message : String(err))}\n`);
    process.exit(3);
  },
);
