/**
 * `faultline images [name…]`: builds the images workloads run in on the Docker backend
 * (node, etcd, nettools by default), skipping any whose hash already has an image.
 * Without names, an image whose binary is missing on this host is skipped with a note;
 * a name given explicitly must build. `debian` (debootstrap, minutes) and the images of
 * built-in systems that install Debian packages (`postgres`, `rabbitmq`, `nats`, `mariadb`) are built only when named. `--config <file>` builds a workload file's own image (`service.docker`), so
 * a CI job can build it in a step of its own before the tests (the caller loads the file:
 * workload files belong to the layers above this one).
 */
import type Docker from 'dockerode';
import { UsageError } from '../../core/errors.js';
import { connectDocker } from '../docker-connect.js';
import { DOCKERFILE_IMAGES, dockerfileImage, ensureImage, IMAGE_NAMES, recipe, type DockerfileImageName, type ImageName, type ImageSource } from './catalog.js';
import { ensureDebianImage } from './debootstrap.js';
import { pruneOlder } from './prune.js';
import { resolveImage } from './resolve.js';

/** The image a workload file names (`service.docker`), undefined when it names none. */
type WorkloadFileImage = (file: string) => Promise<ImageSource | undefined>;

export async function imagesCommand(argv: readonly string[], out: NodeJS.WritableStream, imageOfFile: WorkloadFileImage): Promise<number> {
  const at = argv.indexOf('--config');
  if (at >= 0) {
    const file = argv[at + 1];
    if (file === undefined || file.startsWith('-')) throw new UsageError('--config needs a workload file: faultline images --config faultline.config.ts');
    if (argv.length > 2) throw new UsageError('faultline images --config <file> takes nothing else');
    return configImage(file, out, imageOfFile);
  }
  const args = argv;
  const known = [...IMAGE_NAMES, 'debian', ...DOCKERFILE_IMAGES];
  for (const a of args) {
    if (!known.includes(a)) throw new UsageError(`unknown image "${a}"; images: ${known.join(', ')}`);
  }
  const explicit = args.length > 0;
  const wanted: (ImageName | 'debian')[] = explicit ? (args as ImageName[]) : [...IMAGE_NAMES];
  const docker = await connectDocker();
  const say = (m: string) => out.write(`faultline: ${m}\n`);
  for (const name of wanted) {
    if ((DOCKERFILE_IMAGES as readonly string[]).includes(name)) {
      await readyImage(docker, dockerfileImage(name as DockerfileImageName), say);
      continue;
    }
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

async function configImage(file: string, out: NodeJS.WritableStream, imageOfFile: WorkloadFileImage): Promise<number> {
  const image = await imageOfFile(file);
  if (!image) throw new UsageError(`${file}: has no service.docker, so it runs in the node image: faultline images node`);
  await readyImage(await connectDocker(), image, (m) => out.write(`faultline: ${m}\n`));
  return 0;
}

/** Builds (or finds) the image `source` names and says how long that took. */
async function readyImage(docker: Docker, source: ImageSource, say: (m: string) => void): Promise<void> {
  const t0 = Date.now();
  const tag = await resolveImage(docker, source, say);
  say(`image ${tag} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
