/**
 * Which errors say that the database cannot be reached now (a refused or dropped connection, a
 * server shutting down or starting up, a retriable conflict), rather than that a statement is wrong.
 * The PostgreSQL store turns them into StoreUnavailableError; the API answers any that reaches it
 * (from the job queue too) with a 503 and Retry-After; a process keeps running through one it was
 * not awaiting (server/process-guard.ts). No dependency on the driver: the codes are pg's and Node's.
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovering)
  '57014', // query_canceled (statement timeout)
  '53300', // too_many_connections
  '40001', // serialization_failure: retriable
  '40P01', // deadlock_detected: retriable
]);
const CONNECTION_MESSAGES =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Query read timeout|after calling end on the pool|the database system is (starting up|shutting down)|terminating connection/i;

/** True for errors that say the database cannot be reached now, rather than that a statement is wrong. */
export function isConnectionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
  // AggregateError (several addresses refused) and wrapped causes.
  const inner = (error as { errors?: unknown[]; cause?: unknown }).errors ?? [];
  return inner.some(isConnectionError) || isConnectionError((error as { cause?: unknown }).cause);
}

