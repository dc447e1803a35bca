/**
 * The committed client never drifts from the API: regenerating the OpenAPI document and its
 * types from the app as it is now gives exactly the files in client/.
 *
 * Byte for byte, the files are compared in a fresh process (`npm run client:check`), as
 * `npm run client:generate` makes them: the document's text depends on the process's history, and
 * in a test process that shares its module graph with other test files (`isolate: false`) it once
 * came out with the same content in a different key order. The content is compared here too, in
 * this process, where a failure shows the route or schema that changed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPENAPI_PATH, openApiDocument } from '../../client/generate.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run client:generate', () => {
  it('gives the committed client/openapi.json, by content', async () => {
    expect(JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')), 'client/openapi.json is stale: run npm run client:generate').toEqual(await openApiDocument());
  });

  it('gives the committed client/openapi.json and client/api.d.ts byte for byte, in a fresh process', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = execFile(process.execPath, ['--import', 'tsx', 'client/generate.ts', '--check'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 }, (error, _stdout, err) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: child.exitCode, stderr: err });
      });
    });
    expect(stderr, 'run npm run client:generate').toBe('');
    expect(code).toBe(0);
  }, 300_000);
});
