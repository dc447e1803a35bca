/** Small HTTP helpers shared by routes: versions in ETag / If-Match. */
import { ApiError } from './errors.ts';

export const etagOf = (version: number): string => `"${version}"`;

/** `3`, `"3"` or `W/"3"` → 3; absent → undefined; anything else → 400. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw new ApiError('invalid_request', 'If-Match must be the scenario version, e.g. If-Match: "3"');
  return Number(match[1]);
}
