/**
 * What core needs from its host, found at run time so that nothing Node-only is on its import
 * path: Workers, Deno, Bun, Next.js's edge runtime and browsers load the same build as Node.
 */

/** The key Node's `util.inspect` reads; a registered symbol, so no `node:util` import is needed. */
export const INSPECT_CUSTOM: unique symbol = Symbol.for('nodejs.util.inspect.custom');

interface HostProcess {
  getBuiltinModule?: (id: string) => unknown;
  cwd?: () => string;
}

/** `globalThis.process` where the host has one (Node, Bun, Deno 2, Workers with `nodejs_compat`). */
function hostProcess(): HostProcess | undefined {
  return (globalThis as { process?: HostProcess }).process;
}

/**
 * A Node built-in module, reached through `process.getBuiltinModule` (Node >= 20.16, Bun, Deno)
 * rather than a static `import 'node:…'`, which Workers without `nodejs_compat`, Next.js's edge
 * compiler and browser bundlers refuse. Undefined where the host has no such call, or it throws.
 */
export function nodeBuiltin<T>(id: `node:${string}`): T | undefined {
  try {
    return hostProcess()?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

/** The working directory with a trailing slash, or undefined where there is none (the edge throws). */
export function workingDirectory(): string | undefined {
  try {
    const cwd = hostProcess()?.cwd?.();
    return typeof cwd === 'string' ? `${cwd}/` : undefined;
  } catch {
    return undefined;
  }
}
