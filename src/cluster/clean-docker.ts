/**
 * Removes what the Docker backend created, selected by label: containers (node and network
 * holder, with their anonymous volumes), the named data volumes, then the networks. Used by
 * teardown for one run and by `faultline clean` for every run. Cached images stay: they
 * belong to no run (remove them with `docker image prune -a --filter label=faultline.image`).
 */
import type Docker from 'dockerode';
import { LABEL_RUN } from './docker-names.js';
import { dockerReachable, dockerClient } from './docker-connect.js';
import { isRunLive } from './live-runs.js';

function selector(runId?: string): string {
  return runId === undefined ? LABEL_RUN : `${LABEL_RUN}=${runId}`;
}

/** Removes every labelled container, volume and network of `runId` (all runs when undefined). */
export async function removeDockerRun(docker: Docker, runId?: string): Promise<string[]> {
  const removed: string[] = [];
  const filters = JSON.stringify({ label: [selector(runId)] });
  const containers = await docker.listContainers({ all: true, filters });
  const name = (c: Docker.ContainerInfo) => c.Names[0]?.replace(/^\//, '') ?? c.Id;
  // Node containers and sidecars first (they live in a holder's network namespace), then
  // the holders; each group in parallel, since every removal waits on the engine.
  const holders = containers.filter((c) => name(c).endsWith('-net'));
  for (const group of [containers.filter((c) => !holders.includes(c)), holders]) {
    await Promise.all(
      group.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .then(() => removed.push(`container ${name(c)}`))
          .catch((e: { statusCode?: number }) => {
            if (e.statusCode !== 404) throw e;
          }),
      ),
    );
  }
  const volumes = await docker.listVolumes({ filters });
  for (const v of volumes.Volumes ?? []) {
    await docker
      .getVolume(v.Name)
      .remove()
      .then(() => removed.push(`volume ${v.Name}`))
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 404) throw e;
      });
  }
  for (const n of await docker.listNetworks({ filters })) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .then(() => removed.push(`network ${n.Name}`))
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 404) throw e;
      });
  }
  return removed;
}

/**
 * `faultline clean`'s Docker part: every labelled run whose harness is gone. Nothing to do
 * (and no error) when no engine is reachable.
 */
export async function cleanDocker(live: string[] = []): Promise<{ removed: string[]; skipped?: string }> {
  const reach = await dockerReachable();
  if (!reach.ok) return { removed: [], skipped: reach.reason };
  const docker = dockerClient();
  const filters = JSON.stringify({ label: [LABEL_RUN] });
  const [containers, networks, volumes] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters }), docker.listVolumes({ filters })]);
  const ids = new Set<string>();
  for (const labels of [...containers.map((c) => c.Labels), ...networks.map((n) => n.Labels), ...(volumes.Volumes ?? []).map((v) => v.Labels)]) {
    const id = labels?.[LABEL_RUN];
    if (id) ids.add(id);
  }
  const removed: string[] = [];
  for (const id of ids) {
    if (isRunLive(id)) live.push(id);
    else removed.push(...(await removeDockerRun(docker, id)));
  }
  return { removed };
}
