import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { baseMapOutlines, type CountryTopology } from './src/lib/basemap-outlines.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * `virtual:basemap`: the address of the base map's country outlines (src/lib/basemap-outlines.ts),
 * made from world-atlas once per build (or once per dev server) rather than by the page on every
 * load. The build writes them as an asset (`assets/basemap-<hash>.json`); the dev server answers
 * them at `DEV_OUTLINES_PATH`.
 */
function baseMap(): Plugin {
  const id = 'virtual:basemap';
  const resolved = `\0${id}`;
  const DEV_OUTLINES_PATH = '/@caspian/basemap.json';
  const topology = (scale: '50m' | '110m') =>
    JSON.parse(readFileSync(createRequire(import.meta.url).resolve(`world-atlas/countries-${scale}.json`), 'utf8')) as CountryTopology;
  let text: string | undefined;
  const outlinesJson = () => (text ??= JSON.stringify(baseMapOutlines(topology('50m'), topology('110m'))));
  let serving = false;
  return {
    name: 'caspian-basemap',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    configureServer(server) {
      server.middlewares.use(DEV_OUTLINES_PATH, (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(outlinesJson());
      });
    },
    resolveId: (source) => (source === id ? resolved : null),
    load(loading) {
      if (loading !== resolved) return null;
      if (serving) return `export default ${JSON.stringify(DEV_OUTLINES_PATH)};`;
      const ref = this.emitFile({ type: 'asset', name: 'basemap.json', source: outlinesJson() });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
  };
}

/** Files of at least this many bytes get compressed copies: below it, the headers outweigh the saving. */
const PRECOMPRESS_MIN_BYTES = 1024;
const PRECOMPRESSED_TYPES = /\.(?:html|js|css|json|geojson|svg)$/;

/**
 * The build writes a brotli (`.br`) and a gzip (`.gz`) copy beside each text file of the page, so the
 * server sends them compressed without compressing on every request (`preCompressed` in
 * server/app.ts): the base map's 0.9 MB of outlines and the 0.6 MB bundle are about a fifth of that
 * on the wire. Best compression, once per build.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'caspian-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
          entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
        );
      for (const file of walk(outDir)) {
        if (!PRECOMPRESSED_TYPES.test(file) || statSync(file).size < PRECOMPRESS_MIN_BYTES) continue;
        const bytes = readFileSync(file);
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

/**
 * Development only (`MOCK_API=1 npx vite web`): answer /api/v1 from the test fixture so the page can be
 * worked on without the server. Never part of a build.
 */
function mockApi(): Plugin {
  return {
    name: 'caspian-mock-api',
    apply: 'serve',
    async configureServer(server) {
      if (process.env.MOCK_API !== '1') return;
      const fixture = await server.ssrLoadModule(here('../tests/web/fixtures/plan-fixture.ts'));
      server.middlewares.use('/api/v1', (req, res, next) => {
        const send = (status: number, body: unknown) => {
          res.statusCode = status;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(body));
        };
        if (req.url?.startsWith('/network')) return send(200, fixture.fixtureNetwork);
        if (req.url?.startsWith('/optimise') && req.method === 'POST') {
          let raw = '';
          req.on('data', (c) => (raw += c));
          req.on('end', () => {
            const body = JSON.parse(raw || '{}');
            const share = body?.policy?.domesticShare ?? 0.5;
            if (share > 1 || share < 0) {
              return send(400, {
                error: {
                  code: 'validation',
                  message: 'body/policy/domesticShare must be ≤ 1',
                  details: [{ path: ['policy', 'domesticShare'], message: 'Too big: expected number to be <=1' }],
                },
              });
            }
            setTimeout(
              () =>
                send(
                  200,
                  fixture.makeFixturePlan({
                    domesticShare: share,
                    monthly: body?.horizon?.kind === 'monthly',
                    exportPriceMultiplier: body?.overrides?.exportPriceMultiplier,
                    scenarioName: body?.name,
                  }),
                ),
              400,
            );
          });
          return;
        }
        next();
      });
    },
  };
}

export default defineConfig({
  root: here('.'),
  resolve: {
    alias: { '@core': here('../server/core') },
  },
  server: {
    fs: { allow: [here('..')] },
    proxy: process.env.MOCK_API === '1' ? undefined : { '/api': 'http://localhost:3000' },
  },
  plugins: [mockApi(), baseMap(), precompress()],
  // The in-page optimiser's worker (web/src/optimiser.worker.ts) is a module worker.
  worker: { format: 'es' },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
  },
});
