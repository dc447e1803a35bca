/**
 * The one pool of worker threads (piscina) for all CPU work: plans, solves, analyses,
 * Monte Carlo draws. The event loop only parses, authorises, queues and serialises.
 *
 * A task may carry an AbortSignal (the client went away, the job was cancelled) and a time limit;
 * either stops it: a queued task is dropped, a running one has its thread terminated (piscina
 * replaces it). A task that reads a cancellation flag (cancel.ts) is asked to stop instead, and its
 * thread is terminated only if it is still running `CANCEL_GRACE_MS` later. Threads: CPU_THREADS,
 * default min(2, cores).
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import { FixedQueue, Piscina, queueOptionsSymbol, type TaskQueue } from 'piscina';
import { poolThreadsFromEnv } from '../config.ts';
import { cancelTask, type CancelFlag } from './cancel.ts';
import { errorMessage } from '../solver/common.ts';

let threads: number | undefined;
/**
 * Threads in the pool (CPU_THREADS), read on first use rather than on import: the entry points check it
 * with the rest of the configuration, so a bad value is a one-line configuration error.
 */
export function poolThreads(): number {
  threads ??= poolThreadsFromEnv();
  return threads;
}

/**
 * The tasks a thread runs, by name: [request, result]. server/pool/tasks.ts, the threads' module,
 * declares them (declaration merging), so the pool does not import what its tasks do and the modules
 * that run tasks (the optimiser, the analyses) are not in a circle with the tasks that run them.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by server/pool/tasks.ts
export interface PoolTasks {}

/**
 * The threads' module. Compiled (dist/, `npm start`): tasks.js beside this file, plain JavaScript. From
 * the TypeScript source (tests, development scripts): worker.mjs, which registers tsx in the thread
 * and then loads tasks.ts.
 */
export const POOL_ENTRY_URL = new URL(import.meta.url.endsWith('.ts') ? './worker.mjs' : './tasks.js', import.meta.url);

let entryUrl: URL = POOL_ENTRY_URL;
/**
 * The module the next pool's threads load (the pool made after this call; a running pool keeps its
 * own). A process that runs from the TypeScript source may point it at the compiled tasks
 * (dist/pool/tasks.js) once dist/ is built from that same source: such a thread starts in about a
 * third of the CPU time of one that compiles the source through tsx. The test suite does so.
 */
export function setPoolEntry(url: URL): void {
  entryUrl = url;
}

type TaskRequest<K extends keyof PoolTasks> = PoolTasks[K] extends readonly [infer Request, unknown] ? Request : never;
type TaskResult<K extends keyof PoolTasks> = PoolTasks[K] extends readonly [unknown, infer Result] ? Result : never;

/** The threads' flags for the process's own (poolThreadExecArgv), once worked out. */
let processThreadArgv: readonly string[] | null = null;

/**
 * The flags of the pool's threads: the process's own that a thread may have, with require() of ES
 * modules turned off.
 *
 * A Worker refuses the process's own flags (V8's, such as `--max-old-space-size` or `--expose-gc`, and
 * Node's process-wide ones, such as `--title`): given any, it does not start, and every plan would
 * fail. Those flags are left out; V8's apply to the threads all the same (they are the process's).
 *
 * Piscina loads a thread's module with require() first and with import() when that fails. On Node
 * 20.19 and later, require() of an ES module goes ahead (require(esm)), and a thread stopped while
 * that load runs (a task cancelled or out of time as its thread starts) takes the whole process
 * down: V8's fatal error "v8::Module::IsGraphAsync must be used on an instantiated module". Without
 * require(esm), require() fails at once and import() loads the module, which a thread can be stopped
 * in.
 */
export function poolThreadExecArgv(own: readonly string[] = process.execArgv): string[] {
  // The process's flags never change: checked once, not at every pool made.
  if (own === process.execArgv && processThreadArgv) return [...processThreadArgv];
  const flag = '--no-experimental-require-module';
  const asked = process.allowedNodeEnvironmentFlags.has(flag) && !own.includes(flag) ? [...own, flag] : [...own];
  const kept = withoutRefusedFlags(asked);
  if (own === process.execArgv) processThreadArgv = kept;
  return [...kept];
}

/**
 * `argv` without the flags a Worker refuses. Node names them in the error it throws when the Worker
 * is made (before any thread starts); a flag given its value as the next argument loses it too.
 */
export function withoutRefusedFlags(argv: readonly string[]): string[] {
  let kept = [...argv];
  // Each round removes at least one flag, or ends.
  for (let round = 0; round <= argv.length; round++) {
    const refused = refusedByWorker(kept);
    if (refused.size === 0) return kept;
    const next: string[] = [];
    for (let i = 0; i < kept.length; i++) {
      const arg = kept[i]!;
      if (!refused.has(arg)) {
        next.push(arg);
        continue;
      }
      // `--title x`: the value goes with its flag.
      if (!arg.includes('=') && i + 1 < kept.length && !kept[i + 1]!.startsWith('-')) i++;
    }
    // Named in a form not found here: keep none of the process's flags rather than no thread at all.
    if (next.length === kept.length) return argv.filter((arg) => arg === '--no-experimental-require-module');
    kept = next;
  }
  return kept;
}

