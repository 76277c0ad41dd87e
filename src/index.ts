/**
 * Faultline as a library: what a workload file or a test suite imports from "faultline".
 */
export { defineWorkload } from './config/define.js';
export type { LaunchContext, ReadyProbe, ServiceConfig, WorkloadConfig } from './config/workload-config.js';
export { httpJsonClient, type HttpJsonClientConfig, type HttpOperation, type HttpResponse } from './clients/http-json.js';
export { processClient, type ProcessClientConfig } from './clients/process-client.js';
export type { Client, ClientOp, ClientResult } from './clients/client.js';
export { DEFAULT_OPS_PER_KEY, finalReads, liveKeyFinalReads, liveKeys, registerOps, type RegisterOpsOptions } from './workload-kit/register-ops.js';
export * as generators from './core/generator/index.js';
export { compose, type CheckContext, type CheckResult, type Checker, type Validity } from './checkers/checker.js';
export { perf } from './checkers/perf.js';
export { checkListAppend, listAppend, type ListAppendAnomaly, type ListAppendCheckOptions, type ListAppendResult, type MicroOp } from './checkers/txn/list-append.js';
export {
  CONSISTENCY_MODELS,
  MODEL_SPECS,
  forbiddenBy,
  judgeModels,
  type ConsistencyModel,
  type ModelSpec,
  type ModelVerdict,
} from './checkers/txn/consistency-models.js';
export { checkQueue, queueChecker, type Delivery, type QueueCheckOptions } from './checkers/queue.js';
export { listAppendTxns, type ListAppendOptions } from './workload-kit/list-append-ops.js';
export { checkLinearizable, keyedRegister, linearizable, modelByName, models, multiRegister, casRegister, register, kv, counter, set, queue, mutex, type Model } from './checkers/linearizability/index.js';
export { formats, formatByName, formatForFile, type Format } from './checkers/import/index.js';
export { FAULT_KINDS, type FaultKind } from './nemesis/registry.js';
export { faults, type FaultOptions, type FaultPlan } from './nemesis/faults.js';
export type { Op, OpType, ProcessId } from './core/op.js';
export type { ScheduledFault, TestOptions } from './core/test.js';
export type { TestRuntime } from './cluster/test-runtime.js';
export type { Cluster, SystemSpec } from './cluster/cluster.js';
export { runTest, type RunTestOptions, type TestResult } from './api/run.js';
export { replayRun, type ReplayOptions, type ReplaySummary } from './api/replay.js';
export { faultSchedule, faultList, toSchedule, describeSchedule, opMix, SCHEDULE_KINDS, type Fault, type FaultScheduleOptions } from './testing/arbitraries.js';
export { workloadNames as workloads } from './run/workloads.js';
export * as options from './run/options/spec.js';
export * as nemesis from './nemesis/index.js';
export { checkScheduleProperty, type ScheduleCounterexample, type SchedulePropertyOptions } from './testing/property.js';
