import { closestName } from './did-you-mean.js';
import { AblyChatAuthError } from './errors.js';

/** Every capability operation Ably accepts, plus `*` (all operations). */
export const ABLY_OPERATIONS = [
  'publish',
  'subscribe',
  'presence',
  'history',
  'channel-metadata',
  'annotation-publish',
  'annotation-subscribe',
  'message-update-own',
  'message-update-any',
  'message-delete-own',
  'message-delete-any',
  'object-subscribe',
  'object-publish',
  'stats',
  'push-subscribe',
  'push-admin',
  'privileged-headers',
  '*',
] as const;

/** An Ably capability operation. */
export type AblyOperation = (typeof ABLY_OPERATIONS)[number];

/**
 * The Chat features of Ably's capability table, each with the operations it needs.
 * Where the table says "A or B" (update, delete) there is one feature per choice.
 */
export const CHAT_FEATURES = {
  /** Send messages. */
  send: ['publish'],
  /** Receive messages. */
  receive: ['subscribe'],
  /** Update one's own messages. */
  'update-own': ['message-update-own'],
  /** Update anybody's messages (moderation). */
  'update-any': ['message-update-any'],
  /** Delete one's own messages. */
  'delete-own': ['message-delete-own'],
  /** Delete anybody's messages (moderation). */
  'delete-any': ['message-delete-any'],
  /** Message history. */
  history: ['subscribe', 'history'],
  /** Add message reactions. */
  'message-reactions': ['annotation-publish'],
  /** Add message reactions and receive individual reaction events (reaction summaries). */
  'message-reactions-summary': ['annotation-publish', 'annotation-subscribe'],
  /** Presence: enter the room and see who is present. */
  presence: ['subscribe', 'presence'],
  /** Typing indicators. */
  typing: ['publish', 'subscribe'],
  /** Room reactions. */
  'room-reactions': ['publish', 'subscribe'],
  /** Occupancy. */
  occupancy: ['subscribe', 'channel-metadata'],
} as const satisfies Record<string, readonly AblyOperation[]>;

/** A named Chat feature (a row of Ably's Chat capability table). */
export type ChatFeature = keyof typeof CHAT_FEATURES;

/** "All Chat features", exactly the last row of Ably's Chat capability table (on one line, as the row reads). */
// prettier-ignore
const ALL_CHAT_OPERATIONS = ['publish', 'subscribe', 'presence', 'history', 'channel-metadata', 'annotation-publish', 'annotation-subscribe', 'message-update-own', 'message-delete-own'] as const satisfies readonly AblyOperation[];

/** Named sets of operations. */
export const CHAT_PRESETS = {
  /** "All Chat features", exactly the last row of Ably's Chat capability table. */
  all: ALL_CHAT_OPERATIONS,
  /** All Chat features plus updating and deleting anybody's messages. */
  moderator: [...ALL_CHAT_OPERATIONS, 'message-update-any', 'message-delete-any'],
} as const satisfies Record<string, readonly AblyOperation[]>;

/**
 * Operations no Chat feature needs, granted only with `allowPrivilegedOperations: true`: `*` (every
 * operation), `push-admin` (manage push registrations, push to any device) and `privileged-headers`
 * (set the message extras Ably reserves for trusted servers). Least privilege: a typo or a copied
 * example must not hand them to every chat user.
 */
export const PRIVILEGED_OPERATIONS = ['*', 'push-admin', 'privileged-headers'] as const satisfies readonly AblyOperation[];

/** Why each privileged operation is dangerous, for error messages. */
export const PRIVILEGED_OPERATION_RISKS: Readonly<Record<(typeof PRIVILEGED_OPERATIONS)[number], string>> = {
  '*': 'it grants every operation, push-admin and privileged-headers included',
  'push-admin': 'it lets the client manage push registrations and send push notifications to any device',
  'privileged-headers': 'it lets the client set the message extras Ably reserves for trusted servers',
};

/** A named preset. */
export type ChatPreset = keyof typeof CHAT_PRESETS;

/**
 * A raw Ably operation, always written with the `op:` prefix (`op:history`), so that it is never
 * confused with the feature of the same name (`history` = subscribe + history).
 */
export type RawOperation = `op:${AblyOperation}`;

/** Anything a grant may list for a room. */
export type GrantItem = ChatFeature | ChatPreset | RawOperation;

/** Builds the explicit raw form of an Ably operation: `operation('presence')` is `'op:presence'`. */
export function operation<O extends AblyOperation>(name: O): `op:${O}` {
  if (!OPERATION_BIT.has(name)) {
    throw new AblyChatAuthError('ERR_UNKNOWN_FEATURE', `'${String(name)}' is not an Ably operation. Known operations: ${ABLY_OPERATIONS.join(', ')}.`);
  }
  return `op:${name}`;
}

