/** The nemesis for a list of fault kinds: one part per kind, composed. */
import { BandwidthNemesis } from './bandwidth.js';
import { ClockNemesis } from './clock.js';
import { KillNemesis, PauseNemesis } from './kill.js';
import { LatencyNemesis } from './latency.js';
import { LossNemesis } from './loss.js';
import { composeNemeses, type Nemesis } from './nemesis.js';
import { PartitionNemesis } from './partition.js';
import type { FaultKind } from './schedule.js';
import type { PrimaryResolver } from './targets.js';

export interface BasicNemesisOptions {
  /** Resolves "primary" targets; without it, primary-targeted faults are refused. */
  primary?: PrimaryResolver;
  /** The service port inside each node, which latency faults proxy. */
  port?: number;
}

export function basicNemesis(kinds: readonly FaultKind[], o: BasicNemesisOptions = {}): Nemesis {
  const parts: Nemesis[] = [];
  if (kinds.includes('partition')) parts.push(new PartitionNemesis(o.primary));
  if (kinds.includes('kill')) parts.push(new KillNemesis(o.primary));
  if (kinds.includes('pause')) parts.push(new PauseNemesis(o.primary));
  if (kinds.includes('clock')) parts.push(new ClockNemesis());
  if (kinds.includes('loss')) parts.push(new LossNemesis());
  if (kinds.includes('bandwidth')) parts.push(new BandwidthNemesis());
  if (kinds.includes('latency')) {
    if (o.port === undefined) throw new Error('latency faults need the service port (basicNemesis option port)');
    parts.push(new LatencyNemesis(o.port, o.primary));
  }
  return composeNemeses(parts);
}
