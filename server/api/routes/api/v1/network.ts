/** The default network, as data and as GeoJSON for the map. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Network } from '../../../../core/schema.ts';
import type { ApiContext } from '../../../context.ts';
import { BEARER } from '../../../context.ts';
import { errorResponses, GeoJsonFeatureCollection } from '../../../schemas.ts';
import { networkToGeoJson } from '../../../views/network-geojson.ts';

export function networkRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    const geoJson = networkToGeoJson(ctx.defaultNetwork);

    app.get(
      '/network',
      {
        schema: {
          tags: ['network'],
          summary: 'The default network',
          security: BEARER,
          response: { 200: Network, ...errorResponses(401, 403) },
        },
      },
      async () => ctx.defaultNetwork,
    );

    app.get(
      '/network.geojson',
      {
        schema: {
          tags: ['network'],
          summary: 'The default network as GeoJSON: plants, markets, nodes as Points, legs as LineStrings',
          security: BEARER,
          response: { 200: GeoJsonFeatureCollection, ...errorResponses(401, 403) },
        },
      },
      async (_request, reply) => {
        reply.type('application/geo+json; charset=utf-8');
        return geoJson;
      },
    );
  };
}
