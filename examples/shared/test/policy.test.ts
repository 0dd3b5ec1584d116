import {
  CHAT_PRESETS,
  allows,
  compileGrants,
  createTokenIssuer,
  explainCapability,
  isAblyChatAuthError,
  userClaimFor,
  type AblyCapability,
} from '@ably-chat-auth/core';
import { DEMO_ADMIN, DEMO_BANNED, DEV_API_KEY, demoClientId, demoDisplayName, demoPolicy, demoUserClaims } from '../src/index';

function capabilityOf(username: string): AblyCapability {
  const compiled = compileGrants(demoPolicy({ username }));
  if (!compiled) throw new Error(`no grants for ${username}`);
  return compiled.capability;
}

describe('demoPolicy', () => {
  test('a member gets lobby (all), announcements (read-only) and their own dms namespace, nothing else', () => {
    const capability = capabilityOf('alice');
    const rooms = explainCapability(capability);
    expect(Object.keys(rooms)).toEqual(['announcements', 'dms:alice:*', 'lobby']);

    expect(rooms.lobby!.operations).toEqual([...CHAT_PRESETS.all].sort());
    expect(rooms.lobby!.presets).toEqual(['all']);

    expect(rooms.announcements!.features).toEqual(['receive', 'history', 'occupancy']);
    expect(rooms.announcements!.operations).toEqual(['channel-metadata', 'history', 'subscribe']);

    expect(rooms['dms:alice:*']!.operations).toEqual(['history', 'presence', 'publish', 'subscribe']);
    for (const feature of ['send', 'receive', 'history', 'typing', 'presence'] as const) {
      expect(allows(capability, 'dms:alice:bob', feature)).toBe(true);
    }
  });

  test('a member cannot write to announcements, moderate, or read other users\u2019 dms', () => {
    const capability = capabilityOf('alice');
    expect(allows(capability, 'announcements', 'send')).toBe(false);
    expect(allows(capability, 'announcements', 'presence')).toBe(false);
    expect(allows(capability, 'announcements', 'delete-any')).toBe(false);
    expect(allows(capability, 'lobby', 'update-any')).toBe(false);
    expect(allows(capability, 'lobby', 'delete-own')).toBe(true);
    expect(allows(capability, 'dms:bob:alice', 'receive')).toBe(false);
    expect(allows(capability, 'dms:alice', 'receive')).toBe(false);
    expect(allows(capability, 'dms:alice:bob', 'update-own')).toBe(false);
    expect(allows(capability, 'elsewhere', 'receive')).toBe(false);
  });

  test('admin moderates announcements and is otherwise a member', () => {
    const capability = capabilityOf(DEMO_ADMIN);
    const rooms = explainCapability(capability);
    expect(Object.keys(rooms)).toEqual(['announcements', 'dms:admin:*', 'lobby']);
    expect(rooms.announcements!.operations).toEqual([...CHAT_PRESETS.moderator].sort());
    expect(allows(capability, 'announcements', 'delete-any')).toBe(true);
    expect(allows(capability, 'announcements', 'update-any')).toBe(true);
    expect(allows(capability, 'lobby', 'delete-any')).toBe(false);
    expect(rooms.lobby!.operations).toEqual([...CHAT_PRESETS.all].sort());
  });

  test('banned gets no grants (the token route answers 403)', () => {
    expect(demoPolicy({ username: DEMO_BANNED })).toBeNull();
    expect(compileGrants(demoPolicy({ username: DEMO_BANNED }))).toBeNull();
  });

  test('the dms room is built with the room template: a username cannot widen it', () => {
    for (const username of ['*', 'bob:*', 'x:y']) {
      let error: unknown;
      try {
        demoPolicy({ username });
      } catch (caught) {
        error = caught;
      }
      expect(isAblyChatAuthError(error, 'ERR_INVALID_ROOM_SEGMENT')).toBe(true);
    }
  });

  test('the clientId is the username', () => {
    expect(demoClientId({ username: 'alice' })).toBe('alice');
  });
});

describe('demoUserClaims', () => {
  it('gives every user a display name in every room, and admin the moderator role in announcements', async () => {
    const issuer = createTokenIssuer({ apiKey: DEV_API_KEY });
    for (const username of ['alice', DEMO_ADMIN]) {
      const { token } = await issuer.issue({ clientId: username, grants: demoPolicy({ username })!, userClaims: demoUserClaims({ username }) });
      const name = demoDisplayName({ username });
      expect(JSON.parse(userClaimFor(token, 'lobby')!.value)).toEqual({ display_name: name });
      expect(JSON.parse(userClaimFor(token, `dms:${username}:bob`)!.value)).toEqual({ display_name: name });
      const announcements = userClaimFor(token, 'announcements')!;
      if (username === DEMO_ADMIN)
        expect(announcements).toEqual({ pattern: 'announcements', value: JSON.stringify({ display_name: 'Admin', role: 'moderator' }) });
      else expect(announcements.pattern).toBe('*');
    }
    expect(demoDisplayName({ username: 'alice' })).toBe('Alice');
  });
});
