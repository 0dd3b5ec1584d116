/* Core reads duration strings itself, with the `ms` package's grammar; `ms` is the oracle. */
import fc from 'fast-check';
import ms from 'ms';
import { durationStringMs } from '../src/duration';

const UNITS = ['milliseconds', 'millisecond', 'msecs', 'msec', 'ms', 'seconds', 'second', 'secs', 'sec', 's', 'minutes', 'minute', 'mins', 'min', 'm'];
const MORE = ['hours', 'hour', 'hrs', 'hr', 'h', 'days', 'day', 'd', 'weeks', 'week', 'w', 'years', 'year', 'yrs', 'yr', 'y', 'fortnight', 'sx', ''];
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

/** What `ms` makes of a string, with its throw (on '') and NaN read as "not a duration". */
function oracle(text: string): number | undefined {
  try {
    const value = (ms as (v: string) => number | undefined)(text);
    return typeof value === 'number' && !Number.isNaN(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

describe('duration strings read as the ms package reads them', () => {
  test('the documented examples', () => {
    expect(durationStringMs('15m')).toBe(900_000);
    expect(durationStringMs('1h')).toBe(3_600_000);
    expect(durationStringMs('30s')).toBe(30_000);
    expect(durationStringMs('1.5 Days')).toBe(129_600_000);
    expect(durationStringMs('')).toBeUndefined();
    expect(durationStringMs('1 fortnight')).toBeUndefined();
  });

  test('property: number, spaces and every unit spelling in any case', () => {
    const unit = fc
      .constantFrom(...UNITS, ...MORE)
      .chain((u) =>
        fc.array(fc.boolean(), { minLength: u.length, maxLength: u.length }).map((upper) => [...u].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
      );
    const number = fc.oneof(
      fc.nat({ max: 100_000 }).map(String),
      fc.double({ min: -1000, max: 1000, noNaN: true }).map((n) => String(n)),
      fc.constantFrom('.5', '-.5', '1.', '-', '1e3'),
    );
    fc.assert(
      fc.property(number, fc.constantFrom('', ' ', '  ', '\t'), unit, (n, space, u) => {
        const text = `${n}${space}${u}`;
        expect(durationStringMs(text)).toBe(oracle(text));
      }),
      { numRuns: 2000, seed },
    );
  });

  test('property: any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        expect(durationStringMs(text)).toBe(oracle(text));
      }),
      { numRuns: 2000, seed },
    );
  });
});
