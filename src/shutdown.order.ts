/** The three steps of {@link stopInOrder}. */
export interface ShutdownSteps {
  /** Stops accepting connections and waits for in-flight requests (bounded by its own grace period). */
  drainHttp(): Promise<void>;
  /**
   * Closes the database pool; waits for connections still in use, until `signal` aborts (the
   * grace period is over: whatever is still out is abandoned).
   */
  closePool(signal: AbortSignal): Promise<void>;
  /** Stops the embedded database, if this process started one. */
  stopDatabase(): Promise<void>;
}

/**
 * Stops the server in the only safe order: HTTP drain, then the pool, then the database. Stopping
 * PostgreSQL any earlier fails in-flight requests ("the database system is shutting down"), some
 * after their mutation committed.
 *
 * A request cut off at the end of the drain's grace period may still hold a pool connection with
 * its query running (on a lock, say), and closing the pool waits for it. So that shutdown stays
 * bounded, the pool gets another `graceMs`; then the database is stopped anyway (an embedded one
 * with a fast shutdown, which rolls back what is left).
 *
 * @example
 * await stopInOrder({ drainHttp: () => apollo.stop(), closePool: (signal) => closeSettledPool(orm, signal), stopDatabase: () => db.stop() }, 10_000);
 */
export async function stopInOrder(
  steps: ShutdownSteps,
  graceMs: number,
  log: (line: string) => void = console.log,
): Promise<void> {
  await steps.drainHttp();
  const graceOver = new AbortController();
  const poolClosed = steps.closePool(graceOver.signal).then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  const closedInTime = await Promise.race([poolClosed, late]).finally(() => clearTimeout(timer));
  if (!closedInTime) {
    log(`Database connections still busy ${graceMs} ms after the drain; stopping without them.`);
    graceOver.abort();
    // Rejections after this point belong to connections that are being abandoned.
    poolClosed.catch(() => {});
  }
  await steps.stopDatabase();
}
