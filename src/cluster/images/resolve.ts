/** Turns a system's image choice into a tag the engine can run. */
import type Docker from 'dockerode';
import { FaultlineError } from '../../core/errors.js';
import { ensureImage, type ImageSource } from './catalog.js';
import { ensureDockerfileImage } from './dockerfile.js';
import { imageExists } from './rootfs.js';

/** The tag to run for `source`, building or importing it first when needed. */
export async function resolveImage(docker: Docker, source: ImageSource, log?: (m: string) => void, signal?: AbortSignal): Promise<string> {
  if (typeof source === 'string') return (await ensureImage(docker, source, log)).tag;
  if ('dockerfile' in source) return (await ensureDockerfileImage(docker, source.dockerfile, log, signal)).tag;
  // Nothing is pulled: no registry may be reachable, and a run should not depend on one.
  if (!(await imageExists(docker, source.existing))) {
    throw new FaultlineError(`image ${source.existing} is not in the local Docker engine: build it (docker build -t ${source.existing} …) or give service.docker.build a Dockerfile directory`);
  }
  return source.existing;
}
