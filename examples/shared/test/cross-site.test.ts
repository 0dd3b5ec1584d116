import { expect } from '@jest/globals';
import { crossSiteRefusal } from '../src/index';

describe('crossSiteRefusal', () => {
  test.each([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site', host: 'chat.example.com' }],
    [
      'Sec-Fetch-Site: cross-site, even with a matching Origin',
      { 'sec-fetch-site': 'Cross-Site', origin: 'https://chat.example.com', host: 'chat.example.com' },
    ],
    ['an Origin of another host', { origin: 'https://evil.test', host: 'chat.example.com' }],
    ['an Origin of another port', { origin: 'http://chat.example.com:8080', host: 'chat.example.com' }],
    ['Origin: null', { origin: 'null', host: 'chat.example.com' }],
  ])('refuses %s with a JSON 403 saying why', (_, headers) => {
    expect(crossSiteRefusal(headers)).toEqual({ status: 403, body: { error: expect.stringMatching(/^Refused: this request comes from another website/) } });
  });

  test.each([
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin', origin: 'https://chat.example.com', host: 'chat.example.com' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site', origin: 'https://www.example.com', host: 'chat.example.com' }],
    ['Sec-Fetch-Site: none (typed or bookmarked)', { 'sec-fetch-site': 'none', host: 'chat.example.com' }],
    ['its own Origin, no Sec-Fetch-Site', { origin: 'https://chat.example.com', host: 'chat.example.com' }],
    ['neither header (curl)', { host: 'chat.example.com' }],
  ])('lets %s through', (_, headers) => {
    expect(crossSiteRefusal(headers)).toBeUndefined();
  });

  test('reads a Fetch Headers object too', () => {
    expect(crossSiteRefusal(new Headers({ 'sec-fetch-site': 'cross-site' }))?.status).toBe(403);
    expect(crossSiteRefusal(new Headers({ 'sec-fetch-site': 'same-origin' }))).toBeUndefined();
  });
});
