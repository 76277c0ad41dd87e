/**
 * Workload `saga-choreography`: the same orders and checks as `saga`, but no orchestrator:
 * inventory, payments, shipping and orders react to each other's events. naive publishes
 * events straight after its effect (retried once, then forgotten) to consumers that react
 * to every delivery; careful uses a transactional outbox relayed until acknowledged and
 * consumers that deduplicate by event id.
 */
import { sagaWorkload } from './saga.js';

export const workload = sagaWorkload(
  'saga-choreography',
  'choreography',
  'the order saga as choreography (events between services; outbox or fire-and-forget); every saga completes or is fully compensated',
);
