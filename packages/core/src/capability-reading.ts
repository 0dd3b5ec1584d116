import { AblyChatAuthError, describeValue } from './errors.js';
import {
  ALL_OPERATIONS_BIT,
  CHAT_FEATURES,
  CHAT_PRESETS,
  featuresOfOperations,
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
  for (const [resource, ops] of Object.entries(value)) {
    if (!Array.isArray(ops) || !ops.every((op) => typeof op === 'string')) {
      throw new AblyChatAuthError('ERR_INVALID_CAPABILITY', `The operations of resource '${resource}' must be an array of strings.`);
    }
    out[resource] = ops.filter(isAblyOperation);
  }
  return out;
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
  // Exact resources win over wildcards when reporting which grant decides.
  const resources = Object.keys(cap).sort((a, b) => Number(a.includes('*')) - Number(b.includes('*')));
  for (const op of needed) {
    for (const resource of resources) {
      if (!resourceMatches(resource, room)) continue;
      const mask = maskOfOperations(cap[resource]!);
      if (mask & ALL_OPERATIONS_BIT || (op !== '*' && mask & maskOfOperations([op]))) {
        grantedBy[op] = resource;
        break;
      }
    }
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
  for (const resource of Object.keys(cap).sort()) {
    const ops = cap[resource]!;
    const mask = maskOfOperations(ops);
    const presets = (Object.keys(CHAT_PRESETS) as Array<keyof typeof CHAT_PRESETS>).filter((p) => {
      const need = maskOfOperations(CHAT_PRESETS[p]);
      return (mask & ALL_OPERATIONS_BIT) !== 0 || (mask & need) === need;
    });
    out[resource] = { features: featuresOfOperations(ops), presets, operations: operationsOfMask(mask) };
  }
  return out;
}

/** The names of all Chat features, in the order of Ably's table. */
export const CHAT_FEATURE_NAMES = Object.keys(CHAT_FEATURES) as ChatFeature[];
