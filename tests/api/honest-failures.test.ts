/**
 * Honest failures: absurd numbers are a 400 with their path, one text policy (no NUL, no lone
 * surrogate) whatever the store, 415 for a body that is not JSON, a failed run stores nothing and
 * its retry with the same Idempotency-Key runs again, idempotency scoped per caller, secrets kept
 * out of logged URLs, the SQLite file readable by its owner only.
 */
import { statSync } from 'node:fs';
import { createConnection, type AddressInfo } from 'node:net';
import { tempDir } from '../support/temp.ts';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../server/app.ts';
import { badText, mayHoldBadText } from '../../server/api/body-text.ts';
import { openSqliteStore } from '../../server/store/sqlite.ts';
import { STORES } from '../support/stores.ts';
import type { ModelServices } from '../../server/api/solve.ts';
import { asPlanner, fakePlan, loadRealModel, SCENARIO, testApp } from './helpers.ts';

describe('numbers have bounds for their unit', () => {
  it('a capacity of 1e308 t is a 400 with its path, not Infinity in a plan', async () => {
    const app = await testApp();
    const network = structuredClone((await loadRealModel()).loadDefaultNetwork());
    network.plants[0]!.capacityTonnesPerYearByPhase = [1e308, 1e308];
    const res = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asPlanner, payload: { ...SCENARIO, network } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ path: ['network', 'plants', 0, 'capacityTonnesPerYearByPhase', 0] }));
    const price = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asPlanner, payload: { ...SCENARIO, overrides: { markets: { baku: { tiers: [{ tonnesPerYear: 1, priceUsdPerTonne: 1e300 }] } } } } });
    expect(price.statusCode).toBe(400);
    await app.close();
  });

  it('every number of every request body has a lower and an upper bound, and a divisor a smallest value above 0', async () => {
    const app = await testApp();
    // biome-ignore lint/suspicious/noExplicitAny: a JSON Schema walked as data
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as any;
    await app.close();
    const unbounded: string[] = [];
    let numbers = 0;
    // biome-ignore lint/suspicious/noExplicitAny: a JSON Schema walked as data
    const walk = (schema: any, path: string, seen: ReadonlySet<unknown>): void => {
      if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
      const inner = new Set([...seen, schema]);
      if (typeof schema.$ref === 'string') walk(doc.components.schemas[schema.$ref.split('/').pop()], path, inner);
      if (schema.type === 'number' || schema.type === 'integer') {
        numbers++;
        const low = schema.minimum ?? schema.exclusiveMinimum;
        const high = schema.maximum ?? schema.exclusiveMaximum;
        // `> 0` alone lets 1e-300 through: a divisor of that size makes Infinity of a cost.
        if (low === undefined || high === undefined || high > 1e15 || low < -1e15 || (schema.exclusiveMinimum === 0 && schema.minimum === undefined)) {
          unbounded.push(`${path}: ${JSON.stringify({ minimum: schema.minimum, exclusiveMinimum: schema.exclusiveMinimum, maximum: schema.maximum })}`);
        }
      }
      for (const key of ['anyOf', 'oneOf', 'allOf']) for (const x of schema[key] ?? []) walk(x, path, inner);
      for (const [name, x] of Object.entries(schema.properties ?? {})) walk(x, `${path}.${name}`, inner);
      if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${path}.*`, inner);
      if (schema.items) walk(schema.items, `${path}[]`, inner);
      for (const [i, x] of (schema.prefixItems ?? []).entries()) walk(x, `${path}[${i}]`, inner);
    };
    for (const [route, methods] of Object.entries(doc.paths)) {
      // biome-ignore lint/suspicious/noExplicitAny: a JSON Schema walked as data
      for (const [method, op] of Object.entries(methods as Record<string, any>)) {
        const body = op?.requestBody?.content?.['application/json']?.schema;
        if (body) walk(body, `${method.toUpperCase()} ${route}`, new Set());
      }
    }
    expect(numbers).toBeGreaterThan(200);
    expect(unbounded).toEqual([]);
  });

  it.each([
    ['a wagon-day cost of 1e308 USD', { overrides: { wagonFleet: { usdPerWagonDay: 1e308 } } }, ['overrides', 'wagonFleet', 'usdPerWagonDay']],
    ['a wagon round trip of 1e308 days', { overrides: { wagonFleet: { turnaroundDays: 1e308 } } }, ['overrides', 'wagonFleet', 'turnaroundDays']],
    ['1e-308 t per wagon', { overrides: { wagonFleet: { tonnesPerWagon: 1e-308 } } }, ['overrides', 'wagonFleet', 'tonnesPerWagon']],
    ['a vessel load of 1e-300 t', { overrides: { legs: { any_leg: { vesselLoadTonnes: 1e-300 } } } }, ['overrides', 'legs', 'any_leg', 'vesselLoadTonnes']],
    ['a given volume of 1e308 t', { volumesTonnesPerYear: { aktobe: 1e308 } }, ['volumesTonnesPerYear', 'aktobe']],
    ['1e-300 tenge per USD', { market: 'clearing', overrides: { fxPerUsd: { KZT: 1e-300 } } }, ['overrides', 'fxPerUsd', 'KZT']],
    ['half a tenge per USD', { overrides: { fxKztPerUsd: 0.5 } }, ['overrides', 'fxKztPerUsd']],
    ['a contract of 1e308 USD a year', { overrides: { markets: { baku: { contract: { minTonnesPerYear: 1, fixedCostUsdPerYear: 1e308 } } } } }, ['overrides', 'markets', 'baku', 'contract', 'fixedCostUsdPerYear']],
  ])('%s is a 400 with its path on every route that takes a scenario, and nothing is stored', async (_what, change, path) => {
    const app = await testApp();
    const scenario = { ...SCENARIO, phase: 2, ...change };
    for (const [url, payload, at] of [
      ['/api/v1/optimise', scenario, path],
      ['/api/v1/scenarios', scenario, path],
      ['/api/v1/analysis/sensitivity', { scenario }, ['scenario', ...path]],
      ['/api/v1/analysis/montecarlo', { scenario, draws: 5, uncertainties: [{ parameter: 'price', group: 'export', distribution: { type: 'uniform', min: 0.9, max: 1.1 } }] }, ['scenario', ...path]],
    ] as const) {
      const res = await app.inject({ method: 'POST', url, headers: asPlanner, payload });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(400);
      expect(res.json().error.details.map((d: { path: unknown }) => d.path), url).toContainEqual(at);
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/scenarios', headers: asPlanner })).json().total).toBe(0);
    await app.close();
  });

  it('the tenge rate given under both its names is a 400: a plan could be solved at one and report the other', async () => {
    const app = await testApp();
    const both = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asPlanner, payload: { ...SCENARIO, overrides: { fxKztPerUsd: 300, fxPerUsd: { KZT: 900 } } } });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.details.map((d: { path: unknown }) => d.path)).toContainEqual(['overrides', 'fxPerUsd', 'KZT']);
    for (const overrides of [{ fxKztPerUsd: 300 }, { fxPerUsd: { KZT: 900 } }]) {
      expect((await app.inject({ method: 'POST', url: '/api/v1/optimise?flows=false', headers: asPlanner, payload: { ...SCENARIO, overrides } })).statusCode).toBe(200);
    }
    await app.close();
  });

  it('a sweep of an exchange rate down to 1e-300 is a 400, before any job starts', async () => {
    const app = await testApp();
    for (const axis of [
      { parameter: 'fxPerUsd', currency: 'RUB', values: [1e-300, 90] },
      { parameter: 'fxKztPerUsd', from: 0, to: 500, steps: 3 },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/analysis/sweeps', headers: asPlanner, payload: { scenario: { ...SCENARIO, market: 'clearing' }, axes: [axis] } });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
    }
    await app.close();
  });

  it("the largest accepted carbon price, CO2 rates and distances still give the rule's cost, not an unknown", async () => {
    const app = await testApp();
    const network = (await loadRealModel()).loadDefaultNetwork();
    const legs = Object.fromEntries(network.legs.filter((l) => l.mode !== 'sea').map((l) => [l.id, { co2KgPerTonneKm: 10, distanceKm: 50_000 }]));
    const res = await app.inject({ method: 'POST', url: '/api/v1/optimise?flows=false', headers: asPlanner, payload: { ...SCENARIO, carbonPriceUsdPerTonneCo2: 10_000, overrides: { legs } } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.json().status).toBe('optimal');
    expect(res.json().policyCost.costUsd).toEqual(expect.any(Number));
    expect(res.json().policyCost.explanation).not.toMatch(/unknown/);
    await app.close();
  });

  it('the largest accepted wagon and vessel figures still make a plan with every number finite', async () => {
    const app = await testApp();
    const network = (await loadRealModel()).loadDefaultNetwork();
    const legs = Object.fromEntries(network.legs.filter((l) => l.vessel).map((l) => [l.id, { vesselLoadTonnes: 1 }]));
    expect(Object.keys(legs).length).toBeGreaterThan(0);
    const extreme = { ...SCENARIO, phase: 2, overrides: { legs, wagonFleet: { tonnesPerWagon: 1, turnaroundDays: 365, usdPerWagonDay: 10_000, wagons: 1e6 } } };
    const res = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asPlanner, payload: extreme });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const plan = res.json();
    expect(plan.status).toBe('optimal');
    // Every number in the plan is finite (JSON has no Infinity: a non-finite figure would be null or a 500).
    const numbers: number[] = [];
    JSON.parse(res.body, (_key, value) => {
      if (typeof value === 'number') numbers.push(value);
      return value;
    });
    expect(numbers.length).toBeGreaterThan(100);
    expect(numbers.every(Number.isFinite)).toBe(true);
    // At a million USD a tonne of freight, nothing goes by sea or rail from our plants for export.
    expect(plan.kpis.exportTonnes).toBeLessThan(network.plants.length);
    await app.close();
  });
});

describe.each(STORES.map((k) => [k.name, k] as const))('one text policy (%s)', (_name, kind) => {
  it.skipIf(!kind.available).each([
    ['NUL', '{"name":"a\\u0000b"}', ['name']],
    ['lone high surrogate', '{"name":"x\\ud800"}', ['name']],
    ['lone low surrogate in a nested key', '{"name":"x","overrides":{"markets":{"\\udc00":{}}}}', ['overrides', 'markets', '\udc00']],
  ])('%s is refused with 400 and its path', async (_what, body, path) => {
    const app = await testApp({ store: await (await kind.fresh()).open() });
    for (const url of ['/api/v1/scenarios', '/api/v1/optimise']) {
      const res = await app.inject({ method: 'POST', url, headers: { ...asPlanner, 'content-type': 'application/json' }, payload: body });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].path).toEqual(path);
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/scenarios', headers: asPlanner })).json().total).toBe(0);
    await app.close();
  });

  it.skipIf(!kind.available)('a paired surrogate (an emoji) is fine', async () => {
    const app = await testApp({ store: await (await kind.fresh()).open() });
    const res = await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: { ...SCENARIO, name: 'Cement 🚢' } });
    expect(res.statusCode).toBe(201);
    await app.close();
  });
});

describe('the text check of a JSON body', () => {
  it('skips the walk of the parsed body only where the text cannot hold a NUL or a lone surrogate', () => {
    // Any JSON value, its strings and keys drawn from every UTF-16 code unit (lone surrogates and
    // NUL included), sent as JSON.stringify writes it or as its UTF-8 bytes decoded again.
    const anyText = fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 });
    fc.assert(
      fc.property(anyText, (value) => {
        const text = JSON.stringify(value);
        const decoded = Buffer.from(text, 'utf8').toString('utf8');
        for (const body of [text, decoded]) {
          if (!mayHoldBadText(body)) expect(badText(JSON.parse(body))).toBeNull();
        }
      }),
      { numRuns: 2_000 },
    );
    expect(mayHoldBadText('{"name":"a\\u0000b"}')).toBe(true);
    expect(mayHoldBadText('{"name":"x\\uDbFf"}')).toBe(true);
    expect(mayHoldBadText('{"name":"x\\ue000 \\u00e9"}')).toBe(false);
  });

  it('a backslash written before u0000 is text, and accepted', async () => {
    const app = await testApp();
    const res = await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: { ...asPlanner, 'content-type': 'application/json' }, payload: '{"name":"C:\\\\u0000"}' });
    expect(res.statusCode).toBe(201);
    expect(JSON.stringify(res.json())).toContain('"name":"C:\\\\u0000"');
    await app.close();
  });
});

describe('text before the body: charsets, bytes, URLs and headers', () => {
  it('a charset other than UTF-8 is a 415, and UTF-8 named any way is read', async () => {
    const app = await testApp();
    for (const type of ['application/json; charset=utf-16', 'application/json; charset=iso-8859-1', 'application/json;charset="latin1"']) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: { ...asPlanner, 'content-type': type }, payload: '{"name":"ct"}' });
      expect(res.statusCode, type).toBe(415);
      expect(res.json().error.code).toBe('unsupported_media_type');
    }
    for (const type of ['application/json; charset=UTF-8', 'application/json; charset="utf-8"', 'application/json; charset=utf8']) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: { ...asPlanner, 'content-type': type }, payload: '{"name":"ct"}' });
      expect(res.statusCode, type).toBe(201);
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/scenarios', headers: asPlanner })).json().total).toBe(3);
    await app.close();
  });

  it('bytes that are not UTF-8 (a lone surrogate encoded, a Latin-1 é) are a 400 and nothing is stored, rather than U+FFFD', async () => {
    const app = await testApp();
    for (const bytes of [Buffer.from('{"name":"\xed\xa0\x80"}', 'latin1'), Buffer.from('{"name":"caf\xe9"}', 'latin1'), Buffer.from('{"name":"\xff\xfe"}', 'latin1')]) {
      for (const url of ['/api/v1/scenarios', '/api/v1/optimise']) {
        const res = await app.inject({ method: 'POST', url, headers: { ...asPlanner, 'content-type': 'application/json' }, payload: bytes });
        expect(res.statusCode, `${url} ${bytes.toString('hex')}`).toBe(400);
        expect(res.json().error.message).toMatch(/UTF-8/);
      }
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/scenarios', headers: asPlanner })).json().total).toBe(0);
    // The same text written as UTF-8 is fine.
    expect((await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: { name: 'café' } })).statusCode).toBe(201);
    await app.close();
  });

  it('a NUL in a path parameter or a query-string id is a 400 naming it, never looked up or echoed', async () => {
    const app = await testApp();
    for (const [url, path] of [
      ['/api/v1/scenarios/%00', ['params', 'id']],
      ['/api/v1/runs/ab%00cd/allocation.csv', ['params', 'id']],
      ['/api/v1/compare?runs=a%00,b', ['query', 'runs']],
      ['/api/v1/compare?runs=%ED%A0%80,b', ['query', 'runs']],
      ['/api/v1/compare?runs=%FF,b', ['query', 'runs']],
      ['/api/v1/network.xlsx?scenario=%E0%A4%A', ['query', 'scenario']],
      ['/api/v1/analysis/jobs/%00', ['params', 'id']],
    ] as const) {
      const res = await app.inject({ method: 'GET', url, headers: asPlanner });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
      expect(res.json().error.details[0].path, url).toEqual(path);
      expect(res.body).not.toContain('\\u0000');
    }
    await app.close();
  });

  it('a URL whose percent-encoding does not decode is a 400 in the one error shape, with the request id and the security headers', async () => {
    const app = await testApp();
    for (const url of ['/api/v1/scenarios/sc_%ED%A0%80', '/api/v1/runs/%C0%AF/flows.geojson']) {
      const res = await app.inject({ method: 'GET', url, headers: asPlanner });
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toEqual({ error: { code: 'invalid_request', message: expect.stringMatching(/URL is not valid/) } });
      expect(res.headers['x-request-id']).toMatch(/\S/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    await app.close();
  });

  it('a header Node refuses (a NUL in it) is a 400 in the one error shape on a real socket', async () => {
    const app = await testApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.end('GET /health HTTP/1.1\r\nHost: x\r\nIdempotency-Key: ab\u0000cd\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString('utf8')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/x-request-id: \S+/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'invalid_request', message: 'The request is not valid HTTP' } });
    await app.close();
  });
});

describe('content types', () => {
  it('text/plain and form bodies are 415', async () => {
    const app = await testApp();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: { ...asPlanner, 'content-type': type }, payload: JSON.stringify(SCENARIO) });
      expect([type, res.statusCode]).toEqual([type, 415]);
      expect(res.json().error.code).toBe('unsupported_media_type');
    }
    await app.close();
  });
});

describe('a failed run stores nothing', () => {
  it('a plan that breaks its schema is a 500 with nothing stored; the retry with the same key runs again, then replays', async () => {
    const real = await loadRealModel();
    let broken = true;
    const model: ModelServices = {
      ...real,
      optimise: async (scenario) => {
        const plan = fakePlan(scenario);
        return broken ? { ...plan, objectiveValue: Number.POSITIVE_INFINITY as number } : plan;
      },
    };
    const app = await testApp({ model });
    const id = (await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: SCENARIO })).json().id as string;
    const run = () => app.inject({ method: 'POST', url: `/api/v1/scenarios/${id}/runs`, headers: { ...asPlanner, 'idempotency-key': 'k-1' } });
    const failed = await run();
    expect(failed.statusCode).toBe(500);
    expect(failed.body).not.toMatch(/Infinity|zod|stack/i);
    const runs = () => app.inject({ method: 'GET', url: `/api/v1/scenarios/${id}/runs`, headers: asPlanner }).then((r) => r.json().total as number);
    expect(await runs()).toBe(0);
    broken = false;
    const ok = await run();
    expect(ok.statusCode).toBe(201);
    const again = await run();
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(ok.json().id);
    expect(await runs()).toBe(1);
    await app.close();
  });
});

describe.each(STORES.map((k) => [k.name, k] as const))('an idempotent write and its key are one (%s)', (_name, kind) => {
  it.skipIf(!kind.available)('a process that dies just after storing a scenario or a run leaves the key answered: the retry replays it, nothing is stored twice', async () => {
    const store = await (await kind.fresh()).open();
    // The process "dies" the moment the store has written: the write returns, then the request fails
    // before any answer is sent (as a kill -9 there would end it). The key must already be answered.
    const dying = <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        await write(...args);
        throw new Error('the process died here');
      };
    const createScenario = store.createScenario.bind(store);
    const createRunFromJson = store.createRunFromJson.bind(store);
    store.createScenario = dying(createScenario);
    const app = await testApp({ store });
    const post = (url: string, key: string) => app.inject({ method: 'POST', url, headers: { ...asPlanner, 'idempotency-key': key }, payload: url.endsWith('/runs') ? undefined : SCENARIO });
    expect((await post('/api/v1/scenarios', 'create-1')).statusCode).toBe(500);
    store.createScenario = createScenario;
    const retry = await post('/api/v1/scenarios', 'create-1');
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect((await app.inject({ method: 'GET', url: '/api/v1/scenarios', headers: asPlanner })).json().total).toBe(1);
    const id = retry.json().id as string;
    expect((await app.inject({ method: 'GET', url: `/api/v1/scenarios/${id}`, headers: asPlanner })).json().id).toBe(id);

    store.createRunFromJson = dying(createRunFromJson);
    expect((await post(`/api/v1/scenarios/${id}/runs`, 'run-1')).statusCode).toBe(500);
    store.createRunFromJson = createRunFromJson;
    const runRetry = await post(`/api/v1/scenarios/${id}/runs`, 'run-1');
    expect(runRetry.statusCode).toBe(201);
    expect(runRetry.headers['idempotent-replayed']).toBe('true');
    expect((await app.inject({ method: 'GET', url: `/api/v1/scenarios/${id}/runs`, headers: asPlanner })).json().total).toBe(1);
    // The replay is the run as a read gives it, ETag and bytes.
    const read = await app.inject({ method: 'GET', url: runRetry.headers.location as string, headers: asPlanner });
    expect(runRetry.body).toBe(read.body);
    expect(runRetry.headers.etag).toBe(read.headers.etag);
    await app.close();
  });
});

describe('a scenario the plan cannot be made of is refused, never answered with an "error" plan', () => {
  it('an override of a market only competitors sell in is a 422 in the price-taker mode, on /optimise and on storing it, nothing stored; in the clearing mode it plans', async () => {
    const app = await testApp();
    const scenario = { ...SCENARIO, overrides: { markets: { omsk: { priceMultiplier: 2 } } } };
    const plan = await app.inject({ method: 'POST', url: '/api/v1/optimise', headers: asPlanner, payload: scenario });
    expect(plan.statusCode, plan.body.slice(0, 200)).toBe(422);
    expect(plan.json().error.code).toBe('unprocessable_model');
    expect(JSON.stringify(plan.json().error.details)).toMatch(/omsk/);
    // Such a scenario is not stored either (so it cannot reach a run).
    const stored = await app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: asPlanner, payload: scenario });
    expect(stored.statusCode).toBe(422);
    expect(JSON.stringify(stored.json().error.details)).toMatch(/omsk/);
    expect((await app.inject({ method: 'GET', url: '/api/v1/scenarios', headers: asPlanner })).json().items).toEqual([]);
    const clearing = await app.inject({ method: 'POST', url: '/api/v1/optimise?flows=false', headers: asPlanner, payload: { ...scenario, market: 'clearing' } });
    expect(clearing.statusCode).toBe(200);
    expect(clearing.json().status).toBe('optimal');
    await app.close();
  });
});

describe('idempotency per caller', () => {
  it('two anonymous callers with the same key do not share it', async () => {
    const app = await testApp({ publicRead: true });
    const post = (remoteAddress: string, name: string) =>
      app.inject({ method: 'POST', url: '/api/v1/optimise', remoteAddress, headers: { 'idempotency-key': 'same' }, payload: { ...SCENARIO, name } });
    const a = await post('10.0.0.1', 'A');
    const b = await post('10.0.0.2', 'B');
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(b.json().scenarioName).toBe('B');
    await app.close();
  });
});

describe('secrets and files', () => {
  it('keys in a query string never reach the logs', async () => {
    expect(redactUrl('/api/v1/runs/x?api_key=s3cret&flows=false&token=t0k')).toBe('/api/v1/runs/x?api_key=[redacted]&flows=false&token=[redacted]');
    // Names written another way: percent-encoded, as an array, with a prefix, or another word for a secret.
    for (const query of ['%6Bey=s3cret', 'key[]=s3cret', 'x-api-key=s3cret', 'bearer=s3cret', 'signature=s3cret', 'sig=s3cret', 'X-Auth-Token=s3cret', 'session_id=s3cret']) {
      const logged = redactUrl(`/api/v1/session?flows=false&${query}#top`);
      expect(logged, query).not.toContain('s3cret');
      // A raw `#` is query as well: what follows it in the secret's value goes with it.
      expect(logged, query).toMatch(/^\/api\/v1\/session\?flows=false&.+=\[redacted\]$/);
    }
    expect(redactUrl('/api/v1/runs?limit=5&cursor=abc')).toBe('/api/v1/runs?limit=5&cursor=abc');
    // A bare part, a `;` separator, a name that does not percent-decode, a part after a raw `#`.
    for (const query of ['Bearer%20SECRETA6', 'a=1;api_key=SECRETB6', 'k%65y%ZZ=SECRETA7', 'a=1#&api_key=SECRETA5']) {
      const logged = redactUrl(`/api/v1/session?${query}`);
      expect(logged, query).not.toMatch(/SECRET/);
      expect(logged, query).toContain('[redacted]');
    }
    expect(redactUrl('/api/v1/runs?flows;limit=5')).toBe('/api/v1/runs?flows;limit=5');
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _e, done) => {
      lines.push(String(chunk));
      done();
    } });
    const app = await testApp({ logger: { level: 'info', stream } });
    await app.inject({ method: 'GET', url: '/health?key=s3cret-value' });
    await app.close();
    expect(lines.join('')).toContain('/health?key=[redacted]');
    expect(lines.join('')).not.toContain('s3cret-value');
  });

  it('the SQLite file is created readable by its owner only', () => {
    const path = join(tempDir('caspian-mode-'), 'store.db');
    const store = openSqliteStore({ path });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    void store.close();
  });
});
