/**
 * How the map page's files reach a browser: the build writes brotli and gzip copies of its text
 * files (web/vite.config.ts), the server sends the copy the browser takes, and the content-hashed
 * assets may be kept for good while the page itself is checked on every load (server/app.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageCacheControl } from '../../server/app.ts';
import { testApp } from '../api/helpers.ts';
import { BUILD_TIMEOUT_MS, buildWebOnce } from '../support/build.ts';

const WEB_DIST = new URL('../../web/dist/', import.meta.url).pathname;
const IMMUTABLE = 'public, max-age=31536000, immutable';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));

let app: FastifyInstance;
let bundle: string;

beforeAll(async () => {
  await buildWebOnce();
  app = await testApp({ webRoot: WEB_DIST });
  const name = readdirSync(join(WEB_DIST, 'assets')).find((f) => /^index-.*\.js$/.test(f));
  if (!name) throw new Error('the build has no index bundle');
  bundle = name;
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await app?.close();
});

describe('the built page', () => {
  it('has a brotli and a gzip copy of every text file of 1 KB or more, each the same bytes unpacked', () => {
    const texts = filesUnder(WEB_DIST).filter((f) => /\.(?:html|js|css|json|geojson|svg)$/.test(f) && statSync(f).size >= 1024);
    // index.html, the bundle, its style sheet, the base map, the in-browser optimiser and its worker at least
    expect(texts.length).toBeGreaterThanOrEqual(6);
    for (const file of texts) {
      const raw = readFileSync(file);
      expect(existsSync(`${file}.br`), `${file}.br`).toBe(true);
      expect(brotliDecompressSync(readFileSync(`${file}.br`)).equals(raw), `${file}.br`).toBe(true);
      expect(gunzipSync(readFileSync(`${file}.gz`)).equals(raw), `${file}.gz`).toBe(true);
    }
    // the base map's outlines, the largest file, are under a third of their size in brotli
    const basemap = texts.find((f) => /basemap-.*\.json$/.test(f));
    expect(basemap).toBeDefined();
    expect(statSync(`${basemap}.br`).size).toBeLessThan(statSync(basemap!).size / 3);
  });
});

describe('serving the page', () => {
  it('sends the brotli copy to a browser that takes it, gzip to one that takes only gzip, the file itself otherwise', async () => {
    const raw = readFileSync(join(WEB_DIST, 'assets', bundle));
    const url = `/assets/${bundle}`;
    const br = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).equals(raw)).toBe(true);
    const gz = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).equals(raw)).toBe(true);
    const plain = await app.inject({ method: 'GET', url });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(raw)).toBe(true);
  });

  it('a file that is not there is a 404, also when its name is longer than a file system takes, or reaches outside the page', async () => {
    for (const url of ['/no-such-file.js', `/${'a'.repeat(300)}`, `/assets/${'b'.repeat(5000)}.js`, '/%2e%2e/package.json']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url.slice(0, 40)).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });

  it('lets the browser keep hashed assets for good, and checks the page itself on every load (304 when unchanged)', async () => {
    for (const encoding of ['br', 'identity']) {
      const asset = await app.inject({ method: 'GET', url: `/assets/${bundle}`, headers: { 'accept-encoding': encoding } });
      expect(asset.headers['cache-control']).toBe(IMMUTABLE);
    }
    const page = await app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'br' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(page.rawPayload).toString()).toContain(bundle);
    const etag = page.headers.etag;
    expect(typeof etag).toBe('string');
    const again = await app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'br', 'if-none-match': String(etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('treats only content-hashed names under assets/ as never changing', () => {
    expect(pageCacheControl('/srv/web/dist/assets/index-D-3-3C2n.js')).toBe(IMMUTABLE);
    expect(pageCacheControl('/srv/web/dist/assets/basemap-DfjvES_5.json.br')).toBe(IMMUTABLE);
    expect(pageCacheControl('/srv/web/dist/assets/index-0k2q2n9e.css.gz')).toBe(IMMUTABLE);
    expect(pageCacheControl('/srv/web/dist/index.html')).toBe('no-cache');
    expect(pageCacheControl('/srv/web/dist/index.html.br')).toBe('no-cache');
    expect(pageCacheControl('/srv/web/dist/assets/logo.svg')).toBe('no-cache');
    expect(pageCacheControl('/srv/web/dist/favicon-D-3-3C2n.ico')).toBe('no-cache');
  });
});
