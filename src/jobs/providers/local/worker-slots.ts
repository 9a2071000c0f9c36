// The slots of one worker (JOBS_CONCURRENCY): how much job code it runs at once. As Inngest counts concurrency (by
// steps executing, not by runs in progress), a slot is held while a job's code runs, not while the job waits between
// steps for its last step's memo to commit. That wait is the engine's own write, about a millisecond of fsync;
// holding the slot through it kept every slot idle on the commit, so three-step jobs ran in lockstep with the memo
// writer (jobs/s = slots ÷ 2 ÷ the commit's cycle). Lent for the wait, the slot starts another job, and more jobs
// share each memo commit. A job whose memo is written takes the next free slot before any job not yet started,
// so work in progress finishes first. How many jobs a worker holds at all is bounded by the worker (MAX_HELD_PER_SLOT).

export class WorkerSlots {
  private busy = 0;
  /** Jobs whose memo is written, waiting for a slot to go on; served before new jobs start. */
  private readonly resuming: Array<() => void> = [];

  /** `onFree` runs (on a later microtask) when a slot becomes free for a job not yet started. */
  constructor(
    readonly size: number,
    private readonly onFree: () => void,
  ) {}

  /** Slots held by job code right now. */
  get inUse(): number {
    return this.busy;
  }

  /** Takes a slot for a job about to start; false when none is free or a resuming job is owed one first. */
  tryTake(): boolean {
    if (this.busy >= this.size || this.resuming.length > 0) return false;
    this.busy += 1;
    return true;
  }

  /** The job's code stopped running (it ended): its slot goes to a resuming job, or becomes free. */
  give(): void {
    const next = this.resuming.shift();
    if (next) {
      next();
      return;
    }
    this.busy -= 1;
    // Not synchronously: give() runs inside another job's step barrier, and starting a job from there would run
    // its handler on that job's stack.
    queueMicrotask(this.onFree);
  }

  /** Lends the caller's slot while `waiting` settles, then takes one again (first in line) before it returns. */
  async lendWhile<T>(waiting: Promise<T>): Promise<T> {
    this.give();
    try {
      return await waiting;
    } finally {
      await this.takeAgain();
    }
  }

  private takeAgain(): Promise<void> {
    if (this.busy < this.size && this.resuming.length === 0) {
      this.busy += 1;
      return Promise.resolve();
    }
    return new Promise((resume) => this.resuming.push(resume));
  }
}
