/**
 * The command line: the compiled `caspian-optimise` bin (package.json "bin", what `npx
 * caspian-optimise` runs) for every case, and `npm run optimise` (the TypeScript source through
 * tsx) for the report, so both entries stay working.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tempDir } from '../support/temp.ts';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Plan } from '../../server/core/plan-schema.ts';
import { BUILD_TIMEOUT_MS, buildServer } from '../support/build.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['caspian-optimise']!;
interface Ran {
  /** The exit code (null when killed). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}
const spawnCli = (entry: string[], args: string[]) =>
  new Promise<Ran>((resolve) => {
    execFile(process.execPath, [...entry, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      resolve({ status: error ? (typeof code === 'number' ? code : null) : 0, stdout, stderr });
    });
  });
/** The compiled bin. */
const run = (...args: string[]) => spawnCli([BIN], args);
/** `npm run optimise`: server/cli.ts through tsx. */
const runSource = (...args: string[]) => spawnCli(['--import', 'tsx', 'server/cli.ts'], args);
const dir = tempDir('caspian-cli-');
const file = (name: string, text: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(buildServer, BUILD_TIMEOUT_MS);

describe('npm run optimise and the caspian-optimise bin', () => {
  it.each([
    ['the compiled bin', run],
    ['npm run optimise (the TypeScript source)', runSource],
  ])('%s prints a readable report for the phase-1 plan and exits 0', async (_entry, cli) => {
    const r = await cli('data/scenarios/phase1-annual.json');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('status: OPTIMAL');
    expect(r.stdout).toMatch(/MARKETS[\s\S]*Atyrau/);
    expect(r.stdout).toContain('WHY');
    expect(r.stderr).toBe('');
  });

  it('--json prints a plan that parses with the shared schema', async () => {
    const r = await run('data/scenarios/phase1-annual.json', '--json', '--engine', 'jsLpSolver');
    expect(r.status).toBe(0);
    const plan = Plan.parse(JSON.parse(r.stdout));
    expect(plan.solver.engine).toBe('jsLpSolver');
  });

  it('--alternatives adds the room to negotiate: ranges per market and alternative plans', async () => {
    const r = await run('data/scenarios/phase1-annual.json', '--alternatives', '--tolerance', '0.02');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ROOM TO NEGOTIATE (plans within 2.0 % of the best margin');
    expect(r.stdout).toMatch(/most kept at home: gives up/);
    expect(r.stdout).toMatch(/serve Kostanay region: .* USD per tonne served/);
  });

  it("reads a scenario file saved with a byte-order mark (as Windows Notepad saves it), and says the margin after the plant's fixed cost", async () => {
    const r = await run(file('bom.json', `\uFEFF${JSON.stringify({ name: 'Saved in Notepad', phase: 1 })}`));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Saved in Notepad');
    expect(r.stdout).toMatch(/margin\s+22,810,150 USD; 12,810,150 USD after the plant's fixed cost of 10,000,000 USD/);
  });

  it('--alternatives with javascript-lp-solver as the engine: the plan by it, the room to negotiate by HiGHS', async () => {
    const r = await run('data/scenarios/phase1-annual.json', '--alternatives', '--engine', 'jsLpSolver');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Solver: jsLpSolver/);
    expect(r.stdout).toContain('ROOM TO NEGOTIATE (plans within 1.0 % of the best margin');
  });

  it('--alternatives on a plan without an optimum prints the plan, says why there is no room on stderr and exits 1', async () => {
    const infeasible = file('infeasible.json', JSON.stringify({ name: 'Too much for Atyrau', overrides: { markets: { atyrau: { minTonnesPerYear: 2_000_000 } } } }));
    const r = await run(infeasible, '--alternatives', '--json');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('no room to negotiate: the plan is infeasible\n');
    const out = JSON.parse(r.stdout) as { plan: { status: string }; alternatives: null };
    expect(out.plan.status).toBe('infeasible');
    expect(out.alternatives).toBeNull();
  });

  it('a reader that stops early (| head) ends the output quietly, and the exit code still says the plan was optimal', async () => {
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile('bash', ['-c', `node ${BIN} data/scenarios/phase1-annual.json --json | head -c 20; exit \${PIPESTATUS[0]}`], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 }, (error, stdout, stderr) =>
        resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    expect(r.stdout).toMatch(/^\{\n {2}"modelVersion"/);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('bad input gives a clear message and exit code 2, never a stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [[], /no scenario file given/],
      [['does/not/exist.json'], /cannot read .*no such file/],
      [[file('broken.json', '{"name": ')], /is not valid JSON/],
      [[file('bad.json', JSON.stringify({ name: 'x', policy: { domesticShare: 1.5 } }))], /policy\.domesticShare: .*1/],
      [[file('unknown.json', JSON.stringify({ name: 'x', overrides: { legs: { nowhere: { capacityTonnesPerYear: 5 } } } }))], /override for unknown leg "nowhere"/],
      [['data/scenarios/phase1-annual.json', '--engine', 'cplex'], /unknown engine "cplex"/],
      [['data/scenarios/phase1-annual.json', '--alternatives', '--tolerance', '7'], /--tolerance must be a share between 0 and 1/],
      [['data/scenarios/phase1-annual.json', 'data/scenarios/phase2-annual.json'], /one scenario file at a time \(got 2/],
      [['data/scenarios/phase1-annual.json', '--tolerance', '0.05'], /--tolerance applies to --alternatives only/],
      [['data/scenarios/phase1-annual.json', '--alternatives', '--tolerance='], /--tolerance must be a share between 0 and 1 \(got ""\)/],
      [[file('max-domestic.json', JSON.stringify({ name: 'x', objective: 'max-domestic' })), '--alternatives'], /--alternatives measures plans near the best margin: .* has the objective "max-domestic"/],
      // The API's text policy: no NUL, no unpaired surrogate, and bytes that are UTF-8.
      [[file('nul.json', '{"name": "Plan\\u0000A"}')], /name: text may not contain NUL characters or unpaired surrogates/],
      [[file('surrogate.json', '{"name": "x", "description": "\\ud800"}')], /description: text may not contain NUL characters or unpaired surrogates/],
      [[file('latin1.json', Buffer.from('{"name": "Z\xe9ro"}', 'latin1'))], /latin1\.json is not UTF-8 text/],
    ];
    // The cases are independent processes: run side by side.
    const ran = await Promise.all(cases.map(([args]) => run(...args)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = ran[i]!;
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
