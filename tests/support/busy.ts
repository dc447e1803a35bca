/**
 * `npm run test:busy`: the whole suite on a busy machine. Starts two CPU-bound processes (each
 * spins one core) beside the suite and runs `vitest run` several times in a row (BUSY_RUNS, default
 * 3); exits non-zero on the first failing run. The spinning processes are stopped, by their pids,
 * whatever happens. Extra arguments go to vitest (e.g. a file or a folder).
 */
import { spawn, type ChildProcess } from 'node:child_process';

const RUNS = Math.max(1, Number(process.env.BUSY_RUNS ?? 3));
const BURNERS = Math.max(0, Number(process.env.BUSY_BURNERS ?? 2));
const extra = process.argv.slice(2);

const burners: ChildProcess[] = Array.from({ length: BURNERS }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopBurners = () => {
  for (const b of burners) if (b.exitCode === null && b.signalCode === null) b.kill('SIGKILL');
};
process.on('exit', stopBurners);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

let failed = 0;
for (let run = 1; run <= RUNS; run++) {
  process.stdout.write(`\n=== run ${run} of ${RUNS}, ${BURNERS} CPU-bound processes beside it ===\n`);
  const started = Date.now();
  const code = await new Promise<number | null>((resolve) => {
    const vitest = spawn('npx', ['vitest', 'run', ...extra], { stdio: 'inherit' });
    vitest.on('exit', (c) => resolve(c));
  });
  process.stdout.write(`=== run ${run}: ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${Math.round((Date.now() - started) / 1000)} s ===\n`);
  if (code !== 0) {
    failed = run;
    break;
  }
}
stopBurners();
process.exitCode = failed === 0 ? 0 : 1;
