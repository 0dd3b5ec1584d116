import { AblyChatAuthError, describeValue } from './errors.js';
import {
  PRIVILEGED_OPERATIONS_MASK,
  PRIVILEGED_OPERATION_RISKS,
  maskOfGrant,
  maskOfGrantItem,
  operationsOfMask,
  type AblyOperation,
  type GrantItem,
} from './features.js';
import { nullPrototype } from './plain-data.js';
import { assertRoomPattern } from './room-pattern.js';

/**
 * What a policy grants: room patterns mapped to Chat features, presets or raw operations.
 * @example
 * const grants: ChatGrants = { lobby: 'all', 'dms:alice:*': ['send', 'receive', 'history'] };
 */
export type ChatGrants = Readonly<Record<string, GrantItem | readonly GrantItem[]>>;

/** An Ably capability: resource (room pattern) to operations. */
export type AblyCapability = Record<string, AblyOperation[]>;

/** The result of compiling grants: the capability object and its canonical JSON string. */
export interface CompiledCapability {
  /** Room patterns in sorted order, each with its sorted operations. */
  readonly capability: AblyCapability;
  /** `JSON.stringify(capability)`: the value of the `x-ably-capability` claim. */
  readonly json: string;
  /** The granted room patterns, sorted. */
  readonly rooms: readonly string[];
}

// One room's part of the capability JSON, `"pattern":["op",...]`, and the same text escaped as it
// appears inside the `x-ably-capability` string claim. Policies repeat the same few (pattern,
// operation set) pairs on every request, so both are built once per pair: the escaping alone
// (JSON.stringify of the whole capability JSON) cost more per token than compiling the policy.
interface Fragment {
  readonly mask: number;
  /** The room's operations, sorted: copied into each capability object built. */
  readonly operations: readonly AblyOperation[];
  readonly json: string;
  readonly escaped: string;
  /** The same two with the comma that joins them to the previous room's: one concatenation per room, not two. */
  readonly jsonAfter: string;
  readonly escapedAfter: string;
}
// Per pattern (a pattern is only ever added here after assertRoomPattern accepted it), per mask.
const fragments = new Map<string, Map<number, Fragment>>();
const MAX_FRAGMENT_PATTERNS = 10_000;

function fragmentOf(pattern: string, byMask: Map<number, Fragment> | undefined, mask: number): Fragment {
  let fragment = byMask?.get(mask);
  if (fragment === undefined) {
    const operations = operationsOfMask(mask);
    const json = `${JSON.stringify(pattern)}:${JSON.stringify(operations)}`;
    const escaped = JSON.stringify(json).slice(1, -1);
    fragment = { mask, operations, json, escaped, jsonAfter: `,${json}`, escapedAfter: `,${escaped}` };
    if (byMask === undefined) {
      // Bounded: per-user patterns (`dms:<id>:*`) must not grow this without end.
      if (fragments.size >= MAX_FRAGMENT_PATTERNS) fragments.clear();
      byMask = new Map();
      fragments.set(pattern, byMask);
    }
    byMask.set(mask, fragment);
  }
  return fragment;
}

/** Options of {@link compileGrants}. */
export interface CompileGrantsOptions {
  /**
   * Allow `op:*`, `op:push-admin` and `op:privileged-headers`, which no Chat feature needs.
   * Default `false`: such grants throw `ERR_PRIVILEGED_OPERATION`.
   */
  allowPrivilegedOperations?: boolean;
}

/**
 * Compiles grants into an Ably capability: a union of operations per room, deduplicated, in a
 * deterministic order. Returns `null` when the grants give nothing (the token route answers 403).
 * @throws AblyChatAuthError `ERR_INVALID_GRANTS`, `ERR_INVALID_ROOM_PATTERN`, `ERR_UNKNOWN_FEATURE`,
 * or `ERR_PRIVILEGED_OPERATION` for `op:*`, `op:push-admin` or `op:privileged-headers` without
 * `allowPrivilegedOperations: true`.
 * @example
 * compileGrants({ lobby: 'all', announcements: ['receive', 'history'] })!.json
 * compileGrants({ ops: 'op:push-admin' }, { allowPrivilegedOperations: true })
 */
