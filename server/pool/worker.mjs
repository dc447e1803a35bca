// The CPU pool's thread entry: registers the TypeScript loader (tsx) in this thread, then loads the
// tasks. Works whether the parent runs under tsx, vitest or plain node. Piscina calls the export
// named by each task.
import { register } from 'tsx/esm/api';

register();
const tasks = await import('./tasks.ts');

export const plan = tasks.plan;
export const solve = tasks.solve;
export const analysis = tasks.analysis;
export const drawChunk = tasks.drawChunk;
export default tasks.plan;
