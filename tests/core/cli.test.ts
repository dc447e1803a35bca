import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Plan } from '../../server/core/plan-schema.ts';

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
const dir = mkdtempSync(join(tmpdir(), 'cli-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('npm run optimise', () => {
  it('prints a readable report for the phase-1 plan and exits 0', () => {
    const r = run('data/scenarios/phase1-annual.json');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('status: OPTIMAL');
    expect(r.stdout).toMatch(/MARKETS[\s\S]*Atyrau/);
    expect(r.stdout).toContain('WHY');
    expect(r.stderr).toBe('');
  });

  it('--json prints a plan that parses with the shared schema', () => {
    const r = run('data/scenarios/phase1-annual.json', '--json', '--engine', 'jsLpSolver');
    expect(r.status).toBe(0);
    const plan = Plan.parse(JSON.parse(r.stdout));
    expect(plan.solver.engine).toBe('jsLpSolver');
  });

  it('--alternatives adds the room to negotiate: ranges per market and alternative plans', () => {
    const r = run('data/scenarios/phase1-annual.json', '--alternatives', '--tolerance', '0.02');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ROOM TO NEGOTIATE (plans within 2.0 % of the best margin');
    expect(r.stdout).toMatch(/most kept at home: gives up/);
    expect(r.stdout).toMatch(/serve Kostanay region: .* USD per tonne served/);
  });

  it('bad input gives a clear message and exit code 2, never a stack trace', () => {
    const cases: [string[], RegExp][] = [
      [[], /no scenario file given/],
      [['does/not/exist.json'], /cannot read .*no such file/],
      [[file('broken.json', '{"name": ')], /is not valid JSON/],
      [[file('bad.json', JSON.stringify({ name: 'x', policy: { domesticShare: 1.5 } }))], /policy\.domesticShare: .*1/],
      [[file('unknown.json', JSON.stringify({ name: 'x', overrides: { legs: { nowhere: { capacityTonnesPerYear: 5 } } } }))], /override for unknown leg "nowhere"/],
      [['data/scenarios/phase1-annual.json', '--engine', 'cplex'], /unknown engine "cplex"/],
      [['data/scenarios/phase1-annual.json', '--alternatives', '--tolerance', '7'], /--tolerance must be a share between 0 and 1/],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
