/** The generator library: pure, seeded, composable op schedules (see types.ts). */
export type { GenContext, GenStep, Generator, OpTemplate, PlannedOp, SpecialKind } from './types.js';
export {
  NS_PER_SECOND,
  eligibleThreads,
  isRestricted,
  makeContext,
  restrict,
  secondsToNs,
  threadOf,
  threadsFor,
  withRng,
  type MakeContextOptions,
} from './context.js';
export { FnGen, Seq, Template, empty, gen, isGenerator, seq, andThen, type GenFn, type GenLike } from './core.js';
export { log, sleep } from './special.js';
export { repeat } from './repeat.js';
export { limit, once } from './limit.js';
export { mix } from './mix.js';
export { delay, rate, stagger, timeLimit } from './time.js';
export { phases, synchronize } from './sync.js';
export { cycle } from './cycle.js';
export { any } from './any.js';
export { clients, clientsAndNemesis, isClientThread, isNemesisThread, nemesis, onThreads, type ThreadPredicate } from './threads.js';
export { eachThread } from './eachThread.js';
export { untilOk } from './untilOk.js';
export { filter, map } from './transform.js';
export { alternate } from './alternate.js';
export { simulate, type SimCompletion, type SimulateOptions } from './simulate.js';
export { ownRng } from './own-rng.js';
