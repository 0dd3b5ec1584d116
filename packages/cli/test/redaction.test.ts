import fc from 'fast-check';
import { REDACTED, SecretRedactor } from '../src/redaction';
import { collectSecrets } from '../src/secrets';
import { secretRuns } from './helpers';

const SECRET = 'Zx9_Qm2-Lp7vTt4yWc1aNs8kHd3eBf6g0Rj5uOiE';

function redactorFor(...secrets: string[]): SecretRedactor {
  const redactor = new SecretRedactor();
  for (const secret of secrets) redactor.add(secret);
  return redactor;
}

describe('SecretRedactor', () => {
  it('hides a whole secret, a prefix, a suffix and an inner stretch of 8 characters or more', () => {
    const redactor = redactorFor(SECRET);
    expect(redactor.redact(`key ${SECRET}.`)).toBe(`key ${REDACTED}.`);
    expect(redactor.redact(`"${SECRET.slice(0, 22)}" is not a duration`)).toBe(`"${REDACTED}" is not a duration`);
    expect(redactor.redact(`tail ${SECRET.slice(-8)}`)).toBe(`tail ${REDACTED}`);
    expect(redactor.redact(`(${SECRET.slice(10, 18)})`)).toBe(`(${REDACTED})`);
  });

  it('leaves runs of 7 characters, and text without a secret, untouched', () => {
    const redactor = redactorFor(SECRET);
    const seven = `${SECRET.slice(0, 7)} ${SECRET.slice(20, 27)}`;
    expect(redactor.redact(seven)).toBe(seven);
    expect(redactorFor().redact(SECRET)).toBe(SECRET);
    expect(redactorFor('short').redact('short and shorter')).toBe('short and shorter');
  });

  it('never lets 8 consecutive characters of any secret through, wherever they sit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 8, maxLength: 50 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.nat(), fc.nat(), fc.nat())),
        (secrets, pieces) => {
          const text = pieces
            .map(([filler, which, start, length]) => {
              const secret = secrets[which % secrets.length]!;
              const from = start % secret.length;
              return filler + secret.slice(from, from + (length % (secret.length + 1)));
            })
            .join('');
          const out = redactorFor(...secrets).redact(text);
          for (const run of secrets.flatMap(secretRuns)) expect(out).not.toContain(run);
        },
      ),
    );
  });
});

describe('collectSecrets', () => {
  const leaks = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const redactor = new SecretRedactor();
    collectSecrets(redactor, argv, env);
    return redactor.redact(`[${SECRET}]`) === `[${SECRET}]`;
  };

  it.each([
    [['--key', `app.key:${SECRET}`]],
    [[`--key=app.key:${SECRET}`]],
    [['-k', SECRET]],
    [[`-k${SECRET}`]],
    [['-k', `app:${SECRET}`]],
    [['--ttl', `app.key:${SECRET}`]],
    [['-t', `app.key:${SECRET}:extra`]],
    [['--grant', `lobby=app.key:${SECRET}`]],
    [[`--kye=app.key:${SECRET}`]],
    [['inspect', `Bearer app.key:${SECRET}`]],
  ])('takes the secret from %j', (argv) => {
    expect(leaks(argv)).toBe(false);
  });

  it('takes the secret from ABLY_API_KEY, even malformed, and from key-shaped values of key-like variables', () => {
    expect(leaks([], { ABLY_API_KEY: SECRET })).toBe(false);
    expect(leaks([], { MY_ABLY_KEY: `app.key:${SECRET}` })).toBe(false);
    // Other variables are not scanned: PATH-like values can look key-shaped by chance.
    expect(leaks([], { SOMETHING: `app.key:${SECRET}` })).toBe(true);
  });

  it('does not take ordinary option values for secrets', () => {
    expect(leaks(['mint', '-c', SECRET, '-g', 'dms:alice:*=send'])).toBe(true);
  });
});
