/**
 * A progress bar on stderr for long runs: redrawn in place on a terminal, one line per 10% otherwise (CI logs).
 */
export class Progress {
  private done = 0;
  private lastDraw = 0;
  private lastDecile = 0;
  private readonly started = performance.now();
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly quiet = false,
  ) {}

  tick(n = 1): void {
    this.done += n;
    if (this.quiet) return;
    if (this.tty) {
      const now = performance.now();
      if (now - this.lastDraw < 200 && this.done < this.total) return;
      this.lastDraw = now;
      process.stderr.write(`\r${this.line()}`);
    } else {
      const decile = Math.floor((10 * this.done) / this.total);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      process.stderr.write(`${this.line()}\n`);
    }
  }

  /** Ends the bar and returns the elapsed seconds. */
  finish(): number {
    const seconds = (performance.now() - this.started) / 1000;
    if (!this.quiet && this.tty) process.stderr.write(`\r${this.line()}\n`);
    return seconds;
  }

  private line(): string {
    const frac = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const width = 30;
    const filled = Math.round(frac * width);
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = frac > 0 ? elapsed / frac - elapsed : 0;
    return `${this.label.padEnd(12)} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${this.done.toLocaleString("en-US")}/${this.total.toLocaleString("en-US")} ${elapsed.toFixed(1)}s eta ${eta.toFixed(0)}s`;
  }
}
