/** Bounds of a {@link CostSemaphore}. */
export interface CostSemaphoreOptions {
  /** Total cost allowed in flight at once. */
  capacity: number;
  /** Most acquisitions waiting at once; more are refused straight away. */
  maxQueue: number;
  /** Longest an acquisition waits before it is refused, in milliseconds. */
  maxWaitMs: number;
}

/** Gives the acquired cost back. Calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  cost: number;
  grant: (release: Release) => void;
  /** Forgets the wait (timer, abort listener) without resolving it. */
  cleanup: () => void;
}

/**
 * A weighted semaphore with a bounded FIFO wait queue: at most `capacity` cost runs at once, at
 * most `maxQueue` acquisitions wait, none waits longer than `maxWaitMs`. Waiters are served in
 * arrival order, so a large operation is not starved by a stream of smaller ones. A cost above
 * the capacity is treated as the whole capacity (it runs alone) rather than never running.
 *
 * @example
 * const semaphore = new CostSemaphore({ capacity: 5000, maxQueue: 16, maxWaitMs: 1000 });
 * const release = await semaphore.acquire(2500, request.signal);
 * if (release === 'shed') return overloaded();
 * try { await work(); } finally { release(); }
 */
export class CostSemaphore {
  #inFlight = 0;
  readonly #queue: Waiter[] = [];

  constructor(private readonly options: CostSemaphoreOptions) {}

  /** Cost currently admitted. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Acquisitions currently waiting. */
  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Waits until `cost` fits. Resolves `'shed'` when the queue is full or the wait times out, and
   * rejects with the signal's reason when `signal` aborts first (the wait is dropped from the queue).
   */
  acquire(cost: number, signal?: AbortSignal): Promise<Release | 'shed'> {
    const weight = Math.min(Math.max(cost, 0), this.options.capacity);
    signal?.throwIfAborted();
    if (this.#queue.length === 0 && this.#fits(weight)) return Promise.resolve(this.#take(weight));
    if (this.#queue.length >= this.options.maxQueue) return Promise.resolve('shed');

    return new Promise<Release | 'shed'>((resolve, reject) => {
      const leave = () => {
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
        waiter.cleanup();
        // The head leaving may let the next one in.
        this.#drain();
      };
      const timer = setTimeout(() => {
        leave();
        resolve('shed');
      }, this.options.maxWaitMs);
      const onAbort = () => {
        leave();
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        cost: weight,
        grant: resolve,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  #fits(weight: number): boolean {
    return this.#inFlight + weight <= this.options.capacity;
  }

  #take(weight: number): Release {
    this.#inFlight += weight;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight -= weight;
      this.#drain();
    };
  }

  #drain(): void {
    while (this.#queue.length > 0) {
      const head = this.#queue[0] as Waiter;
      if (!this.#fits(head.cost)) return;
      this.#queue.shift();
      head.cleanup();
      head.grant(this.#take(head.cost));
    }
  }
}
