/** An Ably capability: resource pattern -> operations. */
export type Capability = Record<string, string[]>;

/** The suffix @ably/chat 1.x gives a room's channel; room-keyed capabilities apply to it. */
export const CHAT_CHANNEL_SUFFIX = '::$chat';

/**
 * Whether a capability resource pattern covers a channel, by Ably's documented rules: `*` stands for
 * whole `:`-separated segments, a trailing `*` for one or more of them, `foo*` is literal, bare `*`
 * is every channel but qualified ones (`[meta]...`), `[*]*` is everything.
 */
export function patternCovers(pattern: string, channel: string): boolean {
  const name = channel.endsWith(CHAT_CHANNEL_SUFFIX) ? channel.slice(0, -CHAT_CHANNEL_SUFFIX.length) : channel;
  if (pattern === '[*]*') return true;
  if (pattern === '*') return !name.startsWith('[');
  const want = pattern.split(':');
  const have = name.split(':');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '*' && i === want.length - 1) return have.length >= want.length;
    if (i >= have.length || (want[i] !== '*' && want[i] !== have[i])) return false;
  }
  return have.length === want.length;
}

/** The operations a capability grants on a channel (the union over every pattern that covers it). */
export function operationsOn(capability: Capability, channel: string): Set<string> {
  const operations = new Set<string>();
  for (const [pattern, ops] of Object.entries(capability)) if (patternCovers(pattern, channel)) for (const op of ops) operations.add(op);
  return operations;
}
