// WorkerSlots on its own: a freed slot goes to a job resuming after its memo before any new job, and a lent slot is
// taken back however the wait ended. The worker's use of them, with memo commits held back for real, is in
// step-memo-durability.test.ts.
import { describe, expect, it } from 'vitest';
import { WorkerSlots } from '../../src/jobs/providers/local/worker-slots';

describe('WorkerSlots', () => {
  it('gives a freed slot to a job resuming after its memo before any job not yet started', async () => {
    const order: string[] = [];
    const slots = new WorkerSlots(1, () => order.push('free for a new job'));
    expect(slots.tryTake()).toBe(true);
    let memoWritten: () => void = () => {};
    const resumed = slots.lendWhile(new Promise<void>((resolve) => (memoWritten = resolve))).then(() => order.push('resumed'));
    // Lent: a new job may take the slot while the memo is written.
    expect(slots.tryTake()).toBe(true);
    memoWritten();
    await new Promise((resolve) => setImmediate(resolve));
    // The slot is still the new job's: the resuming job waits, and no other new job may jump ahead of it.
    expect(order).toEqual(['free for a new job']);
    expect(slots.tryTake()).toBe(false);
    slots.give();
    await resumed;
    expect(order).toEqual(['free for a new job', 'resumed']);
    expect(slots.inUse).toBe(1);
    slots.give();
    expect(slots.inUse).toBe(0);
  });

  it('takes the slot back at once when one is free, and after a wait that failed too', async () => {
    const slots = new WorkerSlots(2, () => {});
    expect(slots.tryTake()).toBe(true);
    await slots.lendWhile(Promise.resolve());
    expect(slots.inUse).toBe(1);
    await expect(slots.lendWhile(Promise.reject(new Error('memo refused')))).rejects.toThrow('memo refused');
    expect(slots.inUse).toBe(1);
  });
});
