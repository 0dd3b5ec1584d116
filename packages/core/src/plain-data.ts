import { AblyChatAuthError, type AblyChatAuthErrorCode } from './errors.js';
import { nodeBuiltin } from './runtime.js';

/**
 * Whether a value is a Proxy. Only the host can tell (no JavaScript can): Node's `util.types`,
 * reached at run time, where it exists (Node, Bun, Deno); elsewhere (Workers, browsers) a Proxy is
 * checked through what its traps return, as any object.
 */
const isProxy: (value: unknown) => boolean =
  nodeBuiltin<{ types: { isProxy(this: void, value: unknown): boolean } }>('node:util')?.types.isProxy ?? (() => false);

/**
 * An object without a prototype, for maps keyed by room or claim names: a room named `__proto__`
 * must stay an ordinary key (assignment to it on a plain object sets the prototype instead), and a
 * lookup of `constructor` or `toString` must find nothing unless that room was granted.
 */
export function nullPrototype<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/** A JSON value: what {@link assertPlainJson} lets through. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Deepest nesting checked; JWT claims are small, and the limit keeps recursion off the stack's edge. */
export const MAX_PLAIN_JSON_DEPTH = 64;

const PLAIN = 'Only plain JSON data is signed: objects, arrays, strings, finite numbers, booleans and null.';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const hasOwn = (value: object, key: PropertyKey) => Object.prototype.hasOwnProperty.call(value, key);

/**
 * Checks that a value is plain JSON data, so that what is signed is exactly what was given:
 * objects (plain or prototype-less), arrays without holes, strings, finite numbers, booleans and
 * null, without cycles. Refused, naming the path (`claims.profile.toJSON`): a `toJSON` method
 * (JSON.stringify would sign its result instead, and at the top level that replaces the whole
 * payload), class instances, Dates, Maps, Sets, typed arrays, Proxies, getters, functions,
 * symbols, bigints, `undefined`, NaN and ±Infinity. Key names are shown; values never are.
 *
 * Hand-written rather than a schema library: the rules are JSON's own, and the error must name the
 * path in this package's error model.
 *
 * @throws AblyChatAuthError with `code` (default `ERR_INVALID_CLAIMS`) and `details.path`.
 * @example
 * assertPlainJson({ 'ably.room.lobby': '{"role":"host"}' }, 'claims'); // passes
 * assertPlainJson({ profile: { since: new Date() } }, 'claims');      // throws: claims.profile.since is a Date...
 */
export function assertPlainJson(value: unknown, name: string, code: AblyChatAuthErrorCode = 'ERR_INVALID_CLAIMS'): asserts value is JsonValue {
  check(value, name, 0, new Map(), code);
}

function check(value: unknown, path: string, depth: number, ancestors: Map<object, string>, code: AblyChatAuthErrorCode): void {
  const fail = (what: string, at = path): never => {
    throw new AblyChatAuthError(code, `${at} ${what} ${PLAIN}`, { details: { path: at } });
  };
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(`is ${value}, which JSON would turn into null.`);
      return;
    case 'undefined':
      return fail('is undefined, which JSON would drop or turn into null: leave it out or use null.');
    case 'bigint':
      return fail('is a bigint, which JSON cannot encode: write it as a string or a number.');
    case 'symbol':
      return fail('is a symbol, which JSON would drop.');
    case 'function':
      return fail(isProxy(value) ? 'is a Proxy.' : 'is a function, which JSON would drop.');
  }
  if (value === null) return;
  const object = value as object;
  if (isProxy(object)) fail('is a Proxy, whose contents could change between the check and the signature.');
  const seen = ancestors.get(object);
  if (seen !== undefined) fail(`is a cycle: it refers back to ${seen}.`);
  if (depth >= MAX_PLAIN_JSON_DEPTH) fail(`is nested deeper than ${MAX_PLAIN_JSON_DEPTH} levels.`);
  if (hasOwn(object, 'toJSON')) fail('is a toJSON method, which would replace what is signed with its result.', `${path}.toJSON`);
  ancestors.set(object, path);
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) {
      if (!hasOwn(object, i)) fail('is a hole in the array, which JSON would turn into null.', `${path}[${i}]`);
      check(object[i], `${path}[${i}]`, depth + 1, ancestors, code);
    }
    if (Object.keys(object).length !== object.length) {
      const extra = Object.keys(object).find((key) => !/^(0|[1-9]\d*)$/.test(key) || Number(key) >= object.length)!;
      fail('is an array property that is not an index, which JSON would drop.', pathOf(path, extra));
    }
  } else {
    const prototype: unknown = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) fail(describeObject(object, prototype));
    if (Object.getOwnPropertySymbols(object).some((symbol) => Object.prototype.propertyIsEnumerable.call(object, symbol))) {
      fail('has a symbol-keyed property, which JSON would drop.');
    }
    for (const key of Object.keys(object)) {
      const descriptor = Object.getOwnPropertyDescriptor(object, key)!;
      const at = pathOf(path, key);
      if (!('value' in descriptor)) fail('is a getter, whose value could change between the check and the signature.', at);
      check(descriptor.value, at, depth + 1, ancestors, code);
    }
  }
  ancestors.delete(object);
}

function pathOf(path: string, key: string): string {
  if (IDENTIFIER.test(key)) return `${path}.${key}`;
  return `${path}[${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)}]`;
}

/** The built-in class an object belongs to, by its internal tag (as `util.types` reads it, without Node). */
function tagOf(object: object): string {
  return Object.prototype.toString.call(object).slice(8, -1);
}

const BOXED = new Set(['String', 'Number', 'Boolean', 'Symbol', 'BigInt']);

function describeObject(object: object, prototype: unknown): string {
  const tag = tagOf(object);
  if (tag === 'Date') return 'is a Date: write it as a string (date.toISOString()) or a number (date.getTime()).';
  if (tag === 'Map') return 'is a Map, which JSON turns into {}: use a plain object (Object.fromEntries(map)).';
  if (tag === 'Set') return 'is a Set, which JSON turns into {}: use an array ([...set]).';
  if (tag === 'RegExp') return 'is a RegExp: write it as a string.';
  if (tag === 'Promise') return 'is a Promise: await it before signing.';
  if (tag === 'Error' || object instanceof Error) return 'is an Error: copy the fields you mean into a plain object.';
  if (ArrayBuffer.isView(object) || tag === 'ArrayBuffer' || tag === 'SharedArrayBuffer') {
    const kind = (object as { constructor?: { name?: unknown } }).constructor?.name;
    return `is binary data${typeof kind === 'string' ? ` (${kind})` : ''}: encode it as a string, e.g. base64.`;
  }
  if (BOXED.has(tag) && prototype !== Object.prototype) return 'is a boxed primitive (new String, new Number...): use the primitive.';
  const constructorName = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof constructorName === 'string' && constructorName.length > 0 && constructorName !== 'Object'
    ? `is an instance of ${constructorName}, not a plain object: copy the fields you mean into one.`
    : 'is an object with a custom prototype, not a plain object: copy the fields you mean into one.';
}
