/**
 * Time to settle, as a figure for the report: how long sagas took from the order to their
 * final outcome, measured by the orders service since it last started.
 */
export class SettleTimes {
  private readonly started = new Map<string, number>();
  private count = 0;
  private totalMs = 0;
  private maxMs = 0;

  begin(saga: string): void {
    if (!this.started.has(saga)) this.started.set(saga, Date.now());
  }

  end(saga: string): void {
    const t = this.started.get(saga);
    if (t === undefined) return;
    this.started.delete(saga);
    const ms = Date.now() - t;
    this.count++;
    this.totalMs += ms;
    this.maxMs = Math.max(this.maxMs, ms);
  }

  summary(): { settled: number; meanMs: number; maxMs: number } {
    return { settled: this.count, meanMs: this.count ? Math.round(this.totalMs / this.count) : 0, maxMs: this.maxMs };
  }
}
