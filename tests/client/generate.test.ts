/**
 * The committed client never drifts from the API: regenerating the OpenAPI document and its
 * types from the app as it is now gives exactly the files in client/.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateClientFiles, OPENAPI_PATH, TYPES_PATH } from '../../client/generate.ts';

describe('npm run client:generate', () => {
  it('gives the committed client/openapi.json and client/api.d.ts', async () => {
    const { openapi, types } = await generateClientFiles();
    // The document first: its diff names the route or schema that changed.
    expect(JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')), 'client/openapi.json is stale: run npm run client:generate').toEqual(JSON.parse(openapi));
    expect(readFileSync(OPENAPI_PATH, 'utf8') === openapi, 'client/openapi.json is stale: run npm run client:generate').toBe(true);
    expect(readFileSync(TYPES_PATH, 'utf8') === types, 'client/api.d.ts is stale: run npm run client:generate').toBe(true);
  });
});
