/**
 * Model build, solve and plan read-out per variable on generated networks from ~1k to ~400k
 * variables (part of `npm run bench`). Linear cost shows as a flat time per variable: the last
 * column is each size's build + read-out time per variable as a ratio to the smallest size's, in
 * this same run.
 */
import { buildModel } from '../server/core/model.ts';
import { readSolution } from '../server/core/plan.ts';
import { Scenario } from '../server/core/schema.ts';
import { generateNetwork } from '../server/solver/generate-network.ts';
import { solveModelInProcess } from '../server/solver/inProcess.ts';

export async function benchScaling(sizes = [1_000, 10_000, 100_000, 400_000]): Promise<void> {
  const us = (ms: number, n: number) => `${((ms * 1000) / n).toFixed(2)} µs`.padStart(12);
  console.log(`\n${'variables'.padEnd(11)}${'rows'.padEnd(9)}${'build/var'.padStart(12)}${'solve/var'.padStart(12)}${'read-out/var'.padStart(14)}  (build+read-out)/var vs smallest`);
  let reference: number | null = null;
  for (const size of sizes) {
    const { network, horizon } = generateNetwork(size, 3);
    const scenario = Scenario.parse({ name: `generated ${size}`, horizon: { kind: horizon } });
    const reps = size <= 10_000 ? 5 : 1;
    let build = Infinity;
    let built = buildModel(network, scenario);
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      built = buildModel(network, scenario);
      build = Math.min(build, performance.now() - t0);
    }
    const t1 = performance.now();
    const result = await solveModelInProcess(built.model, { engine: 'highs', timeLimitMs: 600_000, wantSensitivity: true });
    const solve = performance.now() - t1;
    if (result.status !== 'optimal') throw new Error(`generated ${size}: ${result.status}`);
    let read = Infinity;
    for (let i = 0; i < reps; i++) {
      const t2 = performance.now();
      readSolution(network, scenario, built, result);
      read = Math.min(read, performance.now() - t2);
    }
    const n = built.model.variables.length;
    const perVar = (build + read) / n;
    reference ??= perVar;
    console.log(`${String(n).padEnd(11)}${String(built.model.rows.length).padEnd(9)}${us(build, n)}${us(solve, n)}${us(read, n)}  ${(perVar / reference).toFixed(2)}`);
  }
}
