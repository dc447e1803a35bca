/** Builds the app for tests: an in-memory store, known keys, the real model unless a fake is given. */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../../server/app.ts';
import type { ApiKeyEntry } from '../../server/api/plugins/auth.ts';
import { sha256Hex } from '../../server/core/hash.ts';
import { loadModelServices, type ModelServices } from '../../server/api/solve.ts';
import { openSqliteStore } from '../../server/store/sqlite.ts';
import { Scenario, type ScenarioInput } from '../../server/core/schema.ts';
import type { Plan } from '../../server/core/plan-schema.ts';

export const PLANNER_KEY = 'planner-test-key-0123456789';
export const VIEWER_KEY = 'viewer-test-key-0123456789';
export const TEST_KEYS: ApiKeyEntry[] = [
  { id: 'key_planner', role: 'planner', sha256: sha256Hex(PLANNER_KEY) },
  { id: 'key_viewer', role: 'viewer', sha256: sha256Hex(VIEWER_KEY) },
];
export const asPlanner = { authorization: `Bearer ${PLANNER_KEY}` };
export const asViewer = { authorization: `Bearer ${VIEWER_KEY}` };

let realModel: Promise<ModelServices> | undefined;
/** The real optimiser, consistency check and default network. */
export function loadRealModel(): Promise<ModelServices> {
  realModel ??= loadModelServices();
  return realModel;
}

export async function testApp(overrides: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const model = overrides.model ?? (await loadRealModel());
  const app = await buildApp({
    store: openSqliteStore({ path: ':memory:' }),
    keys: TEST_KEYS,
    logger: false,
    webRoot: null,
    rateLimit: false,
    maxSolveMs: 20_000,
    ...overrides,
    model,
  });
  await app.ready();
  return app;
}

/** A small valid scenario on the default network. */
export const SCENARIO: ScenarioInput = { name: 'Phase 1 base', phase: 1, policy: { domesticShare: 0.5, basis: 'sales' } };

export const parseScenario = (input: ScenarioInput) => Scenario.parse(input);

/** A plan-shaped answer for fake models (the shape the real optimiser returns). */
export function fakePlan(scenario: { name: string }, status: Plan['status'] = 'optimal'): Plan {
  return {
    modelVersion: 'test',
    scenarioName: scenario.name,
    status,
    message: status === 'optimal' ? null : `the solve ended ${status}`,
    objective: 'margin',
    objectiveValue: status === 'optimal' ? 1 : null,
    horizon: { kind: 'annual', periods: ['2027'] },
    phase: 1,
    kpis: null,
    markets: [],
    legs: [],
    nodes: [],
    plants: [],
    flows: { type: 'FeatureCollection', features: [] },
    binding: [],
    policyCost: null,
    infeasibility: null,
    why: [],
    solver: { engine: 'fake', engineVersion: '0', variables: 0, rows: 0, integerVariables: 0, buildMs: 0, solveMs: 0, totalMs: 0 },
    inputsHash: 'fake',
  };
}

/** A model whose solve waits `delayMs` (or until aborted) and then answers with `status`. */
export async function slowModel(delayMs: number, status: Plan['status'] = 'optimal', onStart?: () => void): Promise<ModelServices> {
  const real = await loadRealModel();
  return {
    ...real,
    optimise: (scenario, _network, options) =>
      new Promise((resolve) => {
        onStart?.();
        const timer = setTimeout(() => resolve(fakePlan(scenario, status)), delayMs);
        options?.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(fakePlan(scenario, 'timedout'));
        });
      }),
  };
}

/** `app.inject`, failing when no answer comes within `ms` (a hang, not a slow answer). */
export async function injectWithin(app: FastifyInstance, options: InjectOptions, ms: number): Promise<LightMyRequestResponse> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${options.method} ${options.url}`)), ms);
  });
  try {
    return await Promise.race([app.inject(options), hang]);
  } finally {
    clearTimeout(timer);
  }
}
