// The bench's wait for a system's count of finished jobs: it must end a run that never gets there with a message
// saying what it waited for and how far it got, instead of hanging the bench.
import { describe, expect, it } from 'vitest';
import { TimeoutError, waitUntilReached } from '../../bench/lib/timing';

describe('waitUntilReached', () => {
  it('resolves once the count reaches the target', async () => {
    let count = 0;
    const read = async (): Promise<number> => (count += 1);
    await waitUntilReached(read, { target: 5, what: 'processing 5 jobs', timeoutMs: 5_000, stallMs: 5_000, pollMs: 1 });
    expect(count).toBe(5);
  });

  it('fails with the count it reached when the count stops growing', async () => {
    const wait = waitUntilReached(async () => 3, { target: 5, what: 'processing 5 jobs: jobs the system reports finished', timeoutMs: 5_000, stallMs: 50, pollMs: 2 });
    await expect(wait).rejects.toThrow(TimeoutError);
    await expect(wait).rejects.toThrow('processing 5 jobs: jobs the system reports finished: stalled at 3 of 5, no change for 0.1 s');
  });

  it('fails on the overall deadline when the count grows too slowly', async () => {
    let count = 0;
    const read = async (): Promise<number> => (count += 1);
    const wait = waitUntilReached(read, { target: 1_000_000, what: 'processing', timeoutMs: 50, stallMs: 5_000, pollMs: 2 });
    await expect(wait).rejects.toThrow(/^processing: only \d+ of 1000000 within 0\.1 s$/);
  });

  it('cuts off a read that never answers', async () => {
    const wait = waitUntilReached(() => new Promise<number>(() => {}), { target: 1, what: 'processing', timeoutMs: 5_000, stallMs: 50, pollMs: 2 });
    await expect(wait).rejects.toThrow('processing: stalled at no answer of 1, no change for 0.1 s (the last read of the count did not answer)');
  });
});