export function compileGrants(grants: unknown, options: CompileGrantsOptions = {}): CompiledCapability | null {
  const allowPrivileged = options.allowPrivilegedOperations === true;
  if (grants === null || grants === undefined || grants === false) return null;
  if (typeof grants !== 'object' || Array.isArray(grants)) {
    throw new AblyChatAuthError(
      'ERR_INVALID_GRANTS',
      `Grants must be an object mapping room patterns to features, e.g. { lobby: 'all' }; got ${describeValue(grants)}. Return null to refuse.`,
    );
  }
  // Object.keys gives each pattern once, so a room's mask is final when its grant is read. The
  // arrays are sized for every pattern (an empty array's first push reserves 16 slots) and cut to
  // the rooms granted something at the end.
  const patterns = Object.keys(grants);
  const rooms: string[] = new Array<string>(patterns.length);
  const pieces: Fragment[] = new Array<Fragment>(patterns.length);
  let count = 0;
  for (const pattern of patterns) {
    const items = (grants as Record<string, unknown>)[pattern];
    const known = fragments.get(pattern);
    if (known === undefined) assertRoomPattern(pattern); // else it passed before: the checks depend on the string only
    let mask = maskOfGrant(items, pattern);
    if (mask === undefined) {
      if (items !== undefined && items !== null) {
        throw new AblyChatAuthError(
          'ERR_INVALID_GRANTS',
          `The grant for room '${pattern}' must be a feature name or an array of them; got ${describeValue(items)}.`,
        );
      }
      mask = 0;
    }
    if (mask & PRIVILEGED_OPERATIONS_MASK && !allowPrivileged) throw privilegedError(pattern, items);
    if (mask === 0) continue;
    // Insertion into sorted order (policies grant a handful of rooms), rooms and pieces aligned.
    const piece = fragmentOf(pattern, known, mask);
    let at = count++;
    for (; at > 0 && rooms[at - 1]! > pattern; at--) {
      rooms[at] = rooms[at - 1]!;
      pieces[at] = pieces[at - 1]!;
    }
    rooms[at] = pattern;
    pieces[at] = piece;
  }
  if (count === 0) return null;
  // Setting an array's length is a runtime call: only when some room was granted nothing.
  if (count < patterns.length) {
    rooms.length = count;
    pieces.length = count;
  }
  let json = `{${pieces[0]!.json}`;
  let escaped = `"{${pieces[0]!.escaped}`;
  for (let i = 1; i < count; i++) {
    json += pieces[i]!.jsonAfter;
    escaped += pieces[i]!.escapedAfter;
  }
  return new Compiled(`${json}}`, rooms, pieces, `${escaped}}"`);
}

function privilegedError(pattern: string, items: unknown): AblyChatAuthError {
  const list: unknown[] = Array.isArray(items) ? items : [items];
  const item = list.find((i) => maskOfGrantItem(i, pattern) & PRIVILEGED_OPERATIONS_MASK) as `op:${keyof typeof PRIVILEGED_OPERATION_RISKS}`;
  const op = item.slice(3) as keyof typeof PRIVILEGED_OPERATION_RISKS;
  return new AblyChatAuthError(
    'ERR_PRIVILEGED_OPERATION',
    `The grant for room '${pattern}' includes '${item}', a privileged operation that no Chat feature needs: ${PRIVILEGED_OPERATION_RISKS[op]}. Grant Chat features instead ('all', 'moderator', 'send'...). If this client really needs it, opt in with allowPrivilegedOperations: true (an option of createTokenIssuer and createTokenRoute, or compileGrants(grants, { allowPrivilegedOperations: true })).`,
    { details: { room: pattern, operation: item } },
  );
}

// The capability object is built only when somebody reads it: the token needs only the JSON.
class Compiled implements CompiledCapability {
  #capability: AblyCapability | undefined;
  readonly #pieces: readonly Fragment[];
  #quotedJson: string | undefined;
  constructor(
    readonly json: string,
    readonly rooms: readonly string[],
    pieces: readonly Fragment[],
    quotedJson?: string,
  ) {
    this.#pieces = pieces;
    this.#quotedJson = quotedJson;
  }
  static isCompiled(value: unknown): value is Compiled {
    return typeof value === 'object' && value !== null && #capability in value;
  }
  /** True when some room is granted `*`, `push-admin` or `privileged-headers`. */
  static isPrivileged(value: Compiled): boolean {
    for (const piece of value.#pieces) if (piece.mask & PRIVILEGED_OPERATIONS_MASK) return true;
    return false;
  }
  /** `JSON.stringify(json)`: the capability as the JSON string value of the `x-ably-capability` claim. */
  static quotedJson(value: Compiled): string {
    return (value.#quotedJson ??= JSON.stringify(value.json));
  }
  get capability(): AblyCapability {
    if (!this.#capability) {
      const capability = nullPrototype<AblyOperation[]>();
      for (let i = 0; i < this.rooms.length; i++) capability[this.rooms[i]!] = this.#pieces[i]!.operations.slice();
      this.#capability = capability;
    }
    return this.#capability;
  }
  toJSON(): { capability: AblyCapability; json: string; rooms: readonly string[] } {
    return { capability: this.capability, json: this.json, rooms: this.rooms };
  }
}

/**
 * True only for what {@link compileGrants} returned (a private brand, not the object's shape), so
 * an object that merely has a string `json` and an array `rooms` is compiled as grants, never
 * signed unchecked.
 * @example
 * isCompiledCapability(compileGrants({ lobby: 'all' })) // true
 * isCompiledCapability({ json: '{"[*]*":["*"]}', rooms: ['[*]*'] }) // false
 */
export function isCompiledCapability(value: unknown): value is CompiledCapability {
  return Compiled.isCompiled(value);
}

/**
 * True when a capability from {@link compileGrants} grants a privileged operation (`*`,
 * `push-admin`, `privileged-headers`), so an issuer without `allowPrivilegedOperations` can refuse
 * a capability compiled with it.
 */
export function grantsPrivilegedOperations(compiled: CompiledCapability): boolean {
  return Compiled.isCompiled(compiled) && Compiled.isPrivileged(compiled);
}

/**
 * The `x-ably-capability` claim's value as JSON text (`JSON.stringify(compiled.json)`), for the
 * issuer's payload; built from memoised pieces when {@link compileGrants} made the capability.
 */
export function capabilityClaimJson(compiled: CompiledCapability): string {
  return Compiled.isCompiled(compiled) ? Compiled.quotedJson(compiled) : JSON.stringify(compiled.json);
}
