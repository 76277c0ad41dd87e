/**
 * One place that reaches the Docker engine (DOCKER_HOST, or the default socket) and turns
 * "no engine there" into a single line that says how to start one.
 */
import Docker from 'dockerode';
import { FaultlineError } from '../core/errors.js';

/** Where dockerode will connect, for messages: DOCKER_HOST or the default socket. */
function dockerEndpoint(): string {
  return process.env.DOCKER_HOST || '/var/run/docker.sock';
}

/** A client for the engine; does not connect yet. */
export function dockerClient(): Docker {
  // docker-modem reads DOCKER_HOST (and DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) itself.
  return new Docker();
}

/**
 * Resolves with a client once the engine answers a ping; otherwise throws a one-line
 * FaultlineError naming the endpoint, the reason and the fix.
 */
export async function connectDocker(timeoutMs = 5000): Promise<Docker> {
  const docker = dockerClient();
  const why = await pingError(docker, timeoutMs);
  if (why !== undefined) {
    throw new FaultlineError(`cannot reach Docker at ${dockerEndpoint()} (${why}): start it with \`dockerd &\` (or your service manager) or set DOCKER_HOST`);
  }
  return docker;
}

/** undefined when the engine answers, else a short reason (ENOENT, ECONNREFUSED, timeout…). */
async function pingError(docker: Docker, timeoutMs = 5000): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('no answer'), { code: `timeout after ${timeoutMs} ms` })), timeoutMs);
      }),
    ]);
    return undefined;
  } catch (e) {
    const err = e as { code?: string; statusCode?: number; message?: string };
    return err.code ?? (err.statusCode ? `HTTP ${err.statusCode}` : (err.message ?? String(e)).split('\n')[0]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when an engine answers; used by tests to decide whether to skip. */
export async function dockerReachable(timeoutMs = 3000): Promise<{ ok: boolean; reason: string }> {
  const why = await pingError(dockerClient(), timeoutMs);
  return why === undefined ? { ok: true, reason: '' } : { ok: false, reason: `no Docker engine at ${dockerEndpoint()} (${why})` };
}
