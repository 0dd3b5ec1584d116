/* base64url of a payload's UTF-8 goes through one reused buffer on Node (tokens up to 16 KiB of
 * UTF-8 worst case) and through Buffer.from above that: both must give Buffer's own answer, and a
 * long payload must leave nothing behind in a shorter one that follows. */
import fc from 'fast-check';
import { base64urlOfText } from '../src/utf8';

const reference = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

test('property: base64urlOfText is Buffer.from(text).toString("base64url") for any UTF-16, at every size', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.string({ maxLength: 50, unit: 'binary' }), fc.string({ minLength: 5000, maxLength: 7000, unit: 'binary' })), {
        minLength: 1,
        maxLength: 4,
      }),
      (texts) => {
        for (const text of texts) expect(base64urlOfText(text)).toBe(reference(text));
      },
    ),
    { numRuns: 200, seed },
  );
});

test('the largest text the reused buffer takes, one unit over it, and a short one after them', () => {
  for (const text of ['€'.repeat(5461), '€'.repeat(5462), 'a'.repeat(5462), 'ok']) expect(base64urlOfText(text)).toBe(reference(text));
});
