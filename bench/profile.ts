/* Profiles a framework's token route against its bare route: `tsx bench/profile.ts <framework> [seconds]`
 * runs the adapter's and the bare route's bench servers under --cpu-prof, one after the other under
 * the same autocannon load (2 s warm-up, then the measured run), and prints each one's functions with
 * the most self time per answer of the measured run, then where the two differ most. `tsx bench/profile.ts <framework>
 * <route> [seconds]` (route: adapter, bare or seed) profiles one route only. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './servers/deps';
import { ROUTES, type RouteName } from './servers/shared';
import { load, type LoadResult } from './lib/load';
import { startServer } from './lib/server-process';
import { FRAMEWORKS, type FrameworkName } from './lib/settings';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface RouteProfile {
  route: RouteName;
  result: LoadResult;
  requests: number;
  file: string;
  busyMicros: number;
  /** Self time per function (name and where), in microseconds. */
  selfMicros: Map<string, number>;
}

/**
 * Self time per function over a time window (microseconds of the system's monotonic clock, which
 * V8 stamps its samples with too): the measured load only, without start-up and warm-up.
 */
function readProfile(file: string, fromMicros: number, toMicros: number): { busyMicros: number; selfMicros: Map<string, number> } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number };
  const selfMicros = new Map<string, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  let busyMicros = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromMicros || at > toMicros) return;
    const frame = byId.get(id)!.callFrame;
    const micros = profile.timeDeltas[i + 1] ?? 0; // a sample's delta is the time until the next one
    if (frame.functionName === '(idle)') return;
    busyMicros += micros;
    const where = frame.url.replace(/.*node_modules\/\.pnpm\/([^/]+)\/.*\/([^/]+)$/, '$1 $2').replace(`file://${REPO_ROOT}/`, '');
    const key = `${frame.functionName || '(anonymous)'}  ${where}`;
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + micros);
  });
  return { busyMicros, selfMicros };
}

async function profileRoute(framework: FrameworkName, route: RouteName, seconds: number): Promise<RouteProfile> {
  const server = await startServer(framework, route, { cpuProfile: true });
  let result: LoadResult;
  let from: number;
  let to: number;
  try {
    const path = ROUTES[route];
    const options = { connections: Number(process.env.BENCH_CONNECTIONS ?? 50), users: 100, cpuMicros: server.cpuMicros };
    await load(server.port, path, { ...options, seconds: 2 }); // warm-up, left out of the figures
    from = Number(process.hrtime.bigint() / 1000n);
    result = await load(server.port, path, { ...options, seconds });
    to = Number(process.hrtime.bigint() / 1000n);
  } finally {
    await server.stop();
  }
  const dir = server.profileDir!;
  // Node writes a profile per thread (tsx's loader has its own); the main thread's is the largest.
  const file = readdirSync(dir)
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  return { route, result, requests: result.ok, file, ...readProfile(file, from, to) };
}

const perAnswer = (micros: number, requests: number) => (micros / requests).toFixed(2).padStart(8);

function summary(p: RouteProfile, top: number): string {
  const rows = [...p.selfMicros].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `${p.route}: ${p.result.rps} req/s, p50 ${p.result.p50_ms} ms, p99 ${p.result.p99_ms} ms, server CPU ${p.result.cpu_us_per_req} us per answer`,
    `profile: ${relative(REPO_ROOT, p.file)} (open it in Chrome DevTools > Performance, or VS Code)`,
    `busy ${(p.busyMicros / 1000).toFixed(0)} ms over the ${p.requests} answers of the measured run (start-up and warm-up left out): ${(p.busyMicros / p.requests).toFixed(1)} us per answer. Self time per answer:`,
    ...rows.map(([key, micros]) => `${perAnswer(micros, p.requests)} us  ${((100 * micros) / p.busyMicros).toFixed(1).padStart(5)}%  ${key}`),
  ].join('\n');
}

/** The functions whose self time per answer differs most between the adapter and the bare route. */
function difference(ours: RouteProfile, bare: RouteProfile, top: number): string {
  const keys = new Set([...ours.selfMicros.keys(), ...bare.selfMicros.keys()]);
  const rows = [...keys]
    .map((key) => {
      const a = (ours.selfMicros.get(key) ?? 0) / ours.requests;
      const b = (bare.selfMicros.get(key) ?? 0) / bare.requests;
      return { key, a, b, delta: a - b };
    })
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta))
    .slice(0, top);
  return [
    `adapter - bare, self time per answer (us): ${(ours.busyMicros / ours.requests - bare.busyMicros / bare.requests).toFixed(1)} in all; largest differences:`,
    '   adapter     bare    delta',
    ...rows.map((r) => `${r.a.toFixed(2).padStart(9)}${r.b.toFixed(2).padStart(9)}${(r.delta >= 0 ? '+' : '') + r.delta.toFixed(2).padStart(8)}  ${r.key}`),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const framework = args[0];
  const single = args[1] !== undefined && args[1] in ROUTES ? (args[1] as RouteName) : undefined;
  const seconds = Number(args[single ? 2 : 1] ?? 10);
  if (!(FRAMEWORKS as readonly string[]).includes(framework ?? '') || !(seconds > 0)) {
    throw new Error(`usage: tsx bench/profile.ts <${FRAMEWORKS.join('|')}> [${Object.keys(ROUTES).join('|')}] [seconds]`);
  }
  const top = Number(process.env.BENCH_PROFILE_TOP ?? 30);
  if (single) {
    console.log(summary(await profileRoute(framework as FrameworkName, single, seconds), top));
    return;
  }
  // One at a time, so the two never compete for the cores.
  const ours = await profileRoute(framework as FrameworkName, 'adapter', seconds);
  const bare = await profileRoute(framework as FrameworkName, 'bare', seconds);
  console.log(`${framework}\n\n${summary(ours, top)}\n\n${summary(bare, top)}\n\n${difference(ours, bare, top)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
