/**
 * Liveness and readiness. `/health` answers at once, also while solves run (they run in worker
 * threads) and while the database is down: the process is alive. `/ready` asks the store too, so a
 * load balancer sends traffic only to processes that can reach the database, and none to a
 * process that is shutting down or whose CPU pool could not start its threads.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Store } from '../../store/store.ts';
import { Health, Readiness } from '../schemas.ts';

export interface HealthOptions {
  readonly store: Store;
  /** True once the service has started shutting down. */
  readonly isClosing: () => boolean;
  /** How long `/ready` waits for the store. Default 2 s. */
  readonly readyTimeoutMs?: number;
  /** Why the CPU pool's threads cannot start, or null (`poolStartFailure`). Default: never. */
  readonly poolProblem?: () => string | null;
}

export function healthRoutes(options: HealthOptions): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/health',
      {
        config: { access: 'public' },
        schema: { tags: ['service'], summary: 'Liveness', response: { 200: Health } },
      },
      async () => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }),
    );

    app.get(
      '/ready',
      {
        config: { access: 'public' },
        schema: {
          tags: ['service'],
          summary: 'Readiness: the store answers, the CPU pool started and the service is not shutting down (503 otherwise)',
          response: { 200: Readiness, 503: Readiness },
        },
      },
      async (_request, reply) => {
        if (options.isClosing()) return reply.code(503).send({ status: 'unavailable' as const, store: 'unknown' as const, reason: 'shutting down' });
        const pool = options.poolProblem?.() ?? null;
        if (pool !== null) return reply.code(503).send({ status: 'unavailable' as const, store: 'unknown' as const, reason: `the CPU pool cannot start its threads: ${pool}` });
        const started = performance.now();
        const timeoutMs = options.readyTimeoutMs ?? 2_000;
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            options.store.ping(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
          return { status: 'ok' as const, store: 'ok' as const, storeLatencyMs: Math.round((performance.now() - started) * 10) / 10 };
        } catch {
          return reply.code(503).send({ status: 'unavailable' as const, store: 'unreachable' as const, reason: 'the database is not reachable' });
        } finally {
          clearTimeout(timer);
        }
      },
    );
  };
}
