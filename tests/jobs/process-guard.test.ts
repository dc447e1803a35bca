/**
 * A lost database under a promise nobody awaited (pg-boss completing or failing a chunk while
 * PostgreSQL restarts) no longer ends the worker or the API; any other unhandled rejection still does.
 * The handler is checked directly, and in a real child process that installs it and meets both.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toApiError } from '../../server/api/plugins/errors.ts';
import { unhandledRejectionHandler } from '../../server/process-guard.ts';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });

describe('a lost database connection under an unawaited promise', () => {
  it('is a warning and the process carries on; a fault exits', () => {
    const lines: string[] = [];
    const exits: number[] = [];
    const handle = unhandledRejectionHandler({ warn: (_o, m) => lines.push(`warn ${m}`), fatal: (_o, m) => lines.push(`fatal ${m}`) }, (code) => exits.push(code));
    handle(refused());
    handle(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    handle(new AggregateError([refused(), refused()], 'connect failed'));
    expect(exits).toEqual([]);
    expect(lines.every((l) => l.startsWith('warn '))).toBe(true);
    handle(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(exits).toEqual([1]);
    expect(lines.at(-1)).toMatch(/^fatal /);
  });

  it('in a real process: the refused connection is survived, the fault is not', () => {
    const guard = fileURLToPath(new URL('../../server/process-guard.ts', import.meta.url));
    const script = (reason: string) => `
      const { keepRunningThroughLostConnections } = await import(${JSON.stringify(guard)});
      keepRunningThroughLostConnections({ warn: () => process.stdout.write('warned;'), fatal: () => process.stdout.write('fatal;') });
      Promise.reject(${reason});
      setTimeout(() => { process.stdout.write('alive'); process.exit(0); }, 200);
    `;
    const run = (reason: string) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(reason)], { encoding: 'utf8', timeout: 60_000 });
    const survived = run(`Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })`);
    expect(survived.stdout).toBe('warned;alive');
    expect(survived.status).toBe(0);
    const fault = run(`new TypeError('a bug')`);
    expect(fault.stdout).toBe('fatal;');
    expect(fault.status).toBe(1);
  });

  it('reaching a route (the job queue’s own errors), it is a 503 with Retry-After, not a 500', () => {
    const answer = toApiError(refused());
    expect(answer?.code).toBe('store_unavailable');
    expect(answer?.headers).toMatchObject({ 'retry-after': '1' });
    expect(toApiError(new TypeError('a bug'))).toBeNull();
  });
});
