/**
 * Throw-away PostgreSQL clusters for tests: `initdb` in a temp dir, `pg_ctl start` on a free
 * port on 127.0.0.1 (trust authentication, no Unix socket outside the temp dir), stop and remove
 * at the end. As root, the commands run as the `postgres` OS user (initdb refuses root).
 *
 * `globalSetup` starts one cluster per test run and provides its URL (`inject('postgresUrl')`);
 * each test file makes its own database with `createTestDatabase`. A test that restarts the
 * database starts a cluster of its own. Without PostgreSQL binaries the URL is null and the
 * PostgreSQL tests skip, unless REQUIRE_POSTGRES=1: then the run fails.
 */
import { execFile as execFileCb, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './server.ts';

const execFile = promisify(execFileCb);

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test run's cluster (database `postgres`), or null without PostgreSQL. */
    postgresUrl: string | null;
  }
}

export const postgresRequired = (): boolean => process.env.REQUIRE_POSTGRES === '1';

/** The newest PostgreSQL `bin` directory: PG_BIN, /usr/lib/postgresql/<newest>/bin, or null. */
export function findPostgresBin(): string | null {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(root, v, 'bin')));
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ?? null;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary, as the `postgres` user when we are root. */
async function run(bin: string, args: string[]): Promise<void> {
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  try {
    await execFile(command, argv, { cwd: tmpdir(), timeout: 60_000 });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly port: number;
  /** Stops the server (fast: open connections are terminated). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and removes the cluster. */
  destroy(): Promise<void>;
}

export async function startPostgresCluster(bin: string): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'caspian-pg-'));
  if (asRoot) {
    const user = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (user.status !== 0) throw new Error('running as root, but there is no postgres OS user to run PostgreSQL as');
    chownSync(dir, Number(user.stdout.trim()), Number(group.stdout.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const options = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${dir}'`,
    // A test cluster: speed over crash safety of the machine (a killed API process is what is tested).
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  const pgCtl = join(bin, 'pg_ctl');
  const start = () => run(pgCtl, ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '30', 'start']);
  const stop = () => run(pgCtl, ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
  await start();
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh, empty database on the cluster at `adminUrl`; returns its URL. */
export async function createTestDatabase(adminUrl: string, prefix = 'caspian'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** vitest globalSetup: one cluster for the whole run, its URL provided as `postgresUrl`. */
export default async function setup(project: { provide(key: 'postgresUrl', value: string | null): void }): Promise<() => Promise<void>> {
  const bin = findPostgresBin();
  if (!bin) {
    if (postgresRequired()) throw new Error('REQUIRE_POSTGRES=1 but no PostgreSQL binaries were found (install postgresql, or set PG_BIN)');
    project.provide('postgresUrl', null);
    return async () => undefined;
  }
  const cluster = await startPostgresCluster(bin);
  project.provide('postgresUrl', cluster.url);
  return () => cluster.destroy();
}
