/**
 * The package as another project sees it: the engine, the default network and the scenarios
 * through the package's `exports` (a self-reference by its name, resolved as Node resolves it, to
 * the compiled JavaScript in dist/), the CLI through `bin`, and what `npm pack` ships.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { optimise } from '../../server/optimise.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { Scenario } from '../../server/core/schema.ts';
import { buildServer } from '../support/build.ts';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  name: string;
  bin: Record<string, string>;
};

/** A consumer's script, run by plain Node (no TypeScript loader). */
const CONSUMER = `
const { Scenario, optimiseInBrowser, checkScenario } = await import('${pkg.name}/engine');
const { loadDefaultNetwork } = await import('${pkg.name}/data');
const { default: json } = await import('${pkg.name}/data/scenarios/phase1-annual.json', { with: { type: 'json' } });
const network = loadDefaultNetwork();
const scenario = Scenario.parse(json);
const problems = checkScenario(scenario, network);
const plan = await optimiseInBrowser(scenario, network);
process.stdout.write(JSON.stringify({ problems, status: plan.status, marginUsd: plan.kpis.marginUsd, markets: plan.markets.length }));
`;

/** A consumer's script on the typed client, by plain Node: the request it makes goes to a stand-in fetch. */
const CLIENT_CONSUMER = `
const { createCaspianClient } = await import('${pkg.name}/client');
const seen = [];
const api = createCaspianClient({
  baseUrl: 'http://planning.example/',
  apiKey: 'a-planner-key',
  fetch: async (request) => {
    seen.push({ url: request.url, method: request.method, authorization: request.headers.get('authorization') });
    return new Response(JSON.stringify({ status: 'ok' }), { headers: { 'content-type': 'application/json' } });
  },
});
const { data } = await api.GET('/health');
process.stdout.write(JSON.stringify({ data, seen }));
`;

describe('the package used by another project', () => {
  beforeAll(buildServer, 240_000);

  it('solves the default plan through the engine export, as the server does', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', CONSUMER], { cwd: root, timeout: 60_000 });
    const answer = JSON.parse(stdout) as { problems: unknown[]; status: string; marginUsd: number; markets: number };
    expect(answer.problems).toEqual([]);
    expect(answer.status).toBe('optimal');
    const scenario = Scenario.parse(JSON.parse(readFileSync(new URL('data/scenarios/phase1-annual.json', root), 'utf8')));
    const server = await optimise(scenario, loadDefaultNetwork(), { inProcess: true });
    expect(server.status).toBe('optimal');
    expect(answer.markets).toBe(server.markets.length);
    const margin = server.kpis!.marginUsd;
    expect(Math.abs(answer.marginUsd - margin)).toBeLessThanOrEqual(1e-6 * Math.abs(margin));
  });

  it('calls the API through the typed client export, compiled, with its key', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', CLIENT_CONSUMER], { cwd: root, timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({
      data: { status: 'ok' },
      seen: [{ url: 'http://planning.example/health', method: 'GET', authorization: 'Bearer a-planner-key' }],
    });
    const exports = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { exports: Record<string, unknown> }).exports;
    expect(exports['./client']).toEqual({ types: './dist/client/index.d.ts', default: './dist/client/index.js' });
  });

  it('runs the CLI through its bin entry, compiled', async () => {
    expect(Object.keys(pkg.bin)).toEqual(['caspian-optimise']);
    expect(pkg.bin['caspian-optimise']).toMatch(/^dist\/.*\.js$/);
    const bin = new URL(pkg.bin['caspian-optimise']!, root);
    const { stdout } = await run(process.execPath, [bin.pathname, 'data/scenarios/phase1-annual.json'], { cwd: root, timeout: 60_000 });
    expect(stdout).toContain('status: OPTIMAL');
  });

  it('packs what a user needs and no tests', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, timeout: 60_000 });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const needed of ['package.json', 'README.md', 'server/core/index.ts', 'server/cli.ts', 'dist/server.js', 'dist/worker.js', 'dist/bin/caspian-optimise.js', 'dist/pool/tasks.js', 'dist/core/index.js', 'dist/core/index.d.ts', 'dist/client/index.js', 'dist/client/index.d.ts', 'dist/client/api.d.ts', 'dist/api/examples/plan-phase1.json', 'data/network.json', 'data/market.json', 'web/src/main.ts', 'client/index.ts', 'client/api.d.ts', 'client/openapi.json']) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => f.startsWith('tests/') || f.startsWith('bench/') || /\.test\.ts$/.test(f))).toEqual([]);
  });
});
