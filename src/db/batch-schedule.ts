/**
 * When a request's loaders send their batches: once every promise that can settle without I/O
 * has settled (the next macrotask), not at the end of the current microtask queue. Loads that
 * graphql-js reaches a few promise hops apart (a connection's `totalCount` after its page, a
 * follow edge's user after the edges) then share one statement, so the number of statements
 * follows the shape of the query, not the timing of promise chains.
 */
export const batchScheduleFn = (callback: () => void): void => {
  setImmediate(callback);
};
