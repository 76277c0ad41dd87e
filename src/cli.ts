/**
 * The `faultline` command line: run, check, clean. Every expected failure is one line on
 * stderr and a non-zero exit (3+ for harness errors, 4 for usage errors); verdicts exit
 * 0 valid, 1 invalid, 2 unknown.
 */
import { FaultlineError, UsageError } from './core/errors.js';
import { parseCli, parseRunArgs } from './core/options.js';
import { runTest } from './core/run-test.js';
import { checkRun } from './core/check-run.js';
import { workloadNames } from './core/workloads.js';
import { cleanLocal } from './cluster/clean.js';
import { needsUserNamespace, reexecInUserNamespace, requireNamespaces } from './cluster/privileges.js';

const USAGE = `usage: faultline <command> [options]

commands:
  run <workload> [options]   run a test (workloads: ${workloadNames().join(', ')})
  check <run-dir>            re-check a stored history (e.g. reports/register/<timestamp>)
  clean                      remove namespaces, processes and temp dirs left by killed runs
  help                       this text

run options:
  --variant <v>              system variant (register: careful | naive)    [first listed]
  --nodes <n>                cluster size                                   [5]
  --concurrency <n>          client workers                                 [10]
  --time-limit <s>           seconds of load and faults                     [30]
  --rate <hz>                client ops per second, all workers together    [50]
  --seed <n>                 seed for ops and faults (printed; random if not given)
  --nemesis <a,b|none>       faults: partition, kill, pause                  [partition,kill]
  --nemesis-interval <s>     seconds between fault start and stop           [5]
  --backend <local|docker>   where nodes run                                [local]
  --op-timeout <ms>          an op still running then is recorded as info   [3000]
  --recovery-time <s>        wait after healing before final reads          [3]
  --checker-timeout <s>      linearizability search budget                  [120]
  --out <dir>                output root                                    [reports]
  --quiet                    no progress line

exit codes: 0 valid, 1 invalid, 2 unknown, 3+ harness or usage error`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run': {
        const parsed = parseRunArgs(rest);
        if (parsed.help) return help();
        if (needsUserNamespace()) return await reexecInUserNamespace(argv);
        return (await runTest(parsed)).exitCode;
      }
      case 'check': {
        const { values, positionals } = parseCli({ args: rest, allowPositionals: true, strict: true, options: { 'checker-timeout': { type: 'string' } } });
        if (positionals.length !== 1) throw new UsageError('usage: faultline check <run-dir>');
        const t = values['checker-timeout'];
        const timeout = t === undefined ? undefined : Number(t);
        if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--checker-timeout must be a positive number of seconds, got "${t}"`);
        return (await checkRun(positionals[0]!, process.stderr, timeout === undefined ? undefined : { checkerTimeout: timeout })).exitCode;
      }
      case 'clean': {
        if (needsUserNamespace()) {
          process.stderr.write('faultline: as a normal user, runs live in user namespaces that die with them; nothing to clean\n');
          return 0;
        }
        await requireNamespaces();
        const removed = await cleanLocal();
        process.stderr.write(removed.length ? removed.map((r) => `removed ${r}`).join('\n') + '\n' : 'faultline: nothing to clean\n');
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return help();
      default:
        throw new UsageError(`unknown command "${command}"; commands: run, check, clean, help`);
    }
  } catch (e) {
    if (e instanceof FaultlineError) {
      process.stderr.write(`faultline: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

function help(): number {
  process.stdout.write(USAGE + '\n');
  return 0;
}
