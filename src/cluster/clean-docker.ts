/**
 * Removes what the Docker backend created, selected by label: containers (node and network
 * holder, with their anonymous volumes), the named data volumes, then the networks. Used by
 * teardown for one run and by `faultline clean` for every run. Cached images stay: they
 * belong to no run (remove them with `docker image prune -a --filter label=faultline.image`).
 */
import type Docker from 'dockerode';
import { LABEL_OWNER, LABEL_RUN } from './docker-names.js';
import { dockerReachable, dockerClient } from './docker-connect.js';
import { isOwnerAlive, isProcessAlive, isThisBoot, parseOwnerLabel, readRecord } from './live-runs.js';

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
 * Whether a labelled run is alive, for `faultline clean`. Only objects carrying
 * `faultline.run` (a label only Faultline writes) are considered. A run is alive when
 *  - this user's record of it (live-runs.ts) names an owner process that is alive, or
 *  - any of its objects' `faultline.owner` label names a process on this boot that is alive
 *    with the same start time (so runs of other users, whose records we cannot see, are
 *    left alone too), or
 *  - an owner label comes from another boot id (a harness on another machine sharing the
 *    engine, or before a reboot) and any of its containers is still running: a live run
 *    always keeps its network holders running.
 * Otherwise it is dead and removed: its record says dead, or it has no live record and
 * carries the run-id label with no owner label saying alive (objects made before owner
 * labels existed are judged by the record alone).
 */
export function dockerRunAlive(runId: string, labels: readonly (Record<string, string> | undefined)[], anyRunning: boolean): boolean {
  const rec = readRecord(runId);
  if (rec && isOwnerAlive(rec.owner)) return true;
  for (const l of labels) {
    const owner = parseOwnerLabel(l?.[LABEL_OWNER]);
    if (!owner) continue;
    if (isThisBoot(owner) ? isProcessAlive(owner) : anyRunning) return true;
  }
  return false;
}

/**
 * `faultline clean`'s Docker part: every labelled run that is not alive (dockerRunAlive).
 * Nothing to do (and no error) when no engine is reachable. `scope` limits it to some run
 * ids (tests, which must not touch other runs on the machine).
 */
export async function cleanDocker(live: string[] = [], scope?: ReadonlySet<string>): Promise<{ removed: string[]; skipped?: string }> {
  const reach = await dockerReachable();
  if (!reach.ok) return { removed: [], skipped: reach.reason };
  const docker = dockerClient();
  const filters = JSON.stringify({ label: [LABEL_RUN] });
  const [containers, networks, volumes] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters }), docker.listVolumes({ filters })]);
  const runs = new Map<string, { labels: (Record<string, string> | undefined)[]; running: boolean }>();
  const add = (labels: Record<string, string> | undefined, running: boolean) => {
    const id = labels?.[LABEL_RUN];
    if (!id || (scope && !scope.has(id))) return;
    const r = runs.get(id) ?? { labels: [], running: false };
    r.labels.push(labels);
    r.running ||= running;
    runs.set(id, r);
  };
  for (const c of containers) add(c.Labels, c.State === 'running');
  for (const n of networks) add(n.Labels, false);
  for (const v of volumes.Volumes ?? []) add(v.Labels ?? undefined, false);
  const removed: string[] = [];
  for (const [id, r] of runs) {
    if (dockerRunAlive(id, r.labels, r.running)) live.push(id);
    else removed.push(...(await removeDockerRun(docker, id)));
  }
  return { removed };
}
