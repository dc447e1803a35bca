/**
 * A plan through the pool as its JSON text (server/optimise.ts, optimiseWithJson): the text is the
 * one the pool thread validated and serialised, sent over as UTF-8 bytes in a buffer of their own; the
 * event loop decodes them only when the text is read and parses it only when the plan is read.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { optimiseWithJson } from '../../server/optimise.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';

afterAll(() => shutdownSolverPool());
afterEach(() => vi.restoreAllMocks());

const base = loadDefaultNetwork();
const scenario = Scenario.parse({ name: 'Plan as text' });

describe('a plan through the pool with its JSON text', () => {
  it('parses the text only when the plan is read, once, into the plan the text describes', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const solved = await optimiseWithJson(scenario, base, {}, true);
    const json = solved.json;
    if (json === null) throw new Error('no JSON text for a plan that asked for it');
    const parsesOfThePlan = () => parse.mock.calls.filter(([text]) => text === json).length;
    expect(parsesOfThePlan()).toBe(0);
    const plan = solved.plan;
    expect(parsesOfThePlan()).toBe(1);
    expect(solved.plan).toBe(plan);
    expect(parsesOfThePlan()).toBe(1);
    expect(plan.status).toBe('optimal');
    expect(plan.scenarioName).toBe('Plan as text');
    expect(JSON.stringify(plan)).toBe(json);
  });

  it('comes as the UTF-8 bytes of that text, in a buffer of their own, decoded only when the text is read', async () => {
    const solved = await optimiseWithJson(scenario, base, {}, true);
    const bytes = solved.bytes;
    if (!bytes) throw new Error('no bytes for a plan serialised in the pool thread');
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
    const decode = vi.spyOn(Buffer.prototype, 'toString');
    const json = solved.json;
    expect(decode).toHaveBeenCalledTimes(1);
    expect(solved.json).toBe(json);
    expect(decode).toHaveBeenCalledTimes(1);
    if (json === null) throw new Error('no JSON text for a plan that asked for it');
    // Characters beyond ASCII (– →) survive the trip.
    expect([...json].some((c) => c.charCodeAt(0) > 0x7f)).toBe(true);
    expect(Buffer.compare(bytes, Buffer.from(json, 'utf8'))).toBe(0);
    expect(JSON.stringify(solved.plan)).toBe(json);
  });

  it('without the text asked for, gives the plan object and no text', async () => {
    const solved = await optimiseWithJson(scenario, base, { flows: false }, false);
    expect(solved.json).toBeNull();
    expect(solved.plan.status).toBe('optimal');
    expect(solved.plan.flows.features).toEqual([]);
  });
});
