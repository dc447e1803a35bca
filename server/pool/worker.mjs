// The CPU pool's thread entry when the server runs from its TypeScript source (tests, development
// scripts): registers the TypeScript loader (tsx) in this thread, then loads the tasks. The
// compiled server (dist/) loads dist/pool/tasks.js instead (server/pool/pool.ts). Piscina calls the
// export named by each task.
import { register } from 'tsx/esm/api';

register();
const tasks = await import('./tasks.ts');

export const plan = tasks.plan;
export const solve = tasks.solve;
export const analysis = tasks.analysis;
export const analysisText = tasks.analysisText;
export const drawChunk = tasks.drawChunk;
export const sweepPoints = tasks.sweepPoints;
export const workbook = tasks.workbook;
export const networkWorkbook = tasks.networkWorkbook;
export const runView = tasks.runView;
export const comparison = tasks.comparison;
export default tasks.plan;
