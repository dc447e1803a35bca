/** Small builders for hand-written LpModels in the solver tests. */
import type { LpModel, LpRow, LpVariable, VariableKind } from '../../server/core/lp.ts';

export function v(name: string, cost: number, lb = 0, ub = Infinity, kind: VariableKind = 'continuous'): LpVariable {
  return { name, cost, lb, ub, kind };
}

export function row(name: string, terms: [number, number][], lb: number, ub: number): LpRow {
  return { name, terms: terms.map(([vi, coef]) => ({ v: vi, coef })), lb, ub, label: name, family: name.split(':')[0] };
}

export function lp(sense: 'max' | 'min', variables: LpVariable[], rows: LpRow[], name = 'test'): LpModel {
  return { name, sense, variables, rows };
}
