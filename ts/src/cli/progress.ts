/** Progress on stderr: a live line with elapsed time on a terminal, plain timestamped lines otherwise. */
export class Progress {
  private readonly start = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private current = '';
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly quiet = false) {}

  private elapsed(): string {
    return `${((performance.now() - this.start) / 1000).toFixed(1)}s`;
  }

  /** Starts (or replaces) the current step. */
  step = (message: string): void => {
    if (this.quiet) return;
    this.current = message;
    if (!this.tty) {
      process.stderr.write(`[${this.elapsed()}] ${message}\n`);
      return;
    }
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let k = 0;
    const draw = () => process.stderr.write(`\r\x1b[2K${frames[k++ % frames.length]} [${this.elapsed()}] ${this.current}`);
    if (!this.timer) this.timer = setInterval(draw, 100);
    process.stderr.write(`\r\x1b[2K✓ ${this.current}\n`);
    draw();
  };

  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty && !this.quiet) process.stderr.write(`\r\x1b[2K✓ done in ${this.elapsed()}\n`);
  }
}
