/**
 * The HiGHS adapter's hand-over in both directions: the CSR matrix it builds from an LpModel, and
 * its shape check of the raw solution HiGHS hands back.
 */
import { describe, expect, it } from 'vitest';
import { loadHighs, malformedSolution, toHighsModelData } from '../../server/solver/highs.ts';
import { lp, row, v } from './helpers.ts';

describe('toHighsModelData', () => {
  it('merges repeated terms within a row, keeps a variable shared by two rows in both, and drops zero coefficients', async () => {
    const h = await loadHighs();
    const model = lp('max', [v('x', 1), v('y', 2), v('z', 3)], [
      row('a', [[0, 1], [1, 2], [0, 3], [2, 0]], -Infinity, 10),
      row('b', [[0, -1], [2, 4], [2, 1]], 0, 0),
      row('c', [], -Infinity, 5),
      row('d', [[1, 1], [1, -1]], 0, Infinity),
    ]);
    const data = toHighsModelData(h, model);
    const matrix = data.matrix!;
    expect(matrix.format).toBe('csr');
    const entries = (i: number) =>
      Array.from({ length: matrix.starts[i + 1]! - matrix.starts[i]! }, (_, k) => [matrix.indices[matrix.starts[i]! + k], matrix.values[matrix.starts[i]! + k]]);
    expect(entries(0)).toEqual([[0, 4], [1, 2]]);
    expect(entries(1)).toEqual([[0, -1], [2, 5]]);
    expect(entries(2)).toEqual([]);
    // Terms that cancel leave an explicit zero entry, as before the merge.
    expect(entries(3)).toEqual([[1, 0]]);
    expect(matrix.indices).toHaveLength(matrix.starts[4]!);
    expect(matrix.values).toHaveLength(matrix.starts[4]!);
    expect(Array.from(data.rowUpper)).toEqual([10, 0, 5, Infinity]);
  });
});

describe('malformedSolution', () => {
  const solution = (colValue: number[], colDual: number[], rowDual: number[]) => ({
    colValue: Float64Array.from(colValue),
    colDual: Float64Array.from(colDual),
    rowDual: Float64Array.from(rowDual),
  });

  it('accepts one finite value per column and per row', () => {
    expect(malformedSolution(solution([1, 0], [0, -2.5], [3]), 2, 1)).toBeUndefined();
  });

  it('names the array and entry that is not finite', () => {
    expect(malformedSolution(solution([1, Number.NaN], [0, 0], [0]), 2, 1)).toBe('colValue[1] is not a finite number');
    expect(malformedSolution(solution([1, 2], [0, 0], [Infinity]), 2, 1)).toBe('rowDual[0] is not a finite number');
    expect(malformedSolution(solution([1, 2], [-Infinity, 0], [0]), 2, 1)).toBe('colDual[0] is not a finite number');
  });

  it('names an array of the wrong length', () => {
    expect(malformedSolution(solution([1], [0, 0], [0]), 2, 1)).toBe('colValue has 1 entries, expected 2');
    expect(malformedSolution(solution([1, 2], [0, 0], []), 2, 1)).toBe('rowDual has 0 entries, expected 1');
  });
});
