/**
 * Runs a command in a node's network namespace without host privileges: a one-shot
 * container from the `nettools` image (the host's iptables, tc and ip) that joins the
 * node's network holder with NET_ADMIN, runs the command, and is removed. Slower than
 * nsenter (a container per call), so the backend uses it only when it cannot nsenter.
 */
import type Docker from 'dockerode';
import type { ExecResult } from './cluster.js';
import { demux } from './docker-logs.js';
import { LABEL_NODE, LABEL_ROLE, runLabels } from './docker-names.js';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export async function sidecarExec(docker: Docker, image: string, holderId: string, runId: string, node: string, cmd: readonly string[]): Promise<ExecResult> {
  const [file, ...args] = cmd;
  if (file === undefined) throw new Error('empty command');
  const c = await docker.createContainer({
    Image: image,
    Entrypoint: [file],
    Cmd: args,
    Env: [`PATH=${PATH}`],
    Labels: runLabels(runId, { [LABEL_NODE]: node, [LABEL_ROLE]: 'sidecar' }),
    HostConfig: { NetworkMode: `container:${holderId}`, CapAdd: ['NET_ADMIN'], RestartPolicy: { Name: 'no' } },
  });
  try {
    await c.start();
    const { StatusCode } = (await c.wait()) as { StatusCode: number };
    const [out, err] = await Promise.all([
      c.logs({ stdout: true, stderr: false, follow: false }) as unknown as Promise<Buffer>,
      c.logs({ stdout: false, stderr: true, follow: false }) as unknown as Promise<Buffer>,
    ]);
    return { exitCode: StatusCode, stdout: demux(out).toString(), stderr: demux(err).toString() };
  } catch (e) {
    // The command could not even start (not in the image): report it like a shell would.
    return { exitCode: 127, stdout: '', stderr: `${file}: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    await c.remove({ force: true }).catch(() => undefined);
  }
}
