// Sensitivity worker bootstrap: registers the TypeScript loader (tsx) in this thread, then loads
// the TypeScript worker. Works whether the parent runs under tsx, vitest or plain node.
import { register } from 'tsx/esm/api';

register();
await import('./sensitivity-worker.ts');
