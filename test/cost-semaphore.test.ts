import { describe, expect, it } from 'vitest';
import { CostSemaphore } from '../src/graphql/cost-semaphore.js';

describe('CostSemaphore', () => {
  it('admits up to its capacity and serves waiters in arrival order', async () => {
    const semaphore = new CostSemaphore({ capacity: 10, maxQueue: 5, maxWaitMs: 5_000 });
    const first = await semaphore.acquire(6);
    expect(first).toBeTypeOf('function');
    const order: string[] = [];
    const track = (name: string, acquiring: ReturnType<CostSemaphore['acquire']>) =>
      acquiring.then((release) => {
        order.push(name);
        return release;
      });
    const big = track('big', semaphore.acquire(8));
    // Fits now, but must not overtake the larger waiter ahead of it.
    const small = track('small', semaphore.acquire(2));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    expect(semaphore.waiting).toBe(2);
    (first as () => void)();
    const releaseBig = await big;
    await small;
    expect(order).toEqual(['big', 'small']);
    expect(semaphore.inFlight).toBe(10);
    (releaseBig as () => void)();
    (releaseBig as () => void)(); // twice gives back nothing more
    expect(semaphore.inFlight).toBe(2);
  });

  it('sheds when the queue is full or the wait is too long, and runs an oversized cost alone', async () => {
    const semaphore = new CostSemaphore({ capacity: 10, maxQueue: 1, maxWaitMs: 50 });
    const alone = await semaphore.acquire(1_000);
    expect(semaphore.inFlight).toBe(10);
    const waiting = semaphore.acquire(1);
    expect(await semaphore.acquire(1)).toBe('shed');
    expect(await waiting).toBe('shed');
    expect(semaphore.waiting).toBe(0);
    (alone as () => void)();
    expect(semaphore.inFlight).toBe(0);
  });

  it('drops an aborted waiter from the queue and lets the next one in', async () => {
    const semaphore = new CostSemaphore({ capacity: 10, maxQueue: 5, maxWaitMs: 5_000 });
    const held = await semaphore.acquire(5);
    const client = new AbortController();
    const aborted = semaphore.acquire(10, client.signal);
    const next = semaphore.acquire(5);
    client.abort(new Error('gone'));
    await expect(aborted).rejects.toThrow('gone');
    expect(await next).toBeTypeOf('function');
    expect(semaphore.inFlight).toBe(10);
    expect(held).toBeTypeOf('function');
  });
});
