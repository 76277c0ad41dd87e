/** The nemesis as a library: fault kinds, partition shapes, schedules and executors. */
export { basicNemesis, type BasicNemesisOptions } from './basic.js';
export { composeNemeses, type FaultOp, type FaultResult, type Nemesis } from './nemesis.js';
export { FAULT_KINDS, PARTITION_SHAPES, faultCycle, healAll, startFault, stopFault, type FaultKind, type PartitionShape } from './schedule.js';
export { bridge, completeGrudge, halves, isolate, majoritiesRing, oneWay, type Grudge } from './grudge.js';
export { fixedSchedule, kindsOf, type ScheduledFault } from './fixed-schedule.js';
