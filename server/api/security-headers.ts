/**
 * The security headers every response carries (helmet's), worked out once when the app is built.
 * `@fastify/helmet` rebuilds helmet's middleware on every request (parsing the Content-Security-Policy
 * directives again each time); these options have nothing per request (no nonces), so the headers
 * are recorded once and set from the list, in helmet's order, on every response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

export const SECURITY_HEADER_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      // Leaflet and Swagger UI position elements with inline style attributes.
      styleSrc: ["'self'", "'unsafe-inline'"],
      // Online tiles are an opt-in toggle on the map; the default base map is bundled.
      imgSrc: ["'self'", 'data:', 'blob:', 'https://tile.openstreetmap.org'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      workerSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'self'"],
    },
  },
  // Served over plain HTTP on a laptop as often as behind TLS.
  hsts: false,
};

/** What helmet does to a response: headers set (name, value) and removed (name), in its order. */
export type HeaderStep = readonly ['set', string, string] | readonly ['remove', string];

/** Runs helmet's middleware once against a recorder; throws if the options need the request. */
export function securityHeaderSteps(options: Readonly<HelmetOptions> = SECURITY_HEADER_OPTIONS): readonly HeaderStep[] {
  const steps: HeaderStep[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      if (typeof value !== 'string') throw new Error(`helmet set ${name} to a ${typeof value}: only fixed text headers are recorded`);
      steps.push(['set', name, value]);
    },
    removeHeader(name: string) {
      steps.push(['remove', name]);
    },
  };
  const request = new Proxy({} as IncomingMessage, {
    get(_target, key) {
      throw new Error(`helmet read the request (${String(key)}): these options are not the same for every request`);
    },
  });
  let failed: unknown;
  helmet(options)(request, recorder as unknown as ServerResponse, (error?: unknown) => {
    failed = error;
  });
  if (failed) throw failed;
  return steps;
}

/** Every response of `app` (and of the plugins registered in it) gets the security headers. */
export function registerSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions> = SECURITY_HEADER_OPTIONS): void {
  const steps = securityHeaderSteps(options);
  app.addHook('onRequest', (_request, reply, done) => {
    applyHeaderSteps(reply.raw, steps);
    done();
  });
}

let defaultSteps: readonly HeaderStep[] | null = null;

/** The default security headers on a response the hooks never see (a URL Fastify could not route). */
export function applySecurityHeaders(raw: ServerResponse): void {
  defaultSteps ??= securityHeaderSteps();
  applyHeaderSteps(raw, defaultSteps);
}

function applyHeaderSteps(raw: ServerResponse, steps: readonly HeaderStep[]): void {
  for (const step of steps) {
    if (step[0] === 'set') raw.setHeader(step[1], step[2]);
    else raw.removeHeader(step[1]);
  }
}