/** The flags of `execArgv` a Worker refuses (empty: it takes them all). */
function refusedByWorker(execArgv: readonly string[]): Set<string> {
  try {
    // Made only to be checked: the flags are checked as it is made, and the thread it starts ends at once.
    const probe = new Worker('', { eval: true, execArgv: [...execArgv], stdout: true, stderr: true });
    probe.unref();
    void probe.terminate();
    return new Set();
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    const listed = (e as Error).message.split('flags: ')[1] ?? '';
    return new Set(listed.split(', ').filter((f) => f !== ''));
  }
}

let pool: Piscina | null = null;

function thePool(): Piscina {
  if (pool) return pool;
  pool = new Piscina({
    filename: entryUrl.href,
    execArgv: poolThreadExecArgv(),
    // Every thread from the start and for good: warm (HiGHS loaded, JIT-compiled) between requests,
    // and no thread start (seconds on a busy machine) in the middle of a burst of requests.
    minThreads: poolThreads(),
    maxThreads: poolThreads(),
    idleTimeout: Number.POSITIVE_INFINITY,
    // No limit here: the backlog is bounded in front of the pool (server/api/admission.ts for
    // requests, JOB_MAX_RUNNING for jobs, each of which has a few tasks in flight at most).
    maxQueue: Number.POSITIVE_INFINITY,
    taskQueue: new FrontLaneQueue(),
  });
  // Once per pool: a listener added on every task would pile up for as long as the process runs.
  pool.on('error', onPoolError);
  return pool;
}

/**
 * The pool's 'error' events, which with no listener would be uncaught exceptions. A thread's answer
 * can cross a task's abort: it arrives for a task the pool has already settled as aborted, and
 * piscina reports "Unexpected message from Worker". The caller has its answer (TaskAbortedError), so
 * that is dropped; anything else becomes a process warning.
 */
export function onPoolError(e: unknown): void {
  if (e instanceof Error && e.message.startsWith('Unexpected message from Worker')) return;
  process.emitWarning(`CPU pool: ${e instanceof Error ? e.message : String(e)}`);
}

/** A task's place in the pool's queue: `first`, ahead of every task that has not waited its turn yet. */
export interface QueuePlace {
  readonly first?: boolean;
}

/** A task as piscina queues it. */
type Task = Parameters<TaskQueue['push']>[0];

/**
 * The pool's queue: first in, first out, except that a task sent `first` goes ahead of the others.
 * Such a task has already waited its turn once: a task sent again because the thread that took it
 * did not hold its network (networks.ts). At the back of the queue it would wait twice.
 */
export class FrontLaneQueue implements TaskQueue {
  readonly #front: Task[] = [];
  readonly #rest = new FixedQueue();

  get size(): number {
    return this.#front.length + this.#rest.size;
  }

  push(task: Task): void {
    if ((task[queueOptionsSymbol] as QueuePlace | null)?.first) this.#front.push(task);
    else this.#rest.push(task);
  }

  shift(): Task | null {
    return this.#front.shift() ?? this.#rest.shift();
  }

  remove(task: Task): void {
    const i = this.#front.indexOf(task);
    if (i >= 0) this.#front.splice(i, 1);
    else this.#rest.remove(task);
  }
}

/** The task ran past its time limit and was stopped. */
export class TaskTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`the work did not finish within ${limitMs} ms and was stopped`);
    this.name = 'TaskTimeoutError';
  }
}

/** The task was cancelled (client gone, job cancelled) before it finished. */
export class TaskAbortedError extends Error {
  constructor() {
    super('the work was cancelled');
    this.name = 'AbortError';
  }
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Objects moved to the thread rather than copied (MessagePorts). */
  readonly transferList?: readonly (MessagePort | ArrayBuffer)[];
  /** Stop the task this long after it was queued (its whole time, queue included). */
  readonly timeoutMs?: number;
  /**
   * The flag the task reads (cancel.ts). On `signal` the caller's promise rejects at once; a task
   * not started yet is skipped by its thread, a running one is told to stop and its thread is
   * terminated only if it is still running `CANCEL_GRACE_MS` later.
   */
  readonly cancel?: CancelFlag;
  /** With `cancel`: how long a cancelled running task may go on. Default `CANCEL_GRACE_MS`. */
  readonly cancelGraceMs?: number;
  /** Given a setter that moves the time limit (counted from now) once the task is queued. */
  readonly retime?: (set: (timeoutMs: number) => void) => void;
  /** Ahead of every task that has not waited yet (QueuePlace). */
  readonly first?: boolean;
}

