/** Liveness: answers at once, also while solves run (they run in worker threads). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Health } from '../schemas.ts';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: { tags: ['service'], summary: 'Liveness', response: { 200: Health } },
    },
    async () => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }),
  );
};
