/** The report's queue section: figures whatever the verdict, findings with linked ops. */
import { describe, expect, it } from 'vitest';
import { checkQueue } from '../../src/checkers/queue.js';
import { renderReport } from '../../src/report/page.js';
import { h } from '../checkers/history.js';

function page(ops: ReturnType<typeof h>['ops'], delivery: 'at-least-once' | 'exactly-once' = 'at-least-once'): string {
  const queue = checkQueue(ops, { delivery, fifo: true });
  return renderReport({ dir: '/tmp/run', test: { options: { workload: 'rabbitmq', variant: 'quorum', seed: 1, concurrency: 3 } }, ops, truncated: false, results: { valid: queue.valid, queue }, nodeLogs: [] });
}

describe('queue section of the report', () => {
  it('a valid run still shows its figures, allowed duplicates and recovered values', () => {
    const b = h().op(0, 'enqueue', 1, 'ok').op(1, 'enqueue', 2, 'info').op(2, 'dequeue', null, 'ok', 1).fault('stop-partition').op(2, 'drain', null, 'ok', [{ value: 1, redelivered: true }, 2]).op(2, 'drain', null, 'ok', []);
    const html = page(b.ops);
    expect(html).toContain('<section class="queue" id="queue"><h2>Queue</h2>');
    expect(html).toMatch(/<th>duplicated<\/th><td>1 values, 1 extra deliveries, at most 2 copies — allowed \(at-least-once\)<\/td>/);
    expect(html).toMatch(/<h3>Recovered \(1\)<\/h3>.*<code>2<\/code>/s);
    expect(html).not.toContain('Why it is not valid');
  });

  it('an invalid run lists lost values with their ops linked to the timeline', () => {
    const b = h().op(0, 'enqueue', '<b>x</b>', 'ok').op(0, 'enqueue', 'y', 'ok').fault('stop-partition').op(1, 'drain', null, 'ok', ['y']).op(1, 'drain', null, 'ok', []);
    const html = page(b.ops);
    expect(html).toMatch(/<h3>Lost \(1\)<\/h3>/);
    expect(html).toContain('<code>&lt;b&gt;x&lt;/b&gt;</code>');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('<a href="#op-0" title="show in the timeline">0</a>');
    expect(html).toContain('id="op-0"');
  });

  it('no queue section for runs without a queue checker', () => {
    const b = h().op(0, 'read', null, 'ok', 1);
    expect(renderReport({ dir: '/tmp/run', test: { options: {} }, ops: b.ops, truncated: false, results: { valid: true }, nodeLogs: [] })).not.toContain('id="queue"');
  });
});
