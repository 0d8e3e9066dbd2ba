import type { ApolloServerPlugin } from '@apollo/server';
import { ServerOverloadedError } from '../errors.js';
import { CostSemaphore, type Release } from './cost-semaphore.js';
import { measureOperation, type OperationSize } from './operation-size.js';

/** How much heavy work runs at once, and how the excess is shed. */
export interface AdmissionLimits {
  /**
   * Total cost of the heavy operations running at once (see {@link operationCost}). The default
   * runs about one 2,500-row operation at a time: serving rows is CPU-bound on one event loop, so
   * more at once adds memory (each holds its rows, entities and response) rather than throughput.
   * @default 7500
   */
  maxConcurrentCost: number;
  /**
   * Most heavy operations running at once, whatever their cost. Each holds a database connection
   * while a statement runs, so the config derives it from the pool (half of `DB_POOL_SIZE`): heavy
   * work never holds every connection, and light requests find one free.
   * @default 5
   */
  maxOperations: number;
  /**
   * Operations costing less than this are light: they bypass admission and always run.
   * @default 200
   */
  lightCost: number;
  /**
   * Most heavy operations waiting for capacity; more are shed at once.
   * @default 16
   */
  maxQueue: number;
  /**
   * Longest a heavy operation waits for capacity before it is shed, in milliseconds.
   * @default 1000
   */
  maxWaitMs: number;
}

/**
 * An operation's cost: the rows its lists may return, as the query limits count them (each
 * connection's `first` times the rows of the connections above it). `user { posts(first: 100)
 * { nodes { comments(first: 24) { … } } } }` costs 100 + 100 × 24 = 2,500; `posts(first: 5)` costs 5.
 * Rows drive what a request costs the server: statement sizes, entities in memory, the response.
 */
export function operationCost(size: OperationSize): number {
  return size.objects;
}

/** Why a request's admission wait ends once its response is on its way. */
const RESPONSE_SENT = new Error('The response was sent before the operation was admitted.');

/**
 * Admission control: heavy operations (cost ≥ `lightCost`) share a cost budget of
 * `maxConcurrentCost`; the excess waits in a bounded queue for at most `maxWaitMs`, and is then
 * refused with SERVER_OVERLOADED (HTTP 503, `Retry-After`) before anything executes. Light
 * operations never wait, so health checks and small queries stay fast while the server is
 * overloaded. A waiting operation whose client disconnects (`signalOf` aborts) leaves the queue.
 *
 * The budget is taken once the operation is resolved (after the query limits measured it) and
 * given back when its response is sent, whatever the outcome.
 */
export function admissionPlugin<TContext extends object>(
  limits: AdmissionLimits,
  signalOf: (context: TContext) => AbortSignal | undefined,
): ApolloServerPlugin<TContext> {
  const semaphore = new CostSemaphore({
    capacity: limits.maxConcurrentCost,
    maxQueue: limits.maxQueue,
    maxWaitMs: limits.maxWaitMs,
  });
  const retryAfterSeconds = Math.max(1, Math.ceil(limits.maxWaitMs / 1000));
  return {
    async requestDidStart({ contextValue }) {
      let release: Release | undefined;
      // Other plugins' didResolveOperation run alongside this one; when one of them refuses the
      // operation the response is sent while this one may still wait. Finishing ends the wait.
      // Made only for an operation that may wait: a light one (most) needs none.
      let finished: AbortController | undefined;
      return {
        async didResolveOperation(requestContext) {
          const size = measureOperation(requestContext);
          // Unknown or unwalkable operations are refused by the query limits and validation.
          if (typeof size === 'string') return;
          const cost = operationCost(size);
          if (cost < limits.lightCost) return;
          finished = new AbortController();
          const client = signalOf(contextValue);
          const signal = client ? AbortSignal.any([client, finished.signal]) : finished.signal;
          // Weighing each at least capacity / maxOperations bounds their number too.
          const weight = Math.max(cost, limits.maxConcurrentCost / limits.maxOperations);
          const granted = await semaphore.acquire(weight, signal);
          if (granted === 'shed') throw ServerOverloadedError.shed(retryAfterSeconds);
          if (finished.signal.aborted) granted();
          else release = granted;
        },
        async willSendResponse() {
          // With a reason of our own: aborting without one builds a DOMException (and its stack
          // trace) on every request, a measurable share of a cheap lookup's CPU.
          finished?.abort(RESPONSE_SENT);
          release?.();
          release = undefined;
        },
      };
    },
  };
}