/**
 * How long a cancelled task that reads its flag may run on before its thread is stopped: a plan
 * reads it before each solve, and a cold thread (TypeScript, modules, HiGHS, the JIT's warm-up) costs
 * far more than a short plan's end.
 */
export const CANCEL_GRACE_MS = 300;

/**
 * Runs `name` in the pool. Rejects with TaskAbortedError when `signal` fires first, with
 * TaskTimeoutError at the time limit, and with the task's own error otherwise.
 */
export async function runTask<K extends keyof PoolTasks>(name: K, task: TaskRequest<K>, options: RunOptions = {}): Promise<TaskResult<K>> {
  const { signal, timeoutMs, cancel } = options;
  if (signal?.aborted) throw new TaskAbortedError();
  const controller = new AbortController();
  let timedOut = false;
  let limitMs = timeoutMs;
  const stopAfter = (ms: number) =>
    setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, Math.max(0, ms));
  let timer = timeoutMs !== undefined && Number.isFinite(timeoutMs) ? stopAfter(timeoutMs) : null;
  let finished = false;
  options.retime?.((ms) => {
    if (finished) return;
    if (timer) clearTimeout(timer);
    limitMs = ms;
    timer = stopAfter(ms);
  });
  // The queue reads a task's place from the task itself; a symbol-keyed property is not copied to the thread.
  const queued = options.first ? { ...(task as object), [queueOptionsSymbol]: { first: true } satisfies QueuePlace } : task;
  const running = thePool().run(queued, { name, signal: controller.signal, transferList: options.transferList as never }) as Promise<TaskResult<K>>;
  let callerGone: ((e: Error) => void) | undefined;
  const gone = cancel ? new Promise<never>((_, reject) => (callerGone = reject)) : null;
  const onAbort = () => {
    if (!cancel) return controller.abort();
    if (cancelTask(cancel)) {
      // Running: it ends at its next step, or its thread is stopped after the grace.
      const grace = setTimeout(() => controller.abort(), options.cancelGraceMs ?? CANCEL_GRACE_MS);
      const settled = () => clearTimeout(grace);
      running.then(settled, settled);
    }
    callerGone?.(new TaskAbortedError());
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // With a flag, the caller stops waiting at once; the task's own end (skipped, stopped early) is
    // awaited by no one (Promise.race has handled its rejection).
    const result = await (gone ? Promise.race([running, gone]) : running);
    // A thread ran it: the pool's threads start.
    startFailure = null;
    return result;
  } catch (e) {
    if (timedOut) throw new TaskTimeoutError(limitMs!);
    if (signal?.aborted) throw new TaskAbortedError();
    throw e;
  } finally {
    finished = true;
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Why the threads could not start when the pool was warmed up; cleared by the next task that runs to its end. */
let startFailure: string | null = null;

/**
 * Why the pool's threads could not start when the service warmed them up (a broken install: the
 * threads' module missing or failing to load), as long as no task has run to its end since; null when
 * they can. `/ready` answers 503 with it: no thread would take a plan, whatever `/health` says.
 */
export function poolStartFailure(): string | null {
  return startFailure;
}

/**
 * Starts the threads and loads the solver in each (a small solve per thread, all at once), so the
 * first requests do not pay for it. The server calls this before it listens. When it fails, the
 * reason is kept (`poolStartFailure`) and the error thrown.
 */
export async function warmUpPool(): Promise<void> {
  try {
    await warmUp();
    startFailure = null;
  } catch (e) {
    startFailure = errorMessage(e);
    throw e;
  }
}

async function warmUp(): Promise<void> {
  const model = {
    name: 'warm-up',
    sense: 'max' as const,
    variables: [{ name: 'x', lb: 0, ub: 1, cost: 1, kind: 'continuous' as const }],
    rows: [{ name: 'r', family: 'capacity', terms: [{ v: 0, coef: 1 }], lb: -Infinity, ub: 1, label: 'r' }],
  };
  await Promise.all(
    Array.from({ length: poolThreads() }, () => runTask('solve', { model, options: { engine: 'highs', timeLimitMs: 10_000, wantSensitivity: true } })),
  );
}

/** Tasks waiting for a thread, threads alive (a replaced thread has a new id) and their flags (health, tests). */
export function poolStats(): { queued: number; threads: number; threadIds: number[]; utilization: number; execArgv: readonly string[] } {
  if (!pool) return { queued: 0, threads: 0, threadIds: [], utilization: 0, execArgv: [] };
  return {
    queued: pool.queueSize,
    threads: pool.threads.length,
    threadIds: pool.threads.map((t) => t.threadId),
    utilization: pool.utilization,
    // The flags its threads run with (poolThreadExecArgv).
    execArgv: pool.options.execArgv ?? [],
  };
}

/** Terminates every thread (tests, graceful shutdown). Waiting tasks are rejected. */
export async function closePool(): Promise<void> {
  const p = pool;
  pool = null;
  if (p) await p.destroy();
}
