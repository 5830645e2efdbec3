/** A progress bar on stderr: redrawn in place on a terminal, a line every 10% otherwise (CI logs). */
export class ProgressBar {
  private lastDecile = -1;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, extra = ""): void {
    const frac = this.total ? done / this.total : 1;
    const width = 30;
    const filled = Math.round(frac * width);
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (this.total - done) : 0;
    const text = `${this.label} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${done}/${this.total} ${Math.round(frac * 100)}% ${elapsed.toFixed(1)}s eta ${eta.toFixed(1)}s ${extra}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${text}\x1b[K`);
      if (done >= this.total) this.stream.write("\n");
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== this.lastDecile) {
        this.lastDecile = decile;
        this.stream.write(`${text}\n`);
      }
    }
  }
}
