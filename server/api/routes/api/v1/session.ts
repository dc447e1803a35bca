/** Who is calling: the role of the presented key, so a client (the map) can show what it may do. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BEARER } from '../../../context.ts';
import { errorResponses } from '../../../schemas.ts';

export const Session = z.object({
  /** `anonymous` when no key was presented. */
  role: z.enum(['planner', 'viewer', 'anonymous']),
  /** Whether reads (network, plans, optimise) are open without a key. */
  publicRead: z.boolean(),
  canWrite: z.boolean(),
  canRead: z.boolean(),
});

export function sessionRoutes(publicRead: boolean): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/session',
      {
        config: { access: 'public' },
        schema: {
          tags: ['session'],
          summary: 'The role of the presented API key (a wrong key is 401)',
          security: BEARER,
          response: { 200: Session, ...errorResponses(401) },
        },
      },
      async (request) => {
        const role = request.principal.role;
        return { role, publicRead, canWrite: role === 'planner', canRead: role !== 'anonymous' || publicRead };
      },
    );
  };
}
