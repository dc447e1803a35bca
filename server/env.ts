/**
 * Settings from the environment, shared by the service's and the job queue's configuration: unset
 * or blank is undefined (the caller's default applies); a value that cannot be used throws, naming
 * the variable and what it must be.
 */

/** A number from `min` to `max` (a whole number unless `integer` is false). */
export function envNumber(env: NodeJS.ProcessEnv, name: string, min: number, max: number, integer = true): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

/** 1 / true / yes / on, or 0 / false / no / off (any case). */
export function envBoolean(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false`);
}
