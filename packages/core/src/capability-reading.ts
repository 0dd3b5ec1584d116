import { AblyChatAuthError, describeValue } from './errors.js';
import {
  ALL_OPERATIONS_BIT,
  CHAT_FEATURES,
  CHAT_PRESETS,
  isAblyOperation,
  maskOfGrantItem,
  maskOfOperations,
  operationsOfMask,
  type AblyOperation,
  type ChatFeature,
  type GrantItem,
} from './features.js';
import type { AblyCapability } from './capability.js';
import { nullPrototype } from './plain-data.js';

// The read side of capabilities (what a signed token allows), used by token inspection and the CLI;
// capability.ts compiles grants into them.

/** Parses a capability given as an object or its JSON string, checking its shape. */
export function parseCapability(capability: unknown): AblyCapability {
  let value = capability;
  if (typeof capability === 'string') {
    try {
      value = JSON.parse(capability);
    } catch (cause) {
      throw new AblyChatAuthError('ERR_INVALID_CAPABILITY', 'The capability is not valid JSON.', { cause });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AblyChatAuthError('ERR_INVALID_CAPABILITY', `A capability must be an object of resource -> operations; got ${describeValue(value)}.`);
  }
  const out = nullPrototype<AblyOperation[]>();
  const object = value as Record<string, unknown>;
  // One pass per resource (check and filter together): a token may carry thousands of rooms.
  for (const resource of Object.keys(object)) {
    const ops = object[resource];
    if (!Array.isArray(ops)) throw notStrings(resource);
    const known: AblyOperation[] = [];
    for (let i = 0; i < ops.length; i++) {
      if (!(i in ops)) continue; // a hole, skipped as every() and filter() skip it
      const op: unknown = ops[i];
      if (typeof op !== 'string') throw notStrings(resource);
      if (isAblyOperation(op)) known.push(op);
    }
    out[resource] = known;
  }
  return out;
}

function notStrings(resource: string): AblyChatAuthError {
  return new AblyChatAuthError('ERR_INVALID_CAPABILITY', `The operations of resource '${resource}' must be an array of strings.`);
}

/**
 * True when an Ably capability `resource` matches a concrete room or channel `name`, by Ably's
 * rules: `*` replaces whole `:`-separated segments; a trailing `*` spans one or more segments;
 * `foo*` is literal; bare `*` matches everything but qualified names (`[meta]...`); `[*]*` matches
 * everything.
 */
export function resourceMatches(resource: string, name: string): boolean {
  if (resource === '[*]*') return true;
  if (resource === name) return true;
  if (name.startsWith('[')) {
    // Qualified names match only resources with the same qualifier.
    const end = name.indexOf(']');
    const resourceEnd = resource.indexOf(']');
    if (!resource.startsWith('[') || end < 0 || resourceEnd < 0) return false;
    if (resource.slice(0, resourceEnd + 1) !== name.slice(0, end + 1) && resource.slice(0, resourceEnd + 1) !== '[*]') return false;
    return resourceMatches(resource.slice(resourceEnd + 1), name.slice(end + 1));
  }
  if (resource.startsWith('[')) return false;
  if (resource === '*') return true;
  const r = resource.split(':');
  const n = name.split(':');
  for (let i = 0; i < r.length; i++) {
    const seg = r[i]!;
    if (seg === '*' && i === r.length - 1) return n.length > i;
    if (i >= n.length) return false;
    if (seg !== '*' && seg !== n[i]) return false;
  }
  return r.length === n.length;
}

export interface AllowsDecision {
  allowed: boolean;
  /** The operations the feature or operation needs. */
  required: AblyOperation[];
  /** For each required operation, the resource that grants it (absent when none does). */
  grantedBy: Partial<Record<AblyOperation, string>>;
  /** Required operations no resource grants. */
  missing: AblyOperation[];
}

/**
 * Decides whether a capability lets a client use a Chat feature (or a raw operation, `op:...`, or
 * a preset) in a concrete room, with Ably's wildcard rules.
 * @example allows({ 'dms:*': ['publish'] }, 'dms:a:b', 'send') // true
 */
export function allows(capability: AblyCapability | string, room: string, featureOrOperation: GrantItem): boolean {
  return explainDecision(capability, room, featureOrOperation).allowed;
}

/** Like {@link allows}, with the resource that grants each needed operation. */
export function explainDecision(capability: AblyCapability | string, room: string, featureOrOperation: GrantItem): AllowsDecision {
  const cap = parseCapability(capability);
  const required = operationsOfMask(maskOfGrantItem(featureOrOperation, room)).filter((op) => op !== '*');
  const needed: AblyOperation[] = featureOrOperation === 'op:*' ? ['*'] : required;
  const grantedBy: Partial<Record<AblyOperation, string>> = {};
  // Exact resources win over wildcards when reporting which grant decides. Only the resources
  // matching the room can decide: matched and masked once, not once per needed operation.
  const resources = Object.keys(cap)
    .filter((resource) => resourceMatches(resource, room))
    .sort((a, b) => Number(a.includes('*')) - Number(b.includes('*')));
  const masks = resources.map((resource) => maskOfOperations(cap[resource]!));
  for (const op of needed) {
    const opMask = op === '*' ? 0 : maskOfOperations([op]);
    const index = masks.findIndex((mask) => (mask & ALL_OPERATIONS_BIT) !== 0 || (mask & opMask) !== 0);
    if (index >= 0) grantedBy[op] = resources[index]!;
  }
  const missing = needed.filter((op) => grantedBy[op] === undefined);
  return { allowed: missing.length === 0, required: needed, grantedBy, missing };
}

/** Per-room view of a capability: the Chat features each pattern enables and its raw operations. */
export interface RoomExplanation {
  features: ChatFeature[];
  /** The presets the operations cover completely (`all`, `moderator`). */
  presets: Array<keyof typeof CHAT_PRESETS>;
  operations: AblyOperation[];
}

/**
 * Turns a capability back into per-room Chat features.
 * @example explainCapability('{"lobby":["publish","subscribe"]}').lobby.features // ['send','receive','typing','room-reactions']
 */
export function explainCapability(capability: AblyCapability | string): Record<string, RoomExplanation> {
  const cap = parseCapability(capability);
  const out = nullPrototype<RoomExplanation>();
  // Rooms of one token mostly share a few operation sets: each set is explained once, and every
  // room gets its own copies of the lists (callers may change one room's without the others').
  const byMask = new Map<number, RoomExplanation>();
  for (const resource of Object.keys(cap).sort()) {
    const mask = maskOfOperations(cap[resource]!);
    let explained = byMask.get(mask);
    if (explained === undefined) {
      explained = explainMask(mask);
      byMask.set(mask, explained);
    }
    out[resource] = { features: explained.features.slice(), presets: explained.presets.slice(), operations: explained.operations.slice() };
  }
  return out;
}

const PRESET_NAMES = Object.keys(CHAT_PRESETS) as Array<keyof typeof CHAT_PRESETS>;

/** The features, presets and operations of one set of operations (as a mask). */
function explainMask(mask: number): RoomExplanation {
  const all = (mask & ALL_OPERATIONS_BIT) !== 0;
  const covers = (item: GrantItem) => {
    const need = maskOfGrantItem(item, '(any)');
    return all || (mask & need) === need;
  };
  return { features: CHAT_FEATURE_NAMES.filter(covers), presets: PRESET_NAMES.filter(covers), operations: operationsOfMask(mask) };
}

/** The names of all Chat features, in the order of Ably's table. */
export const CHAT_FEATURE_NAMES = Object.keys(CHAT_FEATURES) as ChatFeature[];
