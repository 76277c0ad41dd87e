/**
 * The one-line progress display: elapsed/total, ops so far, the fault in force. On a
 * terminal it rewrites one line; elsewhere (CI logs) it prints a line every few seconds.
 */
import type { Op } from './op.js';

export class Progress {
  private ops = 0;
  private fails = 0;
  private infos = 0;
  private fault = 'none';
  private timer: NodeJS.Timeout | undefined;
  private lastPrinted = 0;
  private readonly tty: boolean;

  constructor(
    private readonly totalSeconds: number,
    /** When the main phase began; `start()` resets it, so setup (image builds) is not counted. */
    private startMs: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {
    this.tty = out.isTTY === true;
  }

  start(): void {
    this.startMs = Date.now();
    if (!this.enabled) return;
    this.timer = setInterval(() => this.render(), this.tty ? 250 : 1000);
    this.timer.unref();
  }

  /** Feeds every history op; nemesis completions update the fault shown. */
  onOp(op: Op): void {
    if (op.process === 'nemesis') {
      if (op.type !== 'invoke') this.fault = describeFault(op, this.fault);
      return;
    }
    if (op.type === 'invoke') this.ops++;
    else if (op.type === 'fail') this.fails++;
    else if (op.type === 'info') this.infos++;
  }

  setPhase(phase: string): void {
    this.fault = phase;
  }

  private line(): string {
    const elapsed = (Date.now() - this.startMs) / 1000;
    return `[${elapsed.toFixed(0)}/${this.totalSeconds}s] ops ${this.ops} (fail ${this.fails}, info ${this.infos}) fault: ${this.fault}`;
  }

  private render(): void {
    if (this.tty) this.out.write(`\r\x1b[2K${this.line()}`);
    else if (Date.now() - this.lastPrinted >= 5000) {
      this.lastPrinted = Date.now();
      this.out.write(this.line() + '\n');
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.enabled && this.tty) this.out.write(`\r\x1b[2K${this.line()}\n`);
  }
}

function describeFault(op: Op, current: string): string {
  switch (op.f) {
    case 'start-partition': {
      const v = op.value as { shape?: string; grudge?: Record<string, string[]> } | null;
      if (!v || typeof v !== 'object') return 'partition';
      const shape = v.shape && v.shape !== 'custom' ? `${v.shape} ` : '';
      return `partition ${shape}${v.grudge ? describeGrudge(v.grudge) : ''}`.trim();
    }
    case 'clock-bump':
      return `clock ${Object.entries(op.value as Record<string, number>).map(([n, s]) => `${n}${s >= 0 ? '+' : ''}${s}s`).join(' ')}`;
    case 'clock-strobe':
      return 'clock strobe';
    case 'start-loss':
      return `loss ${JSON.stringify(op.value)}`;
    case 'start-bandwidth':
      return `bandwidth ${JSON.stringify(op.value)}`;
    case 'start-latency':
      return `latency ${JSON.stringify(op.value)}`;
    case 'stop-latency':
    case 'clock-reset':
    case 'stop-loss':
    case 'stop-bandwidth':
      return 'none';
    case 'stop-partition':
      return current.startsWith('partition') ? 'none' : current;
    case 'kill':
      return `killed ${String(op.value)}`;
    case 'start':
      return current.startsWith('killed') ? 'none' : current;
    case 'pause':
      return `paused ${String(op.value)}`;
    case 'resume':
      return current.startsWith('paused') ? 'none' : current;
    default:
      return `${op.f} ${JSON.stringify(op.value)}`;
  }
}

/** A grudge for display: who drops whom, "n1 x n3,n4; n2 x n3,n4". */
function describeGrudge(g: Record<string, string[]>): string {
  return Object.entries(g)
    .filter(([, from]) => from.length > 0)
    .map(([node, from]) => `${node} x ${from.join(',')}`)
    .join('; ');
}
