/**
 * The real server for the HTTP benchmarks (api, load, uptime): its own process on loopback, from the
 * TypeScript source, on a fresh SQLite file in a temporary folder (or `DATABASE_URL` when given), one
 * planner key, no solve rate limit; `/ready` answers before it counts as started. `stop()` ends the
 * process and removes the folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerProcess } from '../tests/support/server.ts';

export interface BenchServer {
  readonly base: string;
  readonly server: ServerProcess;
  stop(): Promise<void>;
}

/** `name` names the folder and the database file; `env` adds to or overrides the settings above. */
export async function startBenchServer(name: string, plannerKey: string, env: Record<string, string> = {}): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), `caspian-${name}-`));
  try {
    const server = await startServer({
      how: 'source',
      detached: false,
      stderr: 'inherit',
      waitFor: '/ready',
      startTimeoutMs: 60_000,
      env: { DATABASE_PATH: join(dir, `${name}.db`), API_KEYS: `planner:${plannerKey}`, SOLVE_RATE_LIMIT: '0', ...env },
    });
    return {
      base: server.base,
      server,
      async stop() {
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
