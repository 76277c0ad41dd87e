/** The nemesis for a list of fault kinds: one part per kind, composed. */
import { KillNemesis, PauseNemesis } from './kill.js';
import { composeNemeses, type Nemesis } from './nemesis.js';
import { PartitionNemesis } from './partition.js';
import type { FaultKind } from './schedule.js';

export function basicNemesis(kinds: readonly FaultKind[]): Nemesis {
  const parts: Nemesis[] = [];
  if (kinds.includes('partition')) parts.push(new PartitionNemesis());
  if (kinds.includes('kill')) parts.push(new KillNemesis());
  if (kinds.includes('pause')) parts.push(new PauseNemesis());
  return composeNemeses(parts);
}
