/** How often a log (stderr not a terminal) gets a progress line. */
const LOG_EVERY_MS = 5_000;
/** How often the bar is redrawn: thousands of small steps need not mean thousands of writes. */
const DRAW_EVERY_MS = 100;
const BAR_WIDTH = 30;

/** Where progress goes: a writable stream that may be a terminal. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Progress of a long command, in the style of `bench/seed.mjs`: on a terminal a bar redrawn in
 * place; in a log (stderr redirected) a line at most every few seconds, not one per step, so a
 * cron job's log stays short.
 *
 * @example
 * const progress = new Progress('purging', total);
 * progress.update(done, '120 rows');
 * progress.end();
 */
export class Progress {
  #lastLine = Number.NEGATIVE_INFINITY;
  #drawn = false;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: ProgressStream = process.stderr,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reports `done` of the total, with a short `detail` after the count. */
  update(done: number, detail = ''): void {
    const count = `${done}/${this.total}${detail ? ` ${detail}` : ''}`;
    const tty = this.stream.isTTY === true;
    if (done < this.total && this.now() - this.#lastLine < (tty ? DRAW_EVERY_MS : LOG_EVERY_MS)) return;
    this.#lastLine = this.now();
    if (!tty) {
      this.stream.write(`  ${this.label} ${count}\n`);
      return;
    }
    // More roots may turn up than were counted at the start; the bar just stays full.
    const filled =
      this.total === 0 ? BAR_WIDTH : Math.min(BAR_WIDTH, Math.round((done / this.total) * BAR_WIDTH));
    this.stream.write(
      `\r  ${this.label} [${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${count}\x1b[K`,
    );
    this.#drawn = true;
  }

  /** Ends the bar's line on a terminal, so that what follows starts on a line of its own. */
  end(): void {
    if (this.#drawn) this.stream.write('\n');
    this.#drawn = false;
  }
}
