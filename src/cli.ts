/**
 * The `faultline` command line: run, check, clean. Every expected failure is one line on
 * stderr and a non-zero exit (3+ for harness errors, 4 for usage errors); verdicts exit
 * 0 valid, 1 invalid, 2 unknown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FaultlineError, UsageError } from './core/errors.js';
import { oneLine, terminalStream } from './core/terminal-text.js';
import { ignoreClosedOutput } from './core/closed-output.js';
import { parseCli } from './core/cli-args.js';
import { CONSISTENCY_MODELS } from './checkers/txn/consistency-models.js';
import { checkRun } from './run/check.js';
import { requestFromArgs } from './run/request.js';
import { resolveTest } from './run/resolve.js';
import { runResolvedTest } from './run/run.js';
import { optionsUsage } from './run/options/usage.js';
import { builtinWorkloads, workloadNames } from './run/workloads.js';
import { cleanLocal } from './cluster/clean.js';
import { loadWorkloadFile } from './config/load.js';
import { writeConfigTemplate } from './config/init.js';
import { replayRun } from './api/replay.js';
import { cleanDocker } from './cluster/clean-docker.js';
import { cleanSshHosts } from './cluster/clean-ssh.js';
import { hostsOf } from './cluster/ssh-hosts.js';
import { imagesCommand } from './cluster/images/command.js';
import { serveCommand } from './report/serve-command.js';
import { needsUserNamespace, reexecInUserNamespace, requireNamespaces } from './cluster/privileges.js';

const COMMANDS = () => `usage: faultline <command> [options]

commands:
  run <workload> [options]   run a test (workloads: ${workloadNames().join(', ')})
  run --config <file>        run your own workload file (see: faultline init)
  replay <run-dir> [--repeat N] [--config file]
                             run a stored test again: same seed, options and faults as it ran
                             (a workload-file run needs its file passed with --config)
  init [file] [--force]      write a commented workload file for your service [faultline.config.ts]
  check <run-dir> [--config file] [--consistency-model m]
                             re-check a stored history (e.g. reports/register/<timestamp>);
                             a transactional one against another consistency model
  check --format <f> [--model m] [--consistency-model m] [--full] [--out file] FILE
                             check a history another tool recorded (jsonl, jepsen-edn,
                             porcupine-etcd, porcupine-kv); --model list-append checks
                             transactions for isolation anomalies instead, against
                             --consistency-model (${CONSISTENCY_MODELS.join(', ')}) [serializable]
  clean                      remove namespaces, processes, temp dirs and containers left by killed runs
  clean --hosts <list> [--hosts-file f] [--ssh-key f] [--known-hosts f] [--sudo]
                             remove what killed --backend ssh runs left on those hosts (processes,
                             run directories, iptables chains, by run id); nothing else
  images [name…]             build the Docker backend's images (node, etcd, nettools; no registry, cached by hash)
  images --config <file>     build a workload file's own image (service.docker)
  serve [--port N] [dir]     browse runs and their HTML reports on http://127.0.0.1:N/ [7070, reports]
  help                       this text

exit codes: 0 valid, 1 invalid, 2 unknown, 3 harness error, 4 bad input, 130 interrupted`;

export async function main(argv: string[]): Promise<number> {
  // `faultline run … | head -1`: a reader that goes away must not stop the run.
  ignoreClosedOutput();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run': {
        const parsed = await requestFromArgs(rest);
        if ('help' in parsed) {
          process.stdout.write(`usage: faultline run <workload> [options]\n\n${parsed.help}\n`);
          return 0;
        }
        const test = resolveTest(parsed.request);
        // Only the local backend needs namespace rights; Docker clients must stay in the
        // host's network to reach the ports published on 127.0.0.1.
        if (needsUserNamespace() && test.options.backend === 'local') return await reexecInUserNamespace(argv);
        return (await runResolvedTest(test)).exitCode;
      }
      case 'check': {
        const { values, positionals } = parseCli({
          args: rest,
          allowPositionals: true,
          strict: true,
          options: {
            'checker-timeout': { type: 'string' },
            config: { type: 'string' },
            format: { type: 'string' },
            model: { type: 'string' },
            'consistency-model': { type: 'string' },
            out: { type: 'string' },
            full: { type: 'boolean' },
          },
        });
        if (positionals.length !== 1) throw new UsageError('usage: faultline check <run-dir> [--consistency-model <m>] | faultline check --format <f> [--model <m>] [--consistency-model <m>] [--full] [--out results.json] FILE');
        const t = values['checker-timeout'];
        const timeout = t === undefined ? undefined : Number(t);
        if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--checker-timeout must be a positive number of seconds, got "${t}"`);
        const target = positionals[0]!;
        const { statSync } = await import('node:fs');
        // A history file from another tool: when --format says so or the path is a file.
        if (values.format !== undefined || statSync(target, { throwIfNoEntry: false })?.isFile()) {
          const { checkFile } = await import('./checkers/import/check-file.js');
          const { formatByName, formatForFile } = await import('./checkers/import/index.js');
          const format = values.format !== undefined ? formatByName(values.format) : formatForFile(target);
          const opts: Parameters<typeof checkFile>[0] = { file: target, format };
          if (values.model !== undefined) opts.model = values.model;
          if (values['consistency-model'] !== undefined) opts.consistencyModel = values['consistency-model'];
          if (timeout !== undefined) opts.timeoutMs = timeout * 1000;
          if (values.full !== undefined) opts.full = values.full;
          if (values.out !== undefined) opts.out = values.out;
          return (await checkFile(opts, terminalStream(process.stderr))).exitCode;
        }
        const fileOnly = (['model', 'out', 'full'] as const).filter((k) => values[k] !== undefined);
        if (fileOnly.length > 0) throw new UsageError(`--${fileOnly.join(', --')} only appl${fileOnly.length === 1 ? 'ies' : 'y'} to a history file (faultline check --format <f> FILE)`);
        return (
          await checkRun(target, terminalStream(process.stderr), {
            ...(timeout !== undefined ? { checkerTimeout: timeout } : {}),
            ...(values.config !== undefined ? { config: values.config } : {}),
            ...(values['consistency-model'] !== undefined ? { consistencyModel: values['consistency-model'] } : {}),
          })
        ).exitCode;
      }
      case 'replay': {
        const { values, positionals } = parseCli({
          args: rest,
          allowPositionals: true,
          strict: true,
          options: { repeat: { type: 'string' }, verbose: { type: 'boolean' }, config: { type: 'string' } },
        });
        if (positionals.length !== 1) throw new UsageError('usage: faultline replay <run-dir> [--repeat N] [--config file]');
        const repeat = values.repeat === undefined ? 1 : Number(values.repeat);
        if (!Number.isInteger(repeat) || repeat < 1 || repeat > 1000) throw new UsageError(`--repeat must be an integer from 1 to 1000, got "${values.repeat}"`);
        if (needsUserNamespace() && !isDockerRun(positionals[0]!)) return await reexecInUserNamespace(argv);
        const summary = await replayRun(positionals[0]!, {
          repeat,
          verbose: values.verbose ?? false,
          ...(values.config !== undefined ? { config: values.config } : {}),
          onResult: (r, i) => process.stderr.write(`faultline: replay ${i + 1}/${repeat}: ${r.valid === true ? 'VALID' : r.valid === false ? 'INVALID' : 'UNKNOWN'} (${r.runDir})\n`),
        });
        process.stderr.write(`faultline: ${summary.invalid} of ${repeat} replays invalid, ${summary.unknown} unknown\n`);
        return summary.invalid > 0 ? 1 : summary.unknown > 0 ? 2 : 0;
      }
      case 'init': {
        const { values, positionals } = parseCli({ args: rest, allowPositionals: true, strict: true, options: { force: { type: 'boolean' } } });
        const path = positionals[0] ?? 'faultline.config.ts';
        writeConfigTemplate(path, values.force ?? false);
        process.stderr.write(`faultline: wrote ${path}; edit it, then: npx faultline run --config ${path}\n`);
        return 0;
      }
      case 'clean': {
        if (rest.length > 0) {
          // `clean --hosts …`: only what SSH-backend runs left on those hosts.
          const { values } = parseCli({
            args: rest,
            strict: true,
            options: { hosts: { type: 'string' }, 'hosts-file': { type: 'string' }, 'ssh-key': { type: 'string' }, 'known-hosts': { type: 'string' }, sudo: { type: 'boolean' } },
          });
          const hosts = hostsOf({ sshHosts: values.hosts, sshHostsFile: values['hosts-file'] });
          const live: string[] = [];
          const removed = await cleanSshHosts(hosts, { key: values['ssh-key'], knownHosts: values['known-hosts'], sudo: values.sudo }, live);
          process.stderr.write(removed.length ? removed.map((r) => `removed ${r}`).join('\n') + '\n' : 'faultline: nothing to clean on the hosts\n');
          for (const id of new Set(live)) process.stderr.write(`faultline: left run ${id} alone: its harness is still running\n`);
          return 0;
        }
        // Only what runs recorded as their own (or Docker objects with Faultline's labels)
        // goes, and only once the owning harness is provably dead; see README "Cleaning up".
        const live: string[] = [];
        const docker = await cleanDocker(live);
        // A normal user's runs had their namespaces in user namespaces that died with them;
        // their temp dirs and records remain.
        const network = !needsUserNamespace();
        if (network) await requireNamespaces();
        const local = await cleanLocal({ network });
        live.push(...local.live);
        const removed = [...local.removed, ...docker.removed];
        if (removed.length) process.stderr.write(removed.map((r) => `removed ${r}`).join('\n') + '\n');
        else if (local.noState !== undefined) process.stderr.write(`faultline: no state directory ${local.noState}: no run of this user has recorded anything; nothing to clean\n`);
        else process.stderr.write('faultline: nothing to clean\n');
        for (const id of new Set(live)) process.stderr.write(`faultline: left run ${id} alone: its harness is still running\n`);
        for (const ns of local.unrecorded) process.stderr.write(`faultline: left netns ${ns} alone: no run of this user recorded it (if it is yours: ip netns del ${ns})\n`);
        for (const f of local.failed) process.stderr.write(`faultline: could not remove ${f}: remove it by hand, then run faultline clean again\n`);
        return local.failed.length ? 3 : 0;
      }
      case 'images':
        return await imagesCommand(rest, process.stderr, async (file) => (await loadWorkloadFile(file)).image);
      case 'serve':
        return await serveCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return await help();
      default:
        throw new UsageError(`unknown command "${command}"; commands: run, check, replay, init, clean, images, serve, help`);
    }
  } catch (e) {
    if (e instanceof FaultlineError) {
      process.stderr.write(`faultline: ${oneLine(e.message)}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

/** Whether a stored run used the Docker backend (which must not move into a user namespace). */
function isDockerRun(runDir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(runDir, 'test.json'), 'utf8')) as { options?: { backend?: string } }).options?.backend === 'docker';
  } catch {
    return false;
  }
}

async function help(): Promise<number> {
  process.stdout.write(`${COMMANDS()}\n\nrun options (faultline run <workload> --help: that workload's):\n${optionsUsage(await builtinWorkloads())}\n`);
  return 0;
}
