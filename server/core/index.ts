/**
 * The engine's public entry (`caspian-export-optimiser/engine`): the schemas of network, scenario,
 * market data and plan; the consistency check; the model builder and the solver-neutral LP; the
 * pipeline that turns a scenario into a plan; and an in-page optimiser that solves with
 * javascript-lp-solver. Browser-safe: no DOM and no Node APIs (server/core/tsconfig.json).
 *
 * Shipped compiled (ESM JavaScript with type declarations, dist/core/index.js) and as TypeScript source.
 */
export * from './schema.ts';
export * from './market-schema.ts';
export * from './calibration.ts';
export * from './history-schema.ts';
export * from './plan-schema.ts';
export * from './consistency.ts';
export * from './scenario.ts';
export * from './market-data.ts';
export * from './lp.ts';
export * from './model.ts';
export * from './size.ts';
export * from './pipeline.ts';
export * from './hash.ts';
export * from './csv.ts';
export * from './allocation-csv.ts';
export { optimiseInBrowser } from './optimise-browser.ts';
