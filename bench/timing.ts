/** Timing helpers shared by the benchmarks: medians of interleaved runs after warm-up. */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** Wall-clock and process CPU time of one measurement, ms. */
export interface Timing {
  readonly wallMs: number;
  /** User + system CPU time of the whole process (every thread) during the call. */
  readonly cpuMs: number;
}

const cpuMsNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Medians of wall-clock and CPU time of several contenders measured in alternation (A B C A B C …)
 * after warm-up rounds, so JIT warm-up and machine noise fall on all of them alike. On a machine
 * shared with other work the CPU time of a single-threaded solve is the steadier of the two: it
 * does not count the time the process waits for a core.
 */
export async function timeInterleavedWithCpu(repeats: number, fns: (() => Promise<unknown>)[], warmup = 3): Promise<Timing[]> {
  for (let w = 0; w < warmup; w++) for (const fn of fns) await fn();
  const wall = fns.map(() => [] as number[]);
  const cpu = fns.map(() => [] as number[]);
  for (let i = 0; i < repeats; i++) {
    for (const [k, fn] of fns.entries()) {
      const c0 = cpuMsNow();
      const t0 = performance.now();
      await fn();
      wall[k].push(performance.now() - t0);
      cpu[k].push(cpuMsNow() - c0);
    }
  }
  return fns.map((_, k) => ({ wallMs: median(wall[k]), cpuMs: median(cpu[k]) }));
}

/** Medians of wall-clock times of contenders measured in alternation (see timeInterleavedWithCpu). */
export async function timeInterleaved(repeats: number, fns: (() => Promise<unknown>)[], warmup = 3): Promise<number[]> {
  return (await timeInterleavedWithCpu(repeats, fns, warmup)).map((t) => t.wallMs);
}
