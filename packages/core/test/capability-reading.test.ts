import fc from 'fast-check';
import {
  ABLY_OPERATIONS,
  CHAT_FEATURE_NAMES,
  CHAT_PRESETS,
  explainCapability,
  explainDecision,
  featuresOfOperations,
  operationsOfGrantItem,
  parseCapability,
  resourceMatches,
  type AblyCapability,
  type AblyOperation,
  type GrantItem,
} from '../src';

// explainCapability explains each distinct operation set once and explainDecision matches the
// rooms once per call (a token may carry thousands of rooms); these check them against the plain
// per-room, per-operation reading they replace, on random capabilities.

const segment = fc.constantFrom('a', 'b', 'dms', '*');
const resource = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(':')),
  fc.constantFrom('[*]*', '[meta]x', 'foo*'),
);
const operations = fc.uniqueArray(fc.constantFrom(...ABLY_OPERATIONS, 'not-an-operation'), { maxLength: 6 });
const capability = fc.dictionary(resource, operations, { maxKeys: 12 });
const room = fc.array(fc.constantFrom('a', 'b', 'dms', 'c'), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(':'));
const item = fc.constantFrom<GrantItem>(...CHAT_FEATURE_NAMES, 'all', 'moderator', 'op:publish', 'op:*', 'op:history');

/** The reading before: every room on its own. */
function plainExplanation(cap: AblyCapability) {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(cap).sort()) {
    const ops = cap[name]!;
    const all = ops.includes('*');
    out[name] = {
      features: featuresOfOperations(ops),
      presets: (Object.keys(CHAT_PRESETS) as Array<keyof typeof CHAT_PRESETS>).filter((preset) => all || CHAT_PRESETS[preset].every((op) => ops.includes(op))),
      operations: all ? ['*'] : [...new Set(ops)].sort(),
    };
  }
  return out;
}

/** The decision before: for each operation, every resource in order, matched each time. */
function plainDecision(cap: AblyCapability, name: string, grantItem: GrantItem) {
  const required = operationsOfGrantItem(grantItem).filter((op) => op !== '*');
  const needed: AblyOperation[] = grantItem === 'op:*' ? ['*'] : required;
  const grantedBy: Partial<Record<AblyOperation, string>> = {};
  const resources = Object.keys(cap).sort((a, b) => Number(a.includes('*')) - Number(b.includes('*')));
  for (const op of needed) {
    for (const candidate of resources) {
      if (!resourceMatches(candidate, name)) continue;
      const ops = cap[candidate]!;
      if (ops.includes('*') || (op !== '*' && ops.includes(op))) {
        grantedBy[op] = candidate;
        break;
      }
    }
  }
  const missing = needed.filter((op) => grantedBy[op] === undefined);
  return { allowed: missing.length === 0, required: needed, grantedBy, missing };
}

describe('reading a capability of many rooms', () => {
  it('explains every room as the per-room reading does', () => {
    fc.assert(
      fc.property(capability, (raw) => {
        const cap = parseCapability(JSON.stringify(raw));
        expect(explainCapability(JSON.stringify(raw))).toEqual(plainExplanation(cap));
      }),
      { numRuns: 500 },
    );
  });

  it('decides as the per-operation reading does', () => {
    fc.assert(
      fc.property(capability, room, item, (raw, name, grantItem) => {
        expect(explainDecision(JSON.stringify(raw), name, grantItem)).toEqual(plainDecision(parseCapability(JSON.stringify(raw)), name, grantItem));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives each room its own lists, even when rooms share their operations', () => {
    const rooms = explainCapability({ a: ['publish', 'subscribe'], b: ['subscribe', 'publish'] });
    rooms.a!.features.push('occupancy');
    rooms.a!.operations.pop();
    rooms.a!.presets.push('all');
    expect(rooms.b).toEqual({ features: ['send', 'receive', 'typing', 'room-reactions'], presets: [], operations: ['publish', 'subscribe'] });
  });

  it('checks operations as before: holes skipped, unknown names dropped, anything but strings refused', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(parseCapability({ a: ['publish', , 'nope', 'subscribe'] })).toEqual({ a: ['publish', 'subscribe'] });
    expect(() => parseCapability({ a: ['publish', 3] })).toThrow("The operations of resource 'a' must be an array of strings.");
    expect(() => parseCapability({ a: 'publish' })).toThrow("The operations of resource 'a' must be an array of strings.");
  });
});
