import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * True when no token is configured, or when `Authorization: Bearer <token>` carries it. Compared in
 * constant time, on hashes so that the length of the token does not leak either.
 */
export function checkBearer(authorization: string | null | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return timingSafeEqual(digest(match?.[1] ?? ''), digest(token)) && match !== null;
}
