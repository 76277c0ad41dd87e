/**
 * A Docker build context read from a directory: the files `.dockerignore` lets through,
 * and a hash of their paths, modes and bytes, so an image built from an unchanged context
 * is found by tag instead of rebuilt.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { FaultlineError } from '../../core/errors.js';

interface BuildContext {
  dir: string;
  /** Paths relative to `dir`, with `/` separators, sorted. */
  files: string[];
  hash: string;
}

/** A context this large is almost always a forgotten node_modules or .git. */
const MAX_FILES = 20_000;

export function readBuildContext(dir: string, dockerfile = 'Dockerfile'): BuildContext {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FaultlineError(`Docker build context ${dir} is not a directory`);
  if (!existsSync(join(dir, dockerfile))) throw new FaultlineError(`no ${dockerfile} in ${dir}: write one, or name it with service.docker.build.dockerfile`);
  const ignored = dockerIgnore(dir);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, entry.name);
      const rel = relative(dir, abs).split(sep).join('/');
      // The engine always reads the Dockerfile and .dockerignore, whatever the patterns say.
      const always = rel === dockerfile || rel === '.dockerignore';
      if (!always && ignored(rel)) continue;
      if (entry.isDirectory()) walk(abs);
      else if (entry.isFile() || entry.isSymbolicLink()) files.push(rel);
      if (files.length > MAX_FILES) throw new FaultlineError(`Docker build context ${dir} has over ${MAX_FILES} files: list what the image does not need (node_modules, .git) in ${join(dir, '.dockerignore')}`);
    }
  };
  walk(dir);
  files.sort();
  const h = createHash('sha256');
  for (const f of files) {
    const abs = join(dir, f);
    h.update(`${f}\0${statSync(abs).mode & 0o777}\0`);
    h.update(readFileSync(abs));
    h.update('\0');
  }
  return { dir, files, hash: h.digest('hex') };
}

/**
 * `.dockerignore` as the engine reads it, closely enough for a context: one pattern per
 * line, `#` comments, `*` and `?` within a path segment, `**` across segments, `!` to
 * re-include, the last matching line deciding; a pattern that matches a directory
 * excludes everything under it.
 */
function dockerIgnore(dir: string): (rel: string) => boolean {
  let text = '';
  try {
    text = readFileSync(join(dir, '.dockerignore'), 'utf8');
  } catch {
    return () => false;
  }
  return ignoreMatcher(text);
}

export function ignoreMatcher(text: string): (rel: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, re: globToRegExp(pattern) };
    });
  return (rel) => {
    // A path is out when it, or a directory above it, matches the last deciding rule.
    const prefixes = rel.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let out = false;
    for (const r of rules) if (prefixes.some((p) => r.re.test(p))) out = !r.negate;
    return out;
  };
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        re += '(?:.*/)?';
        i++;
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
