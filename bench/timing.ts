/** Timing helpers shared by the benchmarks: medians of interleaved runs after warm-up. */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/**
 * Medians of several contenders measured in alternation (A B C A B C …) after warm-up rounds, so
 * JIT warm-up and machine noise fall on all of them alike.
 */
export async function timeInterleaved(repeats: number, fns: (() => Promise<unknown>)[], warmup = 3): Promise<number[]> {
  for (let w = 0; w < warmup; w++) for (const fn of fns) await fn();
  const times = fns.map(() => [] as number[]);
  for (let i = 0; i < repeats; i++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      times[k].push(performance.now() - t0);
    }
  }
  return times.map(median);
}
