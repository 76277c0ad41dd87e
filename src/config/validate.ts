/**
 * Checks a loaded workload file field by field, so a mistake reads
 * "faultline.config.ts: service.port: expected an integer from 1 to 65535, got "80a""
 * instead of a crash halfway through a run.
 */
import { UsageError } from '../core/errors.js';
import { FAULT_KINDS } from '../nemesis/registry.js';
import type { WorkloadConfig } from './workload-config.js';

type Obj = Record<string, unknown>;

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? x.slice(0, 40) + '…' : x);
  if (typeof x === 'object') return 'an object';
  return `${typeof x} ${String(x)}`;
}

export function validateWorkloadConfig(x: unknown, source: string): WorkloadConfig {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new UsageError(`${source}: ${path}: expected ${expected}, got ${describe(got)}`);
  };
  const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(x)) fail('default export', 'defineWorkload({...})', x);
  const c = x as Obj;
  if (typeof c.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(c.name)) fail('name', 'a lowercase name like "my-service"', c.name);
  if (c.description !== undefined && typeof c.description !== 'string') fail('description', 'a string', c.description);
  if (c.variants !== undefined && (!Array.isArray(c.variants) || c.variants.length === 0 || !c.variants.every((v) => typeof v === 'string'))) {
    fail('variants', 'a non-empty array of strings', c.variants);
  }
  if (!isObj(c.service)) fail('service', 'an object with port and command', c.service);
  const s = c.service as Obj;
  if (typeof s.port !== 'number' || !Number.isInteger(s.port) || s.port < 1 || s.port > 65535) fail('service.port', 'an integer from 1 to 65535', s.port);
  if (typeof s.command !== 'function' && (!Array.isArray(s.command) || s.command.length === 0 || !s.command.every((a) => typeof a === 'string'))) {
    fail('service.command', 'a non-empty array of strings (argv) or a function returning one', s.command);
  }
  if (s.env !== undefined && typeof s.env !== 'function' && (!isObj(s.env) || !Object.values(s.env).every((v) => typeof v === 'string'))) {
    fail('service.env', 'an object of string values', s.env);
  }
  if (s.ready !== undefined) {
    const r = s.ready as Obj;
    const ok = isObj(r) && ((typeof r.http === 'string' && r.http.startsWith('/')) || r.tcp === true || typeof r.log === 'string');
    if (!ok) fail('service.ready', '{ http: "/path" } or { tcp: true } or { log: "regex" }', s.ready);
    if (typeof r.log === 'string') {
      try {
        new RegExp(r.log);
      } catch (e) {
        fail('service.ready.log', `a valid regular expression (${(e as Error).message})`, r.log);
      }
    }
  }
  if (s.readyTimeout !== undefined && !(typeof s.readyTimeout === 'number' && s.readyTimeout > 0)) fail('service.readyTimeout', 'a positive number of seconds', s.readyTimeout);
  if (s.clock !== undefined && s.clock !== 'libc' && s.clock !== 'static') fail('service.clock', '"libc" or "static"', s.clock);
  if (s.primary !== undefined && typeof s.primary !== 'string' && typeof s.primary !== 'function') fail('service.primary', 'a node name or a function', s.primary);
  if (s.docker !== undefined) validateDocker(s.docker, fail, isObj);
  const client = c.client as Obj | undefined;
  if (!isObj(client) || typeof client.open !== 'function' || typeof client.invoke !== 'function') {
    fail('client', 'a Client (httpJsonClient(...), processClient(...) or an object with open/setup/invoke/teardown/close)', c.client);
  }
  if (c.checker !== undefined && typeof c.checker !== 'function' && !(isObj(c.checker) && typeof (c.checker as Obj).check === 'function')) {
    fail('checker', 'a Checker (e.g. linearizable(multiRegister)) or a function returning one', c.checker);
  }
  if (c.opsPerKey !== undefined && !(typeof c.opsPerKey === 'number' && Number.isInteger(c.opsPerKey) && c.opsPerKey >= 1 && c.opsPerKey <= 100_000)) {
    fail('opsPerKey', 'an integer from 1 to 100000 (ops a key takes before the workers move to a fresh one)', c.opsPerKey);
  }
  if (c.faults !== undefined && (!Array.isArray(c.faults) || !c.faults.every((f) => (FAULT_KINDS as readonly unknown[]).includes(f)))) {
    fail('faults', `an array of ${FAULT_KINDS.join(', ')}`, c.faults);
  }
  return c as unknown as WorkloadConfig;
}

function validateDocker(d: unknown, fail: (path: string, expected: string, got: unknown) => never, isObj: (v: unknown) => v is Obj): void {
  if (!isObj(d)) fail('service.docker', 'an object with image or build', d);
  const o = d as Obj;
  const isArgv = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((a) => typeof a === 'string');
  const isStrings = (v: unknown) => isObj(v) && Object.values(v).every((x) => typeof x === 'string');
  if ((o.image === undefined) === (o.build === undefined)) fail('service.docker', 'exactly one of image (a local image tag) or build (a Dockerfile directory)', d);
  if (o.image !== undefined && (typeof o.image !== 'string' || !/^[\w][\w.\-/:@]*$/.test(o.image))) fail('service.docker.image', 'an image reference like "my-service:dev"', o.image);
  if (o.build !== undefined && typeof o.build !== 'string') {
    const b = o.build;
    if (!isObj(b) || typeof b.context !== 'string') fail('service.docker.build', 'a directory, or { context, dockerfile?, args? }', b);
    const bo = b as Obj;
    if (bo.dockerfile !== undefined && typeof bo.dockerfile !== 'string') fail('service.docker.build.dockerfile', 'a path inside the context', bo.dockerfile);
    if (bo.args !== undefined && !isStrings(bo.args)) fail('service.docker.build.args', 'an object of string values', bo.args);
  }
  if (o.command !== undefined && typeof o.command !== 'function' && !isArgv(o.command)) fail('service.docker.command', 'a non-empty array of strings (argv) or a function returning one', o.command);
  if (o.env !== undefined && typeof o.env !== 'function' && !isStrings(o.env)) fail('service.docker.env', 'an object of string values', o.env);
  if (o.workdir !== undefined && !(typeof o.workdir === 'string' && o.workdir.startsWith('/'))) fail('service.docker.workdir', 'an absolute path inside the image', o.workdir);
}
