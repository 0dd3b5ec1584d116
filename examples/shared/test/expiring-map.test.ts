import { expect, jest } from '@jest/globals';
import { ExpiringMap } from '../src';

afterEach(() => jest.restoreAllMocks());

function clockAt(time: number): void {
  jest.spyOn(Date, 'now').mockReturnValue(time);
}

describe('ExpiringMap', () => {
  test('gives a value until its time to live has passed, then reads it as missing and drops it', () => {
    const now = Date.now();
    clockAt(now);
    const map = new ExpiringMap<string>();
    map.set('a', 'alice', 1_000);
    clockAt(now + 999);
    expect(map.get('a')).toBe('alice');
    clockAt(now + 1_000);
    expect(map.get('a')).toBeUndefined();
    expect(map.size).toBe(0);
  });

  test('delete removes an entry; deleting a missing key is not an error; set replaces', () => {
    const map = new ExpiringMap<string>();
    map.set('a', 'alice', 60_000);
    map.set('a', 'bob', 60_000);
    expect(map.get('a')).toBe('bob');
    map.delete('a');
    map.delete('never-set');
    expect(map.get('a')).toBeUndefined();
  });

  test('a time to live of 0 or less is expired already', () => {
    const map = new ExpiringMap<string>();
    map.set('zero', 'x', 0);
    map.set('negative', 'x', -5);
    expect(map.get('zero')).toBeUndefined();
    expect(map.get('negative')).toBeUndefined();
  });

  test('a write past the sweep interval drops the expired entries nobody asked for, and keeps live ones', () => {
    const now = Date.now();
    clockAt(now);
    const map = new ExpiringMap<string>();
    map.set('short', 'x', 1_000);
    map.set('long', 'y', 120_000);
    // Within the interval: the expired entry stays in the table until read or swept.
    clockAt(now + 59_000);
    map.set('other', 'z', 60_000);
    expect(map.size).toBe(3);
    clockAt(now + 61_000);
    map.set('fresh', 'w', 60_000);
    expect(map.size).toBe(3);
    // Back in time: had the sweep not dropped it, 'short' would still be readable.
    clockAt(now);
    expect(map.get('short')).toBeUndefined();
    expect(map.get('long')).toBe('y');
  });
});
