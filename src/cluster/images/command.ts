/**
 * `faultline images [name…]`: builds the images workloads run in on the Docker backend
 * (node, etcd, nettools by default), skipping any whose hash already has an image.
 * Without names, an image whose binary is missing on this host is skipped with a note;
 * a name given explicitly must build. `debian` (debootstrap, minutes) is built only
 * when named.
 */
import type Docker from 'dockerode';
import { UsageError } from '../../core/errors.js';
import { LABEL_IMAGE } from '../docker-names.js';
import { connectDocker } from '../docker-connect.js';
import { ensureImage, IMAGE_NAMES, isImageName, recipe, type ImageName } from './catalog.js';
import { ensureDebianImage } from './debootstrap.js';

export async function imagesCommand(args: readonly string[], out: NodeJS.WritableStream = process.stderr): Promise<number> {
  for (const a of args) {
    if (!isImageName(a) && a !== 'debian') throw new UsageError(`unknown image "${a}"; images: ${IMAGE_NAMES.join(', ')}, debian`);
  }
  const explicit = args.length > 0;
  const wanted: (ImageName | 'debian')[] = explicit ? (args as ImageName[]) : [...IMAGE_NAMES];
  const docker = await connectDocker();
  const say = (m: string) => out.write(`faultline: ${m}\n`);
  for (const name of wanted) {
    if (name === 'debian') {
      const t0 = Date.now();
      const r = await ensureDebianImage(docker, undefined, say);
      say(`image ${r.tag} ${r.built ? `built in ${((Date.now() - t0) / 1000).toFixed(1)} s` : 'up to date'}`);
      await pruneOlder(docker, r.tag, say);
      continue;
    }
    if (!explicit) {
      try {
        recipe(name);
      } catch (e) {
        out.write(`faultline: skipped image ${name}: ${(e as Error).message}\n`);
        continue;
      }
    }
    const t0 = Date.now();
    const r = await ensureImage(docker, name, (m) => out.write(`faultline: ${m}\n`));
    out.write(`faultline: image ${r.tag} ${r.built ? `built in ${((Date.now() - t0) / 1000).toFixed(1)} s` : 'up to date'}\n`);
    await pruneOlder(docker, r.tag, say);
  }
  return 0;
}

/**
 * Removes our images of the same name with another hash: built from binaries that have
 * since changed, nothing will ask for them again. One still used by a container stays.
 */
async function pruneOlder(docker: Docker, current: string, say: (m: string) => void): Promise<void> {
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