// Operations as bits, so that unions are a single OR and serialisation can be memoised per set.
const OPERATION_BIT = new Map<string, number>(ABLY_OPERATIONS.map((op, i) => [op, 1 << i]));
/** Bit of the `*` operation. */
export const ALL_OPERATIONS_BIT = OPERATION_BIT.get('*')!;
/** Bits of {@link PRIVILEGED_OPERATIONS}. */
export const PRIVILEGED_OPERATIONS_MASK = PRIVILEGED_OPERATIONS.reduce((mask, op) => mask | OPERATION_BIT.get(op)!, 0);

function maskOf(ops: readonly string[]): number {
  let mask = 0;
  for (const op of ops) mask |= OPERATION_BIT.get(op)!;
  return mask;
}

const ITEM_MASK = new Map<string, number>();
for (const [name, ops] of Object.entries(CHAT_FEATURES)) ITEM_MASK.set(name, maskOf(ops));
for (const [name, ops] of Object.entries(CHAT_PRESETS)) ITEM_MASK.set(name, maskOf(ops));
for (const op of ABLY_OPERATIONS) ITEM_MASK.set(`op:${op}`, OPERATION_BIT.get(op)!);

// Sorted operation lists per mask: policies reuse a handful of sets, so this stays small.
const OPS_OF_MASK = new Map<number, readonly AblyOperation[]>();

/** Operations of a bit mask, in Ably's canonical (alphabetical) order. */
export function operationsOfMask(mask: number): AblyOperation[] {
  let ops = OPS_OF_MASK.get(mask);
  if (ops === undefined) {
    const list: AblyOperation[] = [];
    if (mask & ALL_OPERATIONS_BIT) list.push('*');
    else for (const [op, bit] of OPERATION_BIT) if (mask & bit) list.push(op as AblyOperation);
    ops = list.sort();
    OPS_OF_MASK.set(mask, ops);
  }
  return ops.slice();
}

/** Bit mask of a list of operations (unknown names are ignored; used when reading capabilities). */
export function maskOfOperations(ops: readonly string[]): number {
  let mask = 0;
  for (const op of ops) mask |= OPERATION_BIT.get(op) ?? 0;
  return mask;
}

/** True when `name` is a known Ably operation. */
export function isAblyOperation(name: unknown): name is AblyOperation {
  return typeof name === 'string' && OPERATION_BIT.has(name);
}

/**
 * Bit mask of one grant item.
 * @throws AblyChatAuthError `ERR_UNKNOWN_FEATURE` with a suggestion.
 */
export function maskOfGrantItem(item: unknown, room: string): number {
  const mask = typeof item === 'string' ? ITEM_MASK.get(item) : undefined;
  if (mask !== undefined) return mask;
  throw new AblyChatAuthError('ERR_UNKNOWN_FEATURE', unknownItemMessage(item, room), { details: { room } });
}

/**
 * Bit mask of a room's grant: one item, or the union of an array of them. `undefined` when the
 * grant is neither a string nor an array (the caller decides what that means).
 * @throws AblyChatAuthError `ERR_UNKNOWN_FEATURE` with a suggestion.
 */
export function maskOfGrant(items: unknown, room: string): number | undefined {
  if (typeof items === 'string') return maskOfGrantItem(items, room);
  if (!Array.isArray(items)) return undefined;
  let mask = 0;
  for (const item of items) mask |= maskOfGrantItem(item, room);
  return mask;
}

function unknownItemMessage(item: unknown, room: string): string {
  const where = `in the grant for room '${room}'`;
  if (typeof item !== 'string') return `Grant items must be strings ${where}; got a value of type ${item === null ? 'null' : typeof item}.`;
  const shown = JSON.stringify(item.slice(0, 64));
  if (OPERATION_BIT.has(item)) {
    return `${shown} ${where} is an Ably operation, not a Chat feature: write 'op:${item}' to grant the raw operation, or use a feature (${Object.keys(CHAT_FEATURES).join(', ')}).`;
  }
  if (item.startsWith('op:')) {
    return `${shown} ${where} is not an Ably operation. Known operations: ${ABLY_OPERATIONS.join(', ')}.`;
  }
  const suggestion = closestName(item.replace(/[\s_]/g, '-'), [...Object.keys(CHAT_FEATURES), ...Object.keys(CHAT_PRESETS)]);
  return `Unknown Chat feature ${shown} ${where}.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Features: ${Object.keys(CHAT_FEATURES).join(', ')}; presets: ${Object.keys(CHAT_PRESETS).join(', ')}; raw operations: 'op:<operation>'.`;
}

/** The Chat features a set of operations fully enables, in table order. */
export function featuresOfOperations(ops: readonly string[]): ChatFeature[] {
  const mask = maskOfOperations(ops);
  const all = (mask & ALL_OPERATIONS_BIT) !== 0;
  return (Object.keys(CHAT_FEATURES) as ChatFeature[]).filter((feature) => {
    const need = ITEM_MASK.get(feature)!;
    return all || (mask & need) === need;
  });
}

/** The operations a grant item stands for. */
export function operationsOfGrantItem(item: GrantItem): AblyOperation[] {
  return operationsOfMask(maskOfGrantItem(item, '(any)'));
}
