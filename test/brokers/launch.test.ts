/** How the broker launchers start a node: configuration, peers, and where the secret goes. */
import { describe, expect, it } from 'vitest';
import { natsConfig, natsSystem } from '../../src/systems/nats/system.js';
import { rabbitmqConfig, rabbitmqSystem } from '../../src/systems/rabbitmq/system.js';

const ips = new Map([
  ['n1', '10.213.9.11'],
  ['n2', '10.213.9.12'],
  ['n3', '10.213.9.13'],
]);

describe('rabbitmq launch', () => {
  it('the seed discovers nobody; a joiner lists only the seed; partitions pause the minority', () => {
    const seed = rabbitmqConfig(5672, undefined);
    expect(seed).toContain('cluster_partition_handling = pause_minority');
    expect(seed).not.toContain('classic_config.nodes');
    const joiner = rabbitmqConfig(5672, 'rabbit@10.213.9.11');
    expect(joiner.split('\n').filter((l) => l.includes('classic_config.nodes'))).toEqual(['cluster_formation.classic_config.nodes.1 = rabbit@10.213.9.11']);
  });

  it('the Erlang cookie travels in the environment, one per run, never on the command line', () => {
    const a = rabbitmqSystem().launch({ node: 'n2', ips, port: 5672, dataDir: '/d/n2', backend: 'local' });
    const b = rabbitmqSystem().launch({ node: 'n2', ips, port: 5672, dataDir: '/d/n2', backend: 'local' });
    const cookie = a.env!.FAULTLINE_ERLANG_COOKIE!;
    expect(cookie).toMatch(/^[0-9a-f]{48}$/);
    expect(b.env!.FAULTLINE_ERLANG_COOKIE).not.toBe(cookie);
    expect(a.args.join(' ')).not.toContain(cookie);
    expect(a.args).toContain('rabbit@10.213.9.12');
    // The joiner waits for the seed's AMQP port on its first boot; the seed waits for nobody.
    expect(a.args.at(-1)).toContain('gen_tcp:connect("10.213.9.11", 5672');
    expect(rabbitmqSystem().launch({ node: 'n1', ips, port: 5672, dataDir: '/d/n1', backend: 'local' }).args.at(-1)).toBe('');
  });
});

describe('nats launch', () => {
  it('every server routes to every node and is named after its node', () => {
    const c = natsConfig('n2', ips, 4222, '/d/n2/nats/jetstream');
    expect(c).toContain('server_name: "n2"');
    expect(c).toContain('routes: ["nats://10.213.9.11:6222", "nats://10.213.9.12:6222", "nats://10.213.9.13:6222"]');
    expect(c).toContain('store_dir: "/d/n2/nats/jetstream"');
  });

  it('runs the image\'s server on Docker', () => {
    const l = natsSystem().launch({ node: 'n1', ips, port: 4222, dataDir: '/data', backend: 'docker' });
    expect(l.args.at(-1)).toBe('/usr/sbin/nats-server');
  });
});
