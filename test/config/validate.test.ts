import { describe, expect, it } from 'vitest';
import { validateWorkloadConfig } from '../../src/config/validate.js';
import { httpJsonClient } from '../../src/clients/http-json.js';
import { expand } from '../../src/config/placeholders.js';

const client = httpJsonClient({ operations: {} });
const good = { name: 'svc', service: { port: 7000, command: ['node', 'server.js'] }, client };

describe('workload file validation', () => {
  it('accepts a minimal file', () => {
    expect(validateWorkloadConfig(good, 'f.ts').name).toBe('svc');
    expect(validateWorkloadConfig({ ...good, opsPerKey: 80 }, 'f.ts').opsPerKey).toBe(80);
  });

  it.each([
    [{ ...good, name: 'My Service' }, /f\.ts: name: expected a lowercase name like "my-service", got "My Service"/],
    [{ ...good, service: { ...good.service, port: '80a' } }, /f\.ts: service\.port: expected an integer from 1 to 65535, got "80a"/],
    [{ ...good, service: { ...good.service, port: 70000 } }, /service\.port: expected an integer from 1 to 65535, got number 70000/],
    [{ ...good, service: { ...good.service, command: 'node server.js' } }, /service\.command: expected a non-empty array of strings \(argv\)/],
    [{ ...good, service: { ...good.service, ready: { http: 'health' } } }, /service\.ready: expected \{ http: "\/path" \}/],
    [{ ...good, service: { ...good.service, ready: { log: '(' } } }, /service\.ready\.log: expected a valid regular expression/],
    [{ ...good, service: { ...good.service, clock: 'go' } }, /service\.clock: expected "libc" or "static"/],
    [{ ...good, client: { get: () => 1 } }, /client: expected a Client/],
    [{ ...good, faults: ['partition', 'meteor'] }, /faults: expected an array of partition, kill/],
    [{ ...good, opsPerKey: 0 }, /f\.ts: opsPerKey: expected an integer from 1 to 100000 \(ops a key takes before the workers move to a fresh one\), got number 0/],
    [{ ...good, opsPerKey: '150' }, /opsPerKey: expected an integer from 1 to 100000 .*, got "150"/],
    [{ ...good, variants: [] }, /variants: expected a non-empty array of strings/],
    [{ ...good, service: { ...good.service, docker: {} } }, /service\.docker: expected exactly one of image \(a local image tag\) or build/],
    [{ ...good, service: { ...good.service, docker: { image: 'a:1', build: '.' } } }, /service\.docker: expected exactly one of image/],
    [{ ...good, service: { ...good.service, docker: { image: 'has space' } } }, /service\.docker\.image: expected an image reference/],
    [{ ...good, service: { ...good.service, docker: { build: { dockerfile: 'Dockerfile' } } } }, /service\.docker\.build: expected a directory, or \{ context/],
    [{ ...good, service: { ...good.service, docker: { build: '.', workdir: 'app' } } }, /service\.docker\.workdir: expected an absolute path inside the image, got "app"/],
    [{ ...good, service: { ...good.service, docker: { build: '.', command: 'python3 s.py' } } }, /service\.docker\.command: expected a non-empty array/],
    [undefined, /default export: expected defineWorkload/],
  ])('names the field and the expected type (%#)', (config, message) => {
    expect(() => validateWorkloadConfig(config, 'f.ts')).toThrow(message);
  });
});

describe('command placeholders', () => {
  const ctx = { node: 'n2', nodes: ['n1', 'n2'], ip: '10.0.0.2', port: 7000, dataDir: '/d', variant: 'v', nodesList: 'n1=a,n2=b', peersList: 'n1=a' };
  it('fills every placeholder', () => {
    expect(expand('{node} {ip}:{port} {dataDir} {variant} {nodes} {peers}', ctx)).toBe('n2 10.0.0.2:7000 /d v n1=a,n2=b n1=a');
  });
  it('rejects an unknown one', () => {
    expect(() => expand('--id {name}', ctx)).toThrow(/unknown placeholder \{name\}/);
  });
});
