import { describe, expect, it } from 'vitest';
import { planLabel } from '../../web/src/lib/plan-label.ts';

describe('the name of a plan in the session and in a comparison', () => {
  const now = new Date('2026-12-01T10:00:00Z');

  it('tells two one-off solves of the same scenario apart by their place and time', () => {
    const first = planLabel({ n: 1, scenarioName: 'What-if', source: 'server', at: new Date('2026-12-01T08:42:13Z'), now, locale: 'en' });
    const second = planLabel({ n: 2, scenarioName: 'What-if', source: 'server', at: new Date('2026-12-01T08:42:51Z'), now, locale: 'en' });
    expect(first).toMatch(/^#1 What-if · server · /);
    expect(second).toMatch(/^#2 What-if · server · /);
    expect(first.split(' · ')[2]).not.toBe(second.split(' · ')[2]);
  });

  it('names a stored run by the end of its id, and dates a run from another day', () => {
    const run = planLabel({ n: 3, scenarioName: 'Strict rule', source: 'stored run', runId: 'run_0b1c2d3e4f5a6b7c8d9e', at: new Date('2026-11-20T09:05:00Z'), now, locale: 'en' });
    expect(run).toMatch(/^Strict rule · stored run 7c8d9e · /);
    expect(run).toMatch(/20/);
  });
});
