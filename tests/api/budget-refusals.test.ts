/**
 * The solve budget across refusals, the admission function alone: work refused with a 4xx or turned
 * away as overloaded (503: the job slots are all taken) gives its solve back; work done, stopped at
 * its time limit (422) or failed inside (500) keeps it. And which SyntaxErrors are the caller's.
 */
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { admitted, SolveBudget, WorkQueue } from '../../server/api/admission.ts';
import { ApiError } from '../../server/api/errors.ts';

const request = { principal: { role: 'planner', keyId: 'k1' }, ip: '10.0.0.1' } as unknown as FastifyRequest;

/** Runs `work` `times` times through a budget of 3, then says whether a fourth request is admitted. */
async function fourthAdmitted(times: number, work: () => Promise<unknown>): Promise<boolean> {
  const admission = { queue: new WorkQueue({ perKey: 4, total: 16 }), budget: new SolveBudget({ max: 3, timeWindowMs: 60_000 }) };
  for (let i = 0; i < times; i++) await admitted(admission, request, work).catch(() => undefined);
  try {
    await admitted(admission, request, async () => 'ok');
    return true;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('rate_limited');
    return false;
  }
}

describe('the solve budget and refused work', () => {
  it('work done uses the budget: the fourth of three is refused with 429', async () => {
    expect(await fourthAdmitted(3, async () => 'done')).toBe(false);
  });

  it('a 503 for taken job slots gives the solve back', async () => {
    expect(await fourthAdmitted(10, async () => Promise.reject(new ApiError('overloaded', 'every job slot is taken')))).toBe(true);
  });

  it('a 4xx gives the solve back', async () => {
    expect(await fourthAdmitted(10, async () => Promise.reject(new ApiError('unprocessable_model', 'too large')))).toBe(true);
  });

  it('a request stopped at its time limit (422 time_limit) keeps it: the work ran to its limit', async () => {
    expect(await fourthAdmitted(3, async () => Promise.reject(new ApiError('time_limit', 'did not finish within its time limit')))).toBe(false);
  });

  it('an internal failure keeps it: the work ran', async () => {
    expect(await fourthAdmitted(3, async () => Promise.reject(new ApiError('internal', 'failed')))).toBe(false);
  });
});

describe('what a SyntaxError says', () => {
  it("a body the parser refuses (Fastify marks it 400) is the caller's 400; a SyntaxError thrown elsewhere is the server's (not mapped: a 500)", async () => {
    const { toApiError } = await import('../../server/api/plugins/errors.ts');
    const parsed = Object.assign(new SyntaxError('Unexpected token } in JSON at position 15'), { statusCode: 400 });
    expect(toApiError(parsed)).toMatchObject({ code: 'invalid_body', statusCode: 400 });
    expect(toApiError(new SyntaxError('Bad escaped character in JSON at position 3'))).toBeNull();
  });
});
