/**
 * Generated small MIPs: HiGHS against brute force — every assignment of the integer variables is
 * fixed and the remaining LP solved by GLPK; the best of those is the true optimum.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LpModel } from '../../server/core/lp.ts';
import { generateTransportModel } from '../../server/solver/generate.ts';
import { solveWithHighs } from '../../server/solver/highs.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import { close, validateSolution } from '../oracle/validate.ts';

const LOT_MAX = 8;

function smallMip(seed: number, size: number): LpModel {
  const m = generateTransportModel(size, seed, { integerVariables: 4, infeasibleProbability: 0.1 });
  // Keep enumeration small: integer lots in [0, LOT_MAX].
  return { ...m, variables: m.variables.map((x) => (x.kind === 'integer' ? { ...x, ub: LOT_MAX } : x)) };
}

async function bruteForce(model: LpModel): Promise<{ status: 'optimal'; objective: number } | { status: 'infeasible' }> {
  const ints = model.variables.flatMap((x, j) => (x.kind === 'continuous' ? [] : [j]));
  const domains = ints.map((j) => {
    const x = model.variables[j];
    const out: number[] = [];
    for (let k = Math.ceil(x.lb); k <= Math.floor(x.ub); k++) out.push(k);
    return out;
  });
  let best: number | undefined;
  const pick = new Array<number>(ints.length);
  const walk = async (d: number): Promise<void> => {
    if (d === ints.length) {
      const fixed: LpModel = {
        ...model,
        variables: model.variables.map((x, j) => {
          const at = ints.indexOf(j);
          return at < 0 ? x : { ...x, kind: 'continuous', lb: pick[at], ub: pick[at] };
        }),
      };
      const r = await solveWithGlpk(fixed);
      if (r.status === 'optimal' && (best === undefined || (model.sense === 'max' ? r.objective > best : r.objective < best))) best = r.objective;
      return;
    }
    for (const k of domains[d]) {
      pick[d] = k;
      await walk(d + 1);
    }
  };
  await walk(0);
  return best === undefined ? { status: 'infeasible' } : { status: 'optimal', objective: best };
}

describe('HiGHS MIP against brute-force enumeration', () => {
  it('agrees on status and objective', async () => {
    let optimal = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 12, max: 40 }), async (seed, size) => {
        const model = smallMip(seed, size);
        const h = await solveWithHighs(model, { timeLimitMs: 20_000 });
        const b = await bruteForce(model);
        expect(h.status).toBe(b.status);
        if (h.status === 'optimal' && b.status === 'optimal') {
          optimal++;
          expect(close(h.objective, b.objective, 1e-6)).toBe(true);
          expect(validateSolution(model, h.values, h.objective).problems).toEqual([]);
          expect(h.sensitivity).toBeUndefined();
        }
      }),
      { numRuns: 12, seed: 99 },
    );
    expect(optimal).toBeGreaterThan(0);
  });
});
