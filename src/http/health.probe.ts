/** Raised when the database did not answer a health check in time. */
export class HealthTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The database did not answer within ${timeoutMs} ms.`);
    this.name = 'HealthTimeoutError';
  }
}

/**
 * Turns a database round trip into a readiness probe with a deadline: the probe rejects when
 * `check` rejects or has not settled within `timeoutMs` (a frozen database, a pool exhausted by
 * slow requests), so `/healthz` answers 503 instead of hanging.
 *
 * Probes that arrive while a check is in flight share it: `/healthz` is unauthenticated, and a
 * burst of probes against a stuck database must not take a pool connection each.
 *
 * @example
 * const probe = healthProbe(() => orm.em.getConnection().execute('select 1'), 2_000);
 * await probe(); // rejects with HealthTimeoutError after 2 s of silence
 */
export function healthProbe(check: () => Promise<unknown>, timeoutMs: number): () => Promise<void> {
  let inFlight: Promise<unknown> | undefined;
  return async () => {
    inFlight ??= check().finally(() => {
      inFlight = undefined;
    });
    const current = inFlight;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HealthTimeoutError(timeoutMs)), timeoutMs);
    });
    try {
      await Promise.race([current, deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}
