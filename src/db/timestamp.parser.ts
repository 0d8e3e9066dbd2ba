import { createPostgreSqlTypeParsers } from '@mikro-orm/postgresql';
import pg from 'pg';

/** PostgreSQL's type id of `timestamptz`. */
const TIMESTAMPTZ = 1184;
/** PostgreSQL's type id of `text[]`. */
const TEXT_ARRAY = 1009;

/**
 * Reads PostgreSQL's text form of a `timestamptz` in UTC, `2026-11-01 12:34:56.789+00`, as a
 * `Date`, with arithmetic on character codes; anything else (another offset or date style, more
 * than three fraction digits, `infinity`, years before 1000 or after 9999) is returned as it
 * came, for MikroORM's own date parsing.
 *
 * Every row carries two or three timestamps, and the general parser (a regular expression, then
 * the calendar) cost about 3% of a nested read's CPU (README, "How a read runs"). The server's
 * sessions run in UTC (`forceUtcTimezone`), so the fast form is the only one it meets.
 */
export function parseUtcTimestamp(text: string): Date | string {
  const n = text.length;
  // yyyy-mm-dd hh:mi:ss+00 (22), or with 1 to 3 fraction digits after a point (24 to 26).
  if (
    (n !== 22 && (n < 24 || n > 26)) ||
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 || // space
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58 ||
    (n > 22 && text.charCodeAt(19) !== 46) || // .
    text.charCodeAt(0) === 48 || // a year before 1000 goes the general way
    !text.endsWith('+00')
  ) {
    return text;
  }
  let ms = 0;
  for (let i = 20, scale = 100; i < n - 3; i++, scale /= 10) ms += digit(text, i) * scale;
  const year = two(text, 0) * 100 + two(text, 2);
  const seconds =
    ((daysFromCivil(year, two(text, 5), two(text, 8)) * 24 + two(text, 11)) * 60 + two(text, 14)) * 60;
  const time = (seconds + two(text, 17)) * 1000 + ms;
  return Number.isFinite(time) ? new Date(time) : text;
}

function digit(text: string, at: number): number {
  const d = text.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

function two(text: string, at: number): number {
  return digit(text, at) * 10 + digit(text, at + 1);
}

/** Days since 1970-01-01 of a date in the proleptic Gregorian calendar (H. Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * The type parsers of the server's connections: MikroORM's (which keep dates as text for its own
 * parsing), with `timestamptz` read by {@link parseUtcTimestamp}.
 */
export function connectionTypeParsers(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  // Arrays of dates stay arrays of text, as MikroORM keeps them: pg's parser of `text[]`.
  const textArray = pg.types.getTypeParser(TEXT_ARRAY as never) as (text: string) => string[];
  for (const [oid, parser] of Object.entries(createPostgreSqlTypeParsers(textArray))) {
    types.setTypeParser(Number(oid), parser);
  }
  types.setTypeParser(TIMESTAMPTZ, parseUtcTimestamp);
  return types;
}
