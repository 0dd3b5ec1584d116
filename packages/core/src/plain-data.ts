/**
 * An object without a prototype, for maps keyed by room or claim names: a room named `__proto__`
 * must stay an ordinary key (assignment to it on a plain object sets the prototype instead), and a
 * lookup of `constructor` or `toString` must find nothing unless that room was granted.
 */
export function nullPrototype<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}
