/**
 * The one-line progress display: elapsed/total, ops so far, the faults in force (each as
 * its fault package describes it; several at once with --faults-overlap). On a terminal
 * it rewrites one line; elsewhere (CI logs) it prints a line every few seconds.
 */
import type { Op } from '../core/op.js';
import { describeTargets } from '../nemesis/package.js';
import { faultOpRole } from '../nemesis/registry.js';

export class Progress {
  private ops = 0;
  private fails = 0;
  private infos = 0;
  /** What is in force, by fault kind, in the order the faults started. */
  private readonly faults = new Map<string, string>();
  private phase: string | undefined;
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
      if (op.type === 'ok' || op.type === 'info') this.onFault(op);
      return;
    }
    if (op.type === 'invoke') this.ops++;
    else if (op.type === 'fail') this.fails++;
    else if (op.type === 'info') this.infos++;
  }

  private onFault(op: Op): void {
    const known = faultOpRole(op.f);
    if (!known) {
      // An op no package knows: shown until the next fault op.
      this.phase = describeTargets(op.f, op.value);
      return;
    }
    this.phase = undefined;
    if (known.role === 'stop') this.faults.delete(known.pkg.kind);
    else this.faults.set(known.pkg.kind, known.pkg.describe(op.f, op.value));
  }

  private line(): string {
    const elapsed = (Date.now() - this.startMs) / 1000;
    const fault = this.phase ?? ([...this.faults.values()].join(' + ') || 'none');
    return `[${elapsed.toFixed(0)}/${this.totalSeconds}s] ops ${this.ops} (fail ${this.fails}, info ${this.infos}) fault: ${fault}`;
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
