/** The nemesis as a library: fault packages and their registry, schedules and executors. */
export { faults, type FaultOptions, type FaultPlan } from './faults.js';
export { FAULT_KINDS, FAULT_PACKAGES, faultPackage, isFaultKind, kindsOf, type FaultKind } from './registry.js';
export { defineFaultPackage, type DrawOptions, type FaultNeeds, type FaultPackage, type NemesisOptions } from './package.js';
export { composeNemeses, type FaultOp, type FaultResult, type Nemesis } from './nemesis.js';
export { PARTITION_SHAPES, partitionOp, type PartitionShape } from './partition.js';
export { bridge, completeGrudge, describeGrudge, halves, isolate, majoritiesRing, oneWay, type Grudge } from './grudge.js';
export { fixedSchedule } from './fixed-schedule.js';
