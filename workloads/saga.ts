/**
 * Workload `saga`: orders placed with an orchestrated saga (n1 orders/orchestrator, n2
 * inventory, n3 payments, n4 shipping): reserve stock, charge, ship; a refused step
 * (payment over the card limit, oversize parcel) compensates the steps before it. Under
 * partitions, kills and pauses, then after healing every service reports what it applied.
 * naive: orchestrator state in memory, unkeyed retries, compensations fired once; careful:
 * durable saga log, saga-keyed idempotent steps and compensations, recovery on restart.
 */
import { sagaChecker } from '../src/checkers/saga.js';
import { SagaHttpClient } from '../src/clients/saga-http.js';
import { gen } from '../src/core/generator/index.js';
import type { GenContext } from '../src/core/generator/types.js';
import { faults } from '../src/nemesis/faults.js';
import { kill } from '../src/nemesis/kill.js';
import { partition } from '../src/nemesis/partition.js';
import { pause } from '../src/nemesis/pause.js';
import type { Workload } from '../src/run/workload.js';
import { CUSTOMERS, ITEMS, ROLES } from '../src/domain/saga-order.js';
import { SAGA_VARIANTS, sagaSystem, type SagaVariant } from '../src/systems/saga/system.js';
import { finalReads, randomId } from './bank-2pc.js';

/** qty 1..3 (3 is oversize: shipping refuses) and amounts 5..60 (above 50 payments decline). */
export function orderOp(ctx: GenContext) {
  const [id, r1] = randomId('s', ctx);
  const [item, r2] = r1.pick(ITEMS);
  const [qty, r3] = r2.int(3);
  const [customer, r4] = r3.pick(CUSTOMERS);
  const [amount] = r4.int(56);
  return { f: 'order', value: { id, item, qty: qty + 1, customer, amount: amount + 5 } };
}

/** The saga workload for one style; `saga` and `saga-choreography` differ only in this. */
export function sagaWorkload(name: string, style: 'orchestration' | 'choreography', description: string): Workload {
  return {
    name,
    description,
    variants: SAGA_VARIANTS,
    faults: [partition.kind, kill.kind, pause.kind],
    build(opts, nodes) {
      if (nodes.length < ROLES.length) throw new RangeError(`${name} needs --nodes ${ROLES.length} or more`);
      return {
        system: sagaSystem(opts.variant as SagaVariant, style),
        client: new SagaHttpClient(),
        generator: gen(orderOp),
        final: finalReads(nodes.slice(0, ROLES.length).map((n) => ({ f: 'final', value: n })), opts.concurrency),
        faults: faults(opts.nemesis, { nodes, interval: opts.nemesisInterval, overlap: opts.faultsOverlap }),
      };
    },
    checker() {
      return sagaChecker;
    },
  };
}

export const workload = sagaWorkload(
  'saga',
  'orchestration',
  'an orchestrated order saga (reserve, charge, ship; compensations) across 4 services; every saga completes or is fully compensated',
);
