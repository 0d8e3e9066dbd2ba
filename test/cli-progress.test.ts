import { describe, expect, it } from 'vitest';
import { Progress } from '../src/cli/progress.js';

/** A stream that keeps what was written, and a clock the test moves. */
function harness(isTTY: boolean) {
  const written: string[] = [];
  let now = 0;
  const progress = new Progress(
    'purging',
    1_000,
    { isTTY, write: (text: string) => written.push(text) },
    () => now,
  );
  return { progress, written, advance: (ms: number) => (now += ms) };
}

describe('progress of a long command', () => {
  it('in a log, writes a line at most every five seconds, and the last one', () => {
    const { progress, written, advance } = harness(false);
    for (let done = 1; done <= 1_000; done++) {
      progress.update(done, `${done} rows`);
      advance(20);
    }
    progress.end();
    // 20 s of work: the first step, one line per 5 s, and the end.
    expect(written).toEqual([
      '  purging 1/1000 1 rows\n',
      '  purging 251/1000 251 rows\n',
      '  purging 501/1000 501 rows\n',
      '  purging 751/1000 751 rows\n',
      '  purging 1000/1000 1000 rows\n',
    ]);
  });

  it('on a terminal, redraws one bar in place and ends its line', () => {
    const { progress, written, advance } = harness(true);
    for (let done = 1; done <= 1_000; done++) {
      progress.update(done);
      advance(1);
    }
    progress.end();
    expect(written.every((text) => text.startsWith('\r') || text === '\n')).toBe(true);
    // One redraw per 100 ms of a one-second run, plus the last, not one per step.
    expect(written.length).toBeLessThan(15);
    expect(written.at(-2)).toBe(`\r  purging [${'#'.repeat(30)}] 1000/1000\x1b[K`);
    expect(written.at(-1)).toBe('\n');
  });
});
