/**
 * `bench/breakdown.ts` in a process of its own: prints the breakdown as JSON on stdout. bench/api.ts
 * runs it before starting the server, so that the process generating the load (autocannon) does not
 * carry the breakdown's heap, solver and in-process app through the load cases: on the 2-core
 * machine its garbage collection competes with the server for the same cores.
 */
import { measureBreakdown } from './breakdown.ts';

process.stdout.write(`${JSON.stringify(await measureBreakdown())}\n`);
