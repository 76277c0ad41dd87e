/**
 * `npm run bench:systems`: the ZooKeeper, Redis-with-Sentinel, PostgreSQL and MariaDB
 * findings over seeds, as the README reports them. Each configuration runs once per seed
 * (the same runs the printed command line does) and prints its verdict and the figure that
 * matters: for ZooKeeper how many keys showed a non-linearizable (stale) read, for Redis
 * how many acknowledged adds were lost and whether the registers stayed linearizable, for
 * the SQL databases the consistency model checked, the anomalies found, whether they rule
 * out snapshot isolation and serializability, and the strongest models left.
 *
 *   BENCH_SEEDS=1-5 (default)   BENCH_BACKEND=local|docker
 *   BENCH_ONLY=<label prefix>, e.g. zookeeper, redis, "zookeeper --reads local", postgres
 *
 * Slow (minutes per configuration: JVMs and failovers): a benchmark, not a test.
 */
import { runTest } from '../src/api/run.js';
import { forbiddenAmong } from '../src/checkers/txn/consistency-models.js';
import type { RunTestOptions } from '../src/api/run.js';

interface Config {
  label: string;
  options: RunTestOptions;
}

const backend = process.env.BENCH_BACKEND === 'docker' ? 'docker' : 'local';
const [from, to] = (process.env.BENCH_SEEDS ?? '1-5').split('-').map(Number) as [number, number?];
const seeds = Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
const only = process.env.BENCH_ONLY;

const zk: RunTestOptions = { workload: 'zookeeper', nodes: 3, nemesisInterval: 3, timeLimit: 20, rate: 200 };
const SQL: RunTestOptions = { nemesis: [], timeLimit: 8, recoveryTime: 1 };
const redis: RunTestOptions = { workload: 'redis', nodes: 3, nemesis: ['partition'], nemesisInterval: 8, timeLimit: 30 };
const CONFIGS: Config[] = [
  { label: 'zookeeper --reads sync, every fault kind', options: { ...zk, reads: 'sync', nemesis: ['partition', 'kill', 'pause', 'loss', 'latency'] } },
  // Stale reads come from a member behind the leader: a follower cut off from it (until it
  // notices), or one whose lossy link (TCP retransmissions) keeps it in the ensemble but late.
  { label: 'zookeeper --reads local, partitions', options: { ...zk, reads: 'local', nemesis: ['partition'], timeLimit: 30, concurrency: 20 } },
  { label: 'zookeeper --reads local, packet loss', options: { ...zk, reads: 'local', nemesis: ['loss'], concurrency: 20 } },
  { label: 'redis async, primary isolated', options: { ...redis, variant: 'async' } },
  { label: 'redis min-replicas (+WAIT), primary isolated', options: { ...redis, variant: 'min-replicas' } },
  { label: 'redis single, appendfsync always, kill -9', options: { workload: 'redis', variant: 'single', nodes: 1, nemesis: ['kill'], nemesisInterval: 3, timeLimit: 20 } },
  ...sql('postgres', ['serializable', 'repeatable-read', 'read-committed']),
  { label: 'postgres repeatable-read --consistency-model serializable', options: { ...SQL, workload: 'postgres', variant: 'repeatable-read', consistencyModel: 'serializable' } },
  ...sql('mariadb', ['serializable', 'repeatable-read', 'read-committed', 'read-uncommitted', 'repeatable-read-snapshot']),
];

/** Each level against its documented model: serializable through kill and pause, the rest without faults. */
function sql(workload: string, variants: string[]): Config[] {
  return variants.map((variant) => ({
    label: `${workload} ${variant}`,
    options: { ...SQL, workload, variant, ...(variant === 'serializable' ? { nemesis: ['kill', 'pause'], nemesisInterval: 2 } : {}) },
  }));
}

function flag(name: string, v: unknown): string {
  return v === undefined ? '' : ` --${name} ${Array.isArray(v) ? v.join(',') : String(v)}`;
}

/** The CLI line that runs the same test (what the README quotes). */
function commandLine(o: RunTestOptions, seed: number): string {
  const nemesis = Array.isArray(o.nemesis) && o.nemesis.length === 0 ? 'none' : o.nemesis;
  return `npm run test:jepsen -- ${o.workload}${flag('variant', o.variant)}${flag('consistency-model', o.consistencyModel)}${flag('reads', o.reads)}${flag('nodes', o.nodes)}${flag('nemesis', nemesis)}${flag('nemesis-interval', o.nemesisInterval)}${flag('time-limit', o.timeLimit)}${flag('recovery-time', o.recoveryTime)}${flag('rate', o.rate)}${flag('concurrency', o.concurrency)} --seed ${seed}${backend === 'docker' ? ' --backend docker' : ''}`;
}

/** The figure of one run, from its results. */
function figure(workload: string, results: Record<string, unknown> | undefined): string {
  if (!results) return 'no results';
  if (workload === 'postgres' || workload === 'mariadb') {
    const la = results['list-append'] as { consistencyModel: string; anomalyTypes: string[]; strongestConsistentModels: string[]; txnCount: number } | undefined;
    if (!la) return 'no list-append result';
    const rules = (m: 'snapshot-isolation' | 'serializable') => (forbiddenAmong(m, la.anomalyTypes).length ? `not ${m}` : `${m} kept`);
    return `against ${la.consistencyModel}; ${la.txnCount} txns; anomalies: ${la.anomalyTypes.join(', ') || 'none'}; ${rules('snapshot-isolation')}, ${rules('serializable')}; strongest left: ${la.strongestConsistentModels.join(', ') || 'none'}`;
  }
  if (workload === 'zookeeper') {
    const lin = results.linearizability as { invalidKeys?: string[]; opCount?: number } | undefined;
    return `non-linearizable keys: ${lin?.invalidKeys?.length ?? '?'} of 5 (${lin?.opCount ?? '?'} ops searched)`;
  }
  const r = results.redis as { linearizability?: { valid: unknown }; set?: { lostAcknowledged?: number; acknowledged?: number; lostCount?: number } } | undefined;
  const set = r?.set;
  return `acknowledged adds lost: ${set?.lostAcknowledged ?? '?'} of ${set?.acknowledged ?? '?'}; lost incl. seen-only: ${set?.lostCount ?? '?'}; registers ${r?.linearizability?.valid === true ? 'linearizable' : 'NOT linearizable'}`;
}

const verdict = (v: unknown) => (v === true ? 'VALID' : v === false ? 'INVALID' : 'UNKNOWN');

for (const c of CONFIGS) {
  if (only && !c.label.startsWith(only)) continue;
  process.stdout.write(`\n${c.label} (${backend})\n`);
  let invalid = 0;
  for (const seed of seeds) {
    try {
      const r = await runTest({ ...c.options, seed, backend, out: 'reports/bench-systems' });
      if (r.valid === false) invalid++;
      process.stdout.write(`  seed ${seed}: ${verdict(r.valid)}; ${figure(String(c.options.workload), r.results as Record<string, unknown> | undefined)}\n`);
    } catch (e) {
      process.stdout.write(`  seed ${seed}: harness error: ${(e as Error).message}\n`);
    }
    process.stdout.write(`    ${commandLine(c.options, seed)}\n`);
  }
  process.stdout.write(`  invalid in ${invalid} of ${seeds.length} seeds\n`);
}
