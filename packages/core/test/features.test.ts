import { ALL_CHAT_OPERATIONS } from '@ably-chat-auth/adapter-contract/testing';
import {
  CHAT_FEATURES,
  CHAT_PRESETS,
  ABLY_OPERATIONS,
  compileGrants,
  featuresOfOperations,
  operation,
  operationsOfGrantItem,
  isAblyChatAuthError,
} from '../src/index';

// Ably's Chat capability table, as written on the seed page.
const SEED_TABLE: Record<string, string[][]> = {
  'Send messages': [['publish']],
  'Receive messages': [['subscribe']],
  'Update messages': [['message-update-any'], ['message-update-own']],
  'Delete messages': [['message-delete-any'], ['message-delete-own']],
  'Message history': [['subscribe', 'history']],
  'Message reactions': [['annotation-publish'], ['annotation-publish', 'annotation-subscribe']],
  Presence: [['subscribe', 'presence']],
  'Typing indicators': [['publish', 'subscribe']],
  'Room reactions': [['publish', 'subscribe']],
  Occupancy: [['subscribe', 'channel-metadata']],
};

describe('Chat features', () => {
  it('models every row of the seed table', () => {
    const modelled = Object.values(CHAT_FEATURES).map((ops) => [...ops].sort().join(','));
    for (const variants of Object.values(SEED_TABLE)) {
      for (const ops of variants) expect(modelled).toContain([...ops].sort().join(','));
    }
  });

  it("'all' is exactly the seed's last row", () => {
    expect([...CHAT_PRESETS.all].sort()).toEqual(ALL_CHAT_OPERATIONS);
  });

  it("'moderator' is all plus update-any and delete-any", () => {
    expect([...CHAT_PRESETS.moderator].sort()).toEqual([...CHAT_PRESETS.all, 'message-update-any', 'message-delete-any'].sort());
  });

  it('the presence and history features are the seed rows, the raw operations need op:', () => {
    expect(operationsOfGrantItem('presence')).toEqual(['presence', 'subscribe']);
    expect(operationsOfGrantItem('history')).toEqual(['history', 'subscribe']);
    expect(operationsOfGrantItem('op:presence')).toEqual(['presence']);
    expect(operationsOfGrantItem(operation('history'))).toEqual(['history']);
  });

  it('rejects a raw operation written without op:, saying how to write it', () => {
    expect(() => compileGrants({ lobby: ['publish' as never] })).toThrow(/write 'op:publish'/);
  });

  it('suggests the nearest feature for a typo', () => {
    expect(() => compileGrants({ lobby: ['typng' as never] })).toThrow(/Did you mean 'typing'\?/);
    try {
      compileGrants({ lobby: ['op:publsh' as never] });
    } catch (error) {
      expect(isAblyChatAuthError(error, 'ERR_UNKNOWN_FEATURE')).toBe(true);
      expect((error as Error).message).toMatch(/not an Ably operation/);
    }
    expect.assertions(3);
  });

  it('operation() refuses unknown names', () => {
    expect(() => operation('teleport' as never)).toThrow(/not an Ably operation/);
  });

  it('accepts every Ably operation in raw form (privileged ones when allowed)', () => {
    for (const op of ABLY_OPERATIONS) expect(compileGrants({ r: [`op:${op}`] }, { allowPrivilegedOperations: true })?.capability.r).toEqual([op]);
  });

  it('reads operations back into features', () => {
    expect(featuresOfOperations(['subscribe', 'channel-metadata'])).toEqual(['receive', 'occupancy']);
    expect(featuresOfOperations(['*'])).toEqual(Object.keys(CHAT_FEATURES));
  });
});
