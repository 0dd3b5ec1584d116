import { levenshteinEditDistance as distance } from 'levenshtein-edit-distance';
import { AblyChatAuthError } from './errors.js';

/**
 * The known name closest to `input`, when it is close enough to be a typo (at most 2 edits, or a
 * third of its length for long names; case ignored). The one "did you mean" of core: option
 * names, Chat features.
 */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length > 64) return undefined;
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

/**
 * Refuses option names nobody reads, so a typo (`tll: 60`, `polciy`) fails at startup instead of
 * silently doing nothing. `misplaced` maps names that belong elsewhere to where they go.
 *
 * @example
 * assertKnownOptions(options, ['apiKey', 'ttl'], 'createTokenIssuer');
 */
export function assertKnownOptions(options: object, known: readonly string[], where: string, misplaced: Readonly<Record<string, string>> = {}): void {
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const elsewhere = Object.prototype.hasOwnProperty.call(misplaced, name) ? misplaced[name] : undefined;
    if (elsewhere !== undefined) {
      throw new AblyChatAuthError('ERR_UNKNOWN_OPTION', `${where}: '${name}' is not read here; ${elsewhere}`, { details: { option: name } });
    }
    const suggestion = closestName(name, known);
    const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
    throw new AblyChatAuthError(
      'ERR_UNKNOWN_OPTION',
      `${where}: unknown option ${shown}.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Known options: ${known.join(', ')}.`,
      { details: { option: name, ...(suggestion ? { suggestion } : {}) } },
    );
  }
}
