/**
 * A long-running process (the API, `npm run worker`) keeps running through a lost database
 * connection it was not awaiting. pg-boss's work loop completes and fails jobs without awaiting the
 * promise: while PostgreSQL restarts, that promise rejects with ECONNREFUSED and, unhandled, ended
 * the worker (Node's default), leaving its jobs `running` until their time cap. Such a rejection is
 * logged as a warning (the chunk it was about comes back when its claim expires); any other is a
 * fault: logged, and the process exits as Node's default would.
 */
import { isConnectionError } from './store/connection-errors.ts';

interface Log {
  warn(object: object, message: string): void;
  fatal(object: object, message: string): void;
}

/** The handler, with the exit it calls on a fault (tests give their own). */
export function unhandledRejectionHandler(log: Log, exit: (code: number) => void = (code) => process.exit(code)): (reason: unknown) => void {
  return (reason) => {
    if (isConnectionError(reason)) {
      log.warn({ err: reason }, 'the database connection was lost under a promise nobody awaited; carrying on (the work it was about is retried)');
      return;
    }
    log.fatal({ err: reason }, 'unhandled promise rejection; exiting');
    exit(1);
  };
}

/** Installs the handler for this process. */
export function keepRunningThroughLostConnections(log: Log): void {
  process.on('unhandledRejection', unhandledRejectionHandler(log));
}
