/**
 * Builds a Dockerfile into the image a system's nodes run in (a user's service, or a
 * built-in one that needs packages), tagged `faultline/<name>:<hash>` where the hash covers the context's bytes, the Dockerfile's
 * name, the build arguments and the base images Faultline supplies: an unchanged service
 * is not rebuilt, a changed one always is.
 *
 * No registry may be reachable, so a Dockerfile cannot count on pulling `debian` or
 * `node`. It can start from images built here instead, by naming a build argument:
 *
 *   ARG FAULTLINE_DEBIAN       # Debian bookworm minbase (debootstrap; minutes, once)
 *   FROM ${FAULTLINE_DEBIAN}
 *
 * or `FAULTLINE_NODE` (this host's node binary and its libraries, no shell). Only the
 * arguments a Dockerfile mentions are built and passed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { execa } from 'execa';
import { FaultlineError } from '../../core/errors.js';
import { LABEL_IMAGE, LABEL_IMAGE_HASH } from '../docker-names.js';
import { ensureImage } from './catalog.js';
import { readBuildContext } from './context.js';
import { ensureDebianImage } from './debootstrap.js';
import { pruneOlder } from './prune.js';
import { imageExists, type EnsureResult } from './rootfs.js';

export interface DockerfileBuild {
  /** Names the image: `faultline/<name>` (`user-…` for a user's service). */
  name: string;
  /** The context directory (absolute). */
  context: string;
  /** The Dockerfile's path inside the context. Default `Dockerfile`. */
  dockerfile?: string;
  args?: Readonly<Record<string, string>>;
}

/** A build may download packages (apt-get in a RUN step), but not forever. */
const BUILD_TIMEOUT_MS = 15 * 60_000;

/** The base images Faultline can supply, by the build argument that names them. */
const BASES: Record<string, (docker: Docker, log?: (m: string) => void, signal?: AbortSignal) => Promise<EnsureResult>> = {
  FAULTLINE_DEBIAN: (docker, log, signal) => ensureDebianImage(docker, undefined, log, signal),
  FAULTLINE_NODE: (docker, log) => ensureImage(docker, 'node', log),
};

/** Builds `b` unless its tag exists; `signal` (Ctrl-C) abandons a build in progress. */
export async function ensureDockerfileImage(docker: Docker, b: DockerfileBuild, log?: (m: string) => void, signal?: AbortSignal): Promise<EnsureResult> {
  const dockerfile = b.dockerfile ?? 'Dockerfile';
  const ctx = readBuildContext(b.context, dockerfile);
  const text = readFileSync(join(b.context, dockerfile), 'utf8');
  const args: Record<string, string> = {};
  for (const [arg, ensure] of Object.entries(BASES)) {
    if (new RegExp(`\\b${arg}\\b`).test(text)) args[arg] = (await ensure(docker, log, signal)).tag;
  }
  Object.assign(args, b.args);
  const hash = createHash('sha256')
    .update(JSON.stringify({ v: 1, dockerfile, context: ctx.hash, args: Object.entries(args).sort() }))
    .digest('hex')
    .slice(0, 16);
  const repo = `faultline/${b.name}`;
  const tag = `${repo}:${hash}`;
  if (await imageExists(docker, tag)) return { tag, built: false };
  log?.(`building image ${tag} from ${join(b.context, dockerfile)} (${ctx.files.length} files in the context)`);
  await build(docker, ctx.dir, ctx.files, { t: tag, dockerfile, buildargs: args, labels: { [LABEL_IMAGE]: '1', [LABEL_IMAGE_HASH]: hash } }, log, signal);
  if (!(await imageExists(docker, tag))) throw new FaultlineError(`building image ${tag} failed: the engine did not keep it`);
  await pruneOlder(docker, tag, (m) => log?.(m));
  return { tag, built: true };
}

async function build(
  docker: Docker,
  dir: string,
  files: readonly string[],
  options: { t: string; dockerfile: string; buildargs: Record<string, string>; labels: Record<string, string> },
  log?: (m: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  // Exactly the files the hash covered, so the image is the one its tag names.
  const tar = execa('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', dir, '--null', '-T', '-', '-cf', '-'], {
    input: files.join('\0') + '\0',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: { stdout: false },
  });
  const stream = await docker.buildImage(tar.stdout as NodeJS.ReadableStream, { ...options, rm: true, forcerm: true });
  const lines: string[] = [];
  let error: string | undefined;
  // Closing the connection makes the engine cancel the build and remove its containers.
  const stop = (why: string) => {
    error ??= why;
    (stream as unknown as { destroy?: () => void }).destroy?.();
    tar.kill();
  };
  const timer = setTimeout(() => stop(`did not finish within ${BUILD_TIMEOUT_MS / 60_000} min`), BUILD_TIMEOUT_MS);
  const onAbort = () => stop('interrupted');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve()),
        (ev: { stream?: string; error?: string }) => {
          if (ev.error) error ??= ev.error.trim();
          for (const line of (ev.stream ?? '').split('\n')) {
            if (!line.trim()) continue;
            lines.push(line);
            if (/^Step \d+\/\d+ :/.test(line)) log?.(`  ${line.trim()}`);
          }
        },
      ),
    ).catch((e: Error) => (error ??= e.message));
    await tar.catch(() => undefined);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  if (error) {
    const step = [...lines].reverse().find((l) => /^Step \d+\/\d+ :/.test(l));
    throw new FaultlineError(`building image ${options.t} failed${step ? ` at "${step.trim()}"` : ''}: ${error.split('\n')[0]}`);
  }
}
