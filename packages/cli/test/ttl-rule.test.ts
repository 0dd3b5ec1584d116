import { KEY, buildCli, runCli, verifyWithJose } from './helpers';

// Every test spawns a real process; the machine may be shared and busy.
jest.setTimeout(30_000);

beforeAll(() => {
  buildCli();
}, 120_000);

describe('mint and the TTL / clock-skew rule', () => {
  it('mints a 10 s token, the shortest its help promises, with at least 5 s left', async () => {
    const before = Math.floor(Date.now() / 1000);
    const result = await runCli(['mint', '--client-id', 'alice', '--grant', 'lobby=all', '--ttl', '10s'], { env: { ABLY_API_KEY: KEY } });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const { payload } = await verifyWithJose(result.stdout.trimEnd());
    const exp = payload.exp as number;
    expect(exp - (payload.iat as number)).toBe(10);
    expect(exp - before).toBeGreaterThanOrEqual(5);
  });
});
