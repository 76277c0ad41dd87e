/**
 * Decides whether the Docker tests run: they need a reachable engine. Locally, without
 * one, they are skipped with the reason printed; under CI=true they always run, so a
 * missing engine fails them instead of passing silently.
 */
import { dockerReachable } from '../../src/cluster/docker-connect.js';

const reach = await dockerReachable();
const required = process.env.CI === 'true';

/** True when the Docker tests should be skipped here. */
export const skipDocker = !reach.ok && !required;

if (skipDocker) {
  process.stderr.write(`faultline tests: skipping Docker tests: ${reach.reason}; start one with \`dockerd &\` (CI=true makes them mandatory)\n`);
}

/** Call first in a Docker test's beforeAll: fails the suite clearly when the engine is required but absent. */
export function requireDocker(): void {
  if (!reach.ok) throw new Error(`Docker tests are required (CI=true) but ${reach.reason}`);
}
