/**
 * The in-process job registry: a cancelled job reads cancelled at once and its work is told to
 * stop; a job past its time cap is stopped and fails with the reason. Waits are on the work's
 * abort signal and the job's end event, never on a sleep.
 */
import { describe, expect, it } from 'vitest';
import { JobRegistry, type JobEvent } from '../../server/analysis/jobs.ts';

/** Work that runs until it is told to stop, and says when it was. */
function untilStopped() {
  let stopped!: () => void;
  const told = new Promise<void>((resolve) => (stopped = resolve));
  const work = ({ signal }: { signal: AbortSignal }) =>
    new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => {
        stopped();
        reject(new Error('stopped'));
      });
    });
  return { work, told };
}

const ended = (registry: JobRegistry, id: string) =>
  new Promise<JobEvent>((resolve) => {
    registry.subscribe(id, (e) => {
      if (e.type === 'done') resolve(e);
    });
  });

describe('job registry', () => {
  it('cancel: the job reads cancelled at once and its work is told to stop', async () => {
    const registry = new JobRegistry();
    const { work, told } = untilStopped();
    const id = registry.start('sweep', 10, work);
    expect(registry.cancel(id)).toBe(true);
    expect(registry.get(id)).toMatchObject({ status: 'cancelled', error: 'the job was cancelled' });
    await told;
    expect(registry.get(id)?.status).toBe('cancelled');
  });

  it('a job past its time cap is stopped and fails with the reason; its slot is free again', async () => {
    const registry = new JobRegistry({ maxJobMs: 50, maxRunning: 1 });
    const { work, told } = untilStopped();
    const id = registry.start('montecarlo', 10, work);
    const end = ended(registry, id);
    await told;
    expect((await end).job).toMatchObject({ status: 'failed', error: expect.stringMatching(/time cap/) });
    // The one running slot is free again.
    const next = untilStopped();
    const second = registry.start('sweep', 1, next.work);
    registry.cancel(second);
    await next.told;
  });
});
