import fc from 'fast-check';
import {
  allows,
  compileGrants,
  explainCapability,
  explainDecision,
  operationsOfGrantItem,
  resourceMatches,
  CHAT_FEATURES,
  CHAT_PRESETS,
  ABLY_OPERATIONS,
  type AblyCapability,
  type GrantItem,
  isAblyChatAuthError,
} from '../src/index';

describe('compileGrants', () => {
  it('unions per room, deduplicates and sorts rooms and operations', () => {
    const compiled = compileGrants({ lobby: ['send', 'typing', 'receive'], 'dms:alice:*': 'history', announcements: [] })!;
    expect(compiled.capability).toEqual({ 'dms:alice:*': ['history', 'subscribe'], lobby: ['publish', 'subscribe'] });
    expect(compiled.rooms).toEqual(['dms:alice:*', 'lobby']);
    expect(compiled.json).toBe('{"dms:alice:*":["history","subscribe"],"lobby":["publish","subscribe"]}');
    expect(JSON.parse(compiled.json)).toEqual(compiled.capability);
  });

  it('collapses anything with op:* to ["*"]', () => {
    expect(compileGrants({ r: ['send', 'op:*'] }, { allowPrivilegedOperations: true })!.capability.r).toEqual(['*']);
  });

  it('returns null when nothing is granted', () => {
    expect(compileGrants(null)).toBeNull();
    expect(compileGrants(undefined)).toBeNull();
    expect(compileGrants(false)).toBeNull();
    expect(compileGrants({})).toBeNull();
    expect(compileGrants({ lobby: [] })).toBeNull();
  });

  it.each([
    ['an array', [['lobby', 'all']], /must be an object/],
    ['a string', 'lobby', /must be an object/],
    ['a number per room', { lobby: 3 }, /must be a feature name or an array/],
    ['a bad pattern', { 'lobby*': 'all' }, /Did you mean "lobby:\*"/],
    ['a non-string item', { lobby: [7] }, /must be strings/],
  ])('rejects %s with a coded error', (_label, grants, message) => {
    expect(() => compileGrants(grants)).toThrow(message);
    try {
      compileGrants(grants);
    } catch (error) {
      expect(isAblyChatAuthError(error)).toBe(true);
    }
  });

  const items: GrantItem[] = [
    ...(Object.keys(CHAT_FEATURES) as GrantItem[]),
    ...(Object.keys(CHAT_PRESETS) as GrantItem[]),
    ...ABLY_OPERATIONS.filter((op) => op !== '*').map((op) => `op:${op}` as GrantItem),
  ];
  // The items include op:push-admin and op:privileged-headers.
  const ALLOW = { allowPrivilegedOperations: true };
  const patterns = fc.constantFrom('lobby', 'dms:*', '*', 'team:*:general', 'a:b', 'announcements');
  const grantsArb = fc.array(fc.tuple(patterns, fc.array(fc.constantFrom(...items), { maxLength: 6 })), { maxLength: 8 });

  it('property: compiled operations are exactly those the grants name', () => {
    fc.assert(
      fc.property(grantsArb, (entries) => {
        const grants: Record<string, GrantItem[]> = {};
        const expected = new Map<string, Set<string>>();
        for (const [pattern, list] of entries) {
          grants[pattern] = [...(grants[pattern] ?? []), ...list];
          for (const item of list) {
            const set = expected.get(pattern) ?? new Set<string>();
            for (const op of operationsOfGrantItem(item)) set.add(op);
            expected.set(pattern, set);
          }
        }
        const compiled = compileGrants(grants, ALLOW);
        const nonEmpty = [...expected].filter(([, set]) => set.size > 0);
        if (nonEmpty.length === 0) return expect(compiled).toBeNull();
        expect(Object.keys(compiled!.capability).sort()).toEqual(nonEmpty.map(([p]) => p).sort());
        for (const [pattern, set] of nonEmpty) expect(compiled!.capability[pattern]).toEqual([...set].sort());
      }),
      { numRuns: 1000 },
    );
  });

  it('property: the result does not depend on input order', () => {
    fc.assert(
      fc.property(grantsArb, fc.integer(), (entries, seed) => {
        const shuffle = <T>(list: T[]) =>
          list
            .map((v, i) => ({ v, k: Math.sin(seed + i * 7919) }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.v);
        const forward: Record<string, GrantItem[]> = {};
        for (const [p, l] of entries) forward[p] = [...(forward[p] ?? []), ...l];
        const backward: Record<string, GrantItem[]> = {};
        for (const [p, l] of shuffle(entries)) backward[p] = shuffle([...(backward[p] ?? []), ...l]);
        expect(compileGrants(backward, ALLOW)?.json).toBe(compileGrants(forward, ALLOW)?.json);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("resourceMatches: Ably's wildcard rules", () => {
  it.each([
    ['my-room', 'my-room', true],
    ['my-room', 'my-room2', false],
    ['dms:*', 'dms:a', true],
    ['dms:*', 'dms:a:b', true],
    ['dms:*', 'dms', false],
    ['dms:*', 'dmsx:a', false],
    ['foo:*:baz', 'foo:bar:baz', true],
    ['foo:*:baz', 'foo:bar:qux', false],
    ['foo:*:baz', 'foo:bar:baz:x', false],
    ['foo*', 'foo*', true],
    ['foo*', 'foobar', false],
    ['*', 'anything:at:all', true],
    ['*', '[meta]log', false],
    ['[*]*', '[meta]log', true],
    ['[*]*', 'lobby', true],
  ])('%s vs %s -> %s', (resource, name, expected) => {
    expect(resourceMatches(resource, name)).toBe(expected);
  });
});

describe('allows and explain', () => {
  const capability = { lobby: ['publish', 'subscribe', 'presence'], 'dms:*': ['subscribe', 'history'], '*': ['subscribe'] } as const;

  it('decides features with wildcards', () => {
    const cap = JSON.parse(JSON.stringify(capability)) as AblyCapability;
    expect(allows(cap, 'lobby', 'send')).toBe(true);
    expect(allows(cap, 'lobby', 'presence')).toBe(true);
    expect(allows(cap, 'lobby', 'history')).toBe(false);
    expect(allows(cap, 'dms:a:b', 'history')).toBe(true);
    expect(allows(cap, 'dms:a:b', 'send')).toBe(false);
    expect(allows(cap, 'elsewhere', 'receive')).toBe(true);
    expect(allows(JSON.stringify(cap), 'elsewhere', 'op:subscribe')).toBe(true);
    expect(allows(cap, 'lobby', 'all')).toBe(false);
    expect(allows({ r: ['*'] }, 'r', 'moderator')).toBe(true);
  });

  it('says which grant decides, preferring exact rooms', () => {
    const decision = explainDecision(JSON.parse(JSON.stringify(capability)) as AblyCapability, 'lobby', 'history');
    expect(decision).toEqual({ allowed: false, required: ['history', 'subscribe'], grantedBy: { subscribe: 'lobby' }, missing: ['history'] });
  });

  it('explains a capability per room', () => {
    const explained = explainCapability(compileGrants({ lobby: 'all', mods: 'moderator', 'dms:*': ['receive', 'occupancy'] })!.json);
    expect(explained.lobby!.presets).toEqual(['all']);
    expect(explained.mods!.presets).toEqual(['all', 'moderator']);
    expect(explained['dms:*']!.features).toEqual(['receive', 'occupancy']);
    expect(explained.lobby!.features).toEqual(Object.keys(CHAT_FEATURES).filter((f) => !f.endsWith('-any')));
  });

  it('rejects a capability that is not an object of string arrays', () => {
    expect(() => explainCapability('not json')).toThrow(/not valid JSON/);
    expect(() => explainCapability('[]')).toThrow(/must be an object/);
    expect(() => explainCapability({ a: 'publish' } as never)).toThrow(/must be an array of strings/);
  });
});
