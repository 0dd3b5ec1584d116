import { expect } from '@jest/globals';
import { compileGrants, createTokenIssuer, decodeAblyToken, isCompiledCapability, type CompiledCapability } from '../src/index';
import { TEST_KEY } from './helpers';

describe('only compileGrants output skips validation', () => {
  const issuer = createTokenIssuer({ apiKey: TEST_KEY });

  it('refuses a look-alike object instead of signing its json unchecked', async () => {
    // What compileGrants refuses: a qualifier that reaches every channel, metachannels included.
    const forged = { json: '{"[*]*":["*"]}', rooms: ['[*]*'], capability: { '[*]*': ['*'] } } as unknown as CompiledCapability;
    const refusal = { code: 'ERR_INVALID_GRANTS', message: expect.stringMatching(/looks like a compiled capability but was not returned by compileGrants/) };
    await expect(issuer.issue({ clientId: 'alice', grants: forged })).rejects.toMatchObject(refusal);
    await expect(issuer.createTokenRequest({ clientId: 'alice', grants: forged })).rejects.toMatchObject(refusal);
    // A JSON copy of a real one is only data too.
    const copy = JSON.parse(JSON.stringify(compileGrants({ lobby: 'all' }))) as CompiledCapability;
    await expect(issuer.issue({ clientId: 'alice', grants: copy })).rejects.toMatchObject(refusal);
  });

  it('compiles grants for rooms literally named json and rooms', async () => {
    const issued = await issuer.issue({ clientId: 'alice', grants: { json: 'send', rooms: ['receive'] } });
    expect(JSON.parse(issued.capabilityJson)).toEqual({ json: ['publish'], rooms: ['subscribe'] });
    expect(decodeAblyToken(issued.token).capability).toEqual({ json: ['publish'], rooms: ['subscribe'] });
  });

  it('still accepts what compileGrants returned, and a copy of it is only data', async () => {
    const compiled = compileGrants({ lobby: 'all' })!;
    expect(isCompiledCapability(compiled)).toBe(true);
    expect((await issuer.issue({ clientId: 'a', grants: compiled })).capabilityJson).toBe(compiled.json);
    const copy = { ...compiled, json: compiled.json, rooms: compiled.rooms };
    expect(isCompiledCapability(copy)).toBe(false);
    expect(isCompiledCapability(JSON.parse(JSON.stringify(compiled)))).toBe(false);
    expect(isCompiledCapability(null)).toBe(false);
    expect(isCompiledCapability({ json: '{}', rooms: [] })).toBe(false);
  });
});
