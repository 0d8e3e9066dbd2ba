import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUtcTimestamp } from '../src/db/timestamp.parser.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** PostgreSQL's text form of an instant in UTC, with the trailing zeros of the fraction trimmed. */
function postgresText(time: number): string {
  const iso = new Date(time).toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
}

describe('reading timestamps', () => {
  it('reads every UTC instant from year 1000 to 9999 exactly, whatever its fraction', () => {
    const from = Date.UTC(1000, 0, 1);
    const to = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    const instants = [
      0,
      1,
      999,
      1000,
      -1,
      Date.UTC(2024, 1, 29, 23, 59, 59, 990),
      Date.UTC(2000, 2, 1),
      from,
      to,
    ];
    // Seeded, so that a failure can be replayed.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 50_000; i++) instants.push(Math.floor(from + random() * (to - from)));
    for (const time of instants) {
      const text = postgresText(time);
      const parsed = parseUtcTimestamp(text);
      expect(parsed instanceof Date ? parsed.getTime() : parsed, text).toBe(time);
    }
  });

  it('leaves any other form to the ORM as text', () => {
    for (const text of [
      '2026-11-01 12:34:56.123456+00', // more precision than a Date holds
      '2026-11-01 12:34:56.789+02', // another time zone
      '0099-01-01 00:00:00+00',
      'infinity',
      '01/11/2026 12:34:56.789 UTC', // another DateStyle
      '2026-11-01 12:34:5x+00',
    ]) {
      expect(parseUtcTimestamp(text)).toBe(text);
    }
  });

  describe('through the server', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t?.stop());

    it('reads the timestamps PostgreSQL stores as the instants they are', async () => {
      const em = t.app.orm.em.fork();
      const rows = await em.execute<{ a: Date; b: Date | string; c: Date }[]>(
        `select timestamptz '2026-11-01 12:34:56.78+00' as a, timestamptz '2026-11-01 12:34:56.123456+00' as b,
         timestamptz '1999-12-31 23:00:00-05' as c`,
      );
      const [row] = rows;
      expect(row?.a).toEqual(new Date('2026-11-01T12:34:56.780Z'));
      expect(row?.c).toEqual(new Date('2000-01-01T04:00:00.000Z'));
      // Microseconds come as text: MikroORM's own parsing reads it when it maps a row.
      expect(new Date(String(row?.b).replace(' ', 'T').replace('+00', 'Z')).toISOString()).toBe(
        '2026-11-01T12:34:56.123Z',
      );
    });
  });
});
