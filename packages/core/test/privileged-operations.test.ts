import { failureOf } from '@ably-chat-auth/adapter-contract/testing';
import { expect } from '@jest/globals';
import {
  ABLY_OPERATIONS,
  CHAT_FEATURES,
  CHAT_PRESETS,
  compileGrants,
  createTokenIssuer,
  createTokenRoute,
  operationsOfGrantItem,
  type GrantItem,
} from '../src/index';
import { TEST_KEY } from './helpers';

const PRIVILEGED = ['op:*', 'op:push-admin', 'op:privileged-headers'] as const;

const failure = failureOf;

describe('privileged operations need an explicit opt-in', () => {
  it.each(PRIVILEGED)('compileGrants refuses %s without allowPrivilegedOperations, saying why and how to opt in', (item) => {
    for (const grants of [{ lobby: item }, { lobby: ['send', item] }]) {
      const result = failure(() => compileGrants(grants));
      expect(result?.code).toBe('ERR_PRIVILEGED_OPERATION');
      expect(result?.message).toContain(`'${item}'`);
      expect(result?.message).toContain("room 'lobby'");
      expect(result?.message).toMatch(/no Chat feature needs/);
      expect(result?.message).toContain('allowPrivilegedOperations: true');
    }
    expect(compileGrants({ lobby: item }, { allowPrivilegedOperations: true })).not.toBeNull();
    expect(failure(() => compileGrants({ lobby: item }, { allowPrivilegedOperations: false }))?.code).toBe('ERR_PRIVILEGED_OPERATION');
  });

  it('lets every other operation, feature and preset through without the option', () => {
    const ordinary = ABLY_OPERATIONS.map((op) => `op:${op}` as GrantItem).filter((item) => !(PRIVILEGED as readonly string[]).includes(item));
    expect(ordinary.length).toBe(ABLY_OPERATIONS.length - PRIVILEGED.length);
    const items = [...ordinary, ...(Object.keys(CHAT_FEATURES) as GrantItem[]), ...(Object.keys(CHAT_PRESETS) as GrantItem[])];
    expect(compileGrants({ lobby: items })!.capability.lobby).not.toContain('*');
  });

  it('no Chat feature or preset needs a privileged operation', () => {
    for (const item of [...Object.keys(CHAT_FEATURES), ...Object.keys(CHAT_PRESETS)] as GrantItem[]) {
      const ops = operationsOfGrantItem(item);
      expect(ops.filter((op) => ['*', 'push-admin', 'privileged-headers'].includes(op))).toEqual([]);
    }
  });

  it('is an issuer option, resolved and shown in the options', async () => {
    expect(createTokenIssuer({ apiKey: TEST_KEY }).options.allowPrivilegedOperations).toBe(false);
    const allowed = createTokenIssuer({ apiKey: TEST_KEY, allowPrivilegedOperations: true });
    expect(allowed.options.allowPrivilegedOperations).toBe(true);
    expect(failure(() => createTokenIssuer({ apiKey: TEST_KEY, allowPrivilegedOperations: 'yes' as never }))?.code).toBe('ERR_INVALID_OPTIONS');

    const issued = await allowed.issue({ clientId: 'ops', grants: { lobby: 'op:push-admin' } });
    expect(JSON.parse(issued.capabilityJson)).toEqual({ lobby: ['push-admin'] });
    const plain = createTokenIssuer({ apiKey: TEST_KEY });
    await expect(plain.issue({ clientId: 'a', grants: { lobby: 'op:*' } })).rejects.toMatchObject({ code: 'ERR_PRIVILEGED_OPERATION' });
    await expect(plain.createTokenRequest({ clientId: 'a', grants: { lobby: 'op:*' } })).rejects.toMatchObject({ code: 'ERR_PRIVILEGED_OPERATION' });
  });

  it('an issuer without the option refuses a capability compiled with it', async () => {
    const compiled = compileGrants({ lobby: 'op:privileged-headers' }, { allowPrivilegedOperations: true })!;
    await expect(createTokenIssuer({ apiKey: TEST_KEY }).issue({ clientId: 'a', grants: compiled })).rejects.toMatchObject({
      code: 'ERR_PRIVILEGED_OPERATION',
    });
    const issued = await createTokenIssuer({ apiKey: TEST_KEY, allowPrivilegedOperations: true }).issue({ clientId: 'a', grants: compiled });
    expect(issued.capabilityJson).toBe(compiled.json);
  });

  it('a static route policy with one fails at startup', () => {
    const base = { apiKey: TEST_KEY, resolveUser: () => ({ id: 'a' }), logger: false as const };
    expect(failure(() => createTokenRoute({ ...base, policy: { lobby: 'op:*' } }))?.code).toBe('ERR_PRIVILEGED_OPERATION');
    expect(() => createTokenRoute({ ...base, policy: { lobby: 'op:*' }, allowPrivilegedOperations: true })).not.toThrow();
  });

  it('a dynamic route policy with one answers 500 and logs the code', async () => {
    const logged: unknown[] = [];
    const logger = { error: (_message: string, meta?: unknown) => logged.push(meta), warn: () => undefined };
    const base = { apiKey: TEST_KEY, resolveUser: () => ({ id: 'a' }), policy: () => ({ lobby: 'op:push-admin' as const }), logger };
    const refused = await createTokenRoute(base).handle({ method: 'GET', native: {} });
    expect(refused.status).toBe(500);
    expect(refused.body).not.toContain('push-admin');
    expect(logged).toEqual([expect.objectContaining({ phase: 'policy', error: expect.objectContaining({ code: 'ERR_PRIVILEGED_OPERATION' }) })]);
    const allowed = await createTokenRoute({ ...base, allowPrivilegedOperations: true }).handle({ method: 'GET', native: {} });
    expect(allowed.status).toBe(200);
  });
});
