const UNIT_SECONDS = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;

/**
 * Reads a duration such as `90`, `90s`, `30m`, `12h` or `7d` (a bare number is seconds), as
 * `JWT_MAX_TTL` and `npm run token -- --ttl` take it.
 *
 * @returns whole seconds, or `undefined` when `text` is not such a duration
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})\s*([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] || 's') as keyof typeof UNIT_SECONDS;
  return Number(match[1]) * UNIT_SECONDS[unit];
}
