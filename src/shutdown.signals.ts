/** A repeat of the signal within this window is the same request (see {@link shutdownOnSignals}). */
const DUPLICATE_WINDOW_MS = 1_000;

/**
 * Runs `stop` once on SIGTERM or SIGINT and exits 0 when it resolves (1 when it fails). A signal
 * repeated later than a second after the first exits at once ("press Ctrl-C again to force");
 * repeats within that second are ignored, because `npm start` in a terminal delivers Ctrl-C
 * twice: once from the terminal to the whole process group, once forwarded by npm.
 *
 * @example
 * const starting = startApp(config);
 * shutdownOnSignals(() => starting.then((app) => app.stop()));
 */
export function shutdownOnSignals(
  stop: () => Promise<void>,
  log: (line: string) => void = console.log,
): void {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt < DUPLICATE_WINDOW_MS) return;
      log(`${signal} received again: exiting without waiting for requests.`);
      process.exit(1);
    }
    firstAt = Date.now();
    log(`${signal} received: finishing in-flight requests, then shutting down (repeat to force).`);
    stop().then(
      () => process.exit(0),
      (error) => {
        console.error('Shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
