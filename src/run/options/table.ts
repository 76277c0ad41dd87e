/**
 * The options every `faultline run` has, one entry each (spec.ts says what an entry holds).
 * Workloads add their own (their `options`), backends theirs (backends.ts); all of them
 * together are what `optionsFor(workload)` returns. The README's "Run options" table is
 * checked against this list by test/run/options-docs.test.ts.
 */
import { kill } from '../../nemesis/kill.js';
import { partition } from '../../nemesis/partition.js';
import { FAULT_KINDS } from '../../nemesis/registry.js';
import { DEFAULT_OPS_PER_KEY } from '../../workload-kit/register-ops.js';
import { BACKEND_NAMES } from '../backends.js';
import { choice, decimal, defineOption, flag, integer, nameList, text, type OptionSpec } from './spec.js';

export const RUN_OPTIONS = [
  defineOption({
    key: 'variant',
    flag: 'variant',
    arg: '<v>',
    type: text('<v>'),
    default: ({ variants }) => variants[0]!,
    defaultText: "first of the workload's",
    help: 'system variant; `register`: `careful` (linearizable) or `naive` (not)',
    replay: true,
  }),
  defineOption({ key: 'nodes', flag: 'nodes', type: integer(1, 9), default: 5, help: 'cluster size', replay: true }),
  defineOption({ key: 'concurrency', flag: 'concurrency', type: integer(1, 200), default: 10, help: 'client workers; worker *t* talks to node *t mod n*', replay: true }),
  defineOption({
    key: 'timeLimit',
    flag: 'time-limit',
    arg: '<s>',
    type: decimal(1, 86_400),
    default: 30,
    help: 'seconds of load and faults (then heal, recover, final reads)',
    replay: true,
  }),
  defineOption({ key: 'rate', flag: 'rate', arg: '<hz>', type: decimal(0.1, 10_000), default: 50, help: 'client ops per second, all workers together', replay: true }),
  defineOption({
    key: 'seed',
    flag: 'seed',
    type: integer(0, 2 ** 53 - 1),
    default: () => Math.floor(Math.random() * 2 ** 31),
    defaultText: 'random, printed',
    help: 'seeds the op mix and the fault schedule',
    replay: true,
  }),
  defineOption({
    key: 'nemesis',
    flag: 'nemesis',
    arg: '<kinds>',
    type: nameList(),
    default: [partition.kind, kill.kind],
    help: `comma list of fault kinds mixed over the run (${FAULT_KINDS.join(', ')}; see [Faults](#faults)), or \`none\``,
    replay: true,
  }),
  defineOption({
    key: 'nemesisInterval',
    flag: 'nemesis-interval',
    arg: '<s>',
    type: decimal(0.1, 3600),
    default: 5,
    help: 'a fault starts every 2·interval and lasts one interval',
    replay: true,
  }),
  defineOption({
    key: 'faultsOverlap',
    flag: 'faults-overlap',
    type: flag(),
    default: false,
    help: 'each fault kind on its own cycle, so faults of different kinds can be in force at once',
    replay: true,
  }),
  defineOption({
    key: 'backend',
    flag: 'backend',
    type: choice(BACKEND_NAMES),
    default: 'local',
    help: 'where nodes run: local namespaces, containers (see [Docker backend](#docker-backend)), or your hosts over SSH (see [SSH hosts](#ssh-hosts---backend-ssh))',
    replay: true,
  }),
  defineOption({
    key: 'opsPerKey',
    flag: 'ops-per-key',
    type: integer(1, 100_000),
    default: DEFAULT_OPS_PER_KEY,
    defaultText: "150, or the workload file's opsPerKey",
    help: 'register workloads (`register`, `etcd`, workload files with the default ops): a group of workers uses a key for this many ops (those that fail not counted), then moves to a fresh one',
    replay: true,
  }),
  defineOption({ key: 'opTimeoutMs', flag: 'op-timeout', arg: '<ms>', type: integer(10, 600_000), default: 3000, help: 'an op still running then is recorded as `info`', replay: true }),
  defineOption({ key: 'recoveryTime', flag: 'recovery-time', arg: '<s>', type: decimal(0, 3600), default: 3, help: 'wait after healing, before final reads', replay: true }),
  defineOption({
    key: 'checkerTimeout',
    flag: 'checker-timeout',
    arg: '<s>',
    type: decimal(0.1, 86_400),
    default: 120,
    help: 'linearizability search budget; undecided keys are `unknown`',
    replay: true,
  }),
  defineOption({ key: 'out', flag: 'out', arg: '<dir>', type: text('<dir>'), default: 'reports', help: 'output root', replay: false, scope: 'run' }),
  defineOption({ key: 'config', flag: 'config', arg: '<file>', type: text('<file>'), help: 'your own workload file instead of a built-in workload', replay: true, scope: 'run' }),
  defineOption({ key: 'quiet', flag: 'quiet', type: flag(), default: false, help: 'no progress line', replay: false, scope: 'run' }),
  defineOption({ key: 'help', flag: 'help', short: 'h', type: flag(), default: false, help: 'this text', replay: false, scope: 'run' }),
] as const satisfies readonly OptionSpec[];
