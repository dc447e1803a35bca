/**
 * Independent LP oracle: GLPK (glpk.js, synchronous Node build). Solves an LpModel; with presolve
 * GLPK reports infeasible and unbounded alike, so any non-optimal answer is re-solved without
 * presolve to tell them apart. Returns values, objective and row duals (simplex only).
 */
import GLPK, { type LP } from 'glpk.js/node';
import type { LpModel } from '../../server/core/lp.ts';

type Glpk = Awaited<ReturnType<typeof GLPK>>;
let glpk: Promise<Glpk> | null = null;
const load = (): Promise<Glpk> => (glpk ??= GLPK());

export type OracleResult =
  | { status: 'optimal'; objective: number; values: number[]; rowDuals?: number[] }
  | { status: 'infeasible' | 'unbounded' | 'error'; message: string };

function bndType(g: Glpk, lb: number, ub: number): { type: number; lb: number; ub: number } {
  const hasLb = Number.isFinite(lb);
  const hasUb = Number.isFinite(ub);
  if (hasLb && hasUb) return lb === ub ? { type: g.GLP_FX, lb, ub } : { type: g.GLP_DB, lb, ub };
  if (hasLb) return { type: g.GLP_LO, lb, ub: 0 };
  if (hasUb) return { type: g.GLP_UP, lb: 0, ub };
  return { type: g.GLP_FR, lb: 0, ub: 0 };
}

export function toGlpk(g: Glpk, model: LpModel, opts: { relaxIntegers?: boolean } = {}): LP {
  const lp: LP = {
    name: 'oracle',
    objective: {
      direction: model.sense === 'max' ? g.GLP_MAX : g.GLP_MIN,
      name: 'obj',
      vars: model.variables.map((v, j) => ({ name: `x${j}`, coef: v.cost })),
    },
    subjectTo: model.rows.map((r, i) => ({
      name: `c${i}`,
      vars: r.terms.map((t) => ({ name: `x${t.v}`, coef: t.coef })),
      bnds: bndType(g, r.lb, r.ub),
    })),
    bounds: model.variables.map((v, j) => ({ name: `x${j}`, ...bndType(g, v.lb, v.ub) })),
  };
  if (!opts.relaxIntegers) {
    const generals = model.variables.flatMap((v, j) => (v.kind === 'integer' ? [`x${j}`] : []));
    const binaries = model.variables.flatMap((v, j) => (v.kind === 'binary' ? [`x${j}`] : []));
    if (generals.length) lp.generals = generals;
    if (binaries.length) lp.binaries = binaries;
  }
  return lp;
}

export async function solveWithGlpk(model: LpModel, opts: { relaxIntegers?: boolean } = {}): Promise<OracleResult> {
  const g = await load();
  const lp = toGlpk(g, model, opts);
  const run = (presol: boolean) => g.solve(lp, { msglev: g.GLP_MSG_OFF, presol });
  let res = run(true);
  if (res.result.status !== g.GLP_OPT) res = run(false);
  const st = res.result.status;
  if (st === g.GLP_OPT) {
    const values = model.variables.map((_, j) => res.result.vars[`x${j}`] ?? 0);
    const dual = res.result.dual;
    const rowDuals = dual ? model.rows.map((_, i) => dual[`c${i}`] ?? 0) : undefined;
    return { status: 'optimal', objective: res.result.z, values, ...(rowDuals ? { rowDuals } : {}) };
  }
  if (st === g.GLP_NOFEAS || st === g.GLP_INFEAS) return { status: 'infeasible', message: `GLPK status ${st}` };
  if (st === g.GLP_UNBND) return { status: 'unbounded', message: 'GLPK: unbounded' };
  return { status: 'error', message: `GLPK status ${st}` };
}

/**
 * True when the vertex `values` is primally non-degenerate: exactly `rows` of the structural
 * variables and row activities lie strictly inside their bounds. Then the optimal duals are
 * unique and any two correct solvers must report the same ones.
 */
export function isNonDegenerate(model: LpModel, values: readonly number[], tol = 1e-7): boolean {
  const inside = (x: number, lb: number, ub: number) =>
    (lb === -Infinity || x > lb + tol * Math.max(1, Math.abs(lb))) &&
    (ub === Infinity || x < ub - tol * Math.max(1, Math.abs(ub)));
  let basic = 0;
  model.variables.forEach((v, j) => {
    if (inside(values[j], v.lb, v.ub)) basic++;
  });
  for (const r of model.rows) {
    let a = 0;
    for (const t of r.terms) a += t.coef * values[t.v];
    if (inside(a, r.lb, r.ub)) basic++;
  }
  return basic === model.rows.length;
}
