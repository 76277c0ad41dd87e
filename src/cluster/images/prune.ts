/** Keeps the image cache to one tag per image name. */
import type Docker from 'dockerode';
import { LABEL_IMAGE } from '../docker-names.js';

/**
 * Removes our images of the same name with another hash: built from binaries that have
 * since changed, nothing will ask for them again. One still used by a container stays.
 */
export async function pruneOlder(docker: Docker, current: string, say: (m: string) => void): Promise<void> {
  const repo = current.slice(0, current.lastIndexOf(':'));
  const ours = await docker.listImages({ filters: JSON.stringify({ label: [LABEL_IMAGE], reference: [repo] }) });
  for (const img of ours) {
    for (const tag of img.RepoTags ?? []) {
      if (tag === current || !tag.startsWith(`${repo}:`)) continue;
      await docker
        .getImage(tag)
        .remove()
        .then(() => say(`removed outdated image ${tag}`))
        .catch(() => undefined);
    }
  }
}
