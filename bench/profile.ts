/* Profiles one route of one framework: `tsx bench/profile.ts <framework> <route> [seconds]` (route:
 * adapter, bare or seed). Runs that route's bench server with --cpu-prof, loads it, and prints
 * the functions with the most self time, so two routes' costs can be compared per request. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './servers/deps';
import { ROUTES, type RouteName } from './servers/shared';
import { load } from './lib/load';
import { startServer } from './lib/server-process';
import { FRAMEWORKS, type FrameworkName } from './lib/settings';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function summarise(file: string, requests: number, top: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const selfMicros = new Map<string, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const micros = profile.timeDeltas[i + 1] ?? 0; // a sample's delta is the time until the next one
    if (frame.functionName === '(idle)') return;
    busy += micros;
    const where = frame.url.replace(/.*node_modules\/\.pnpm\/([^/]+)\/.*\/([^/]+)$/, '$1 $2').replace(`file://${REPO_ROOT}/`, '');
    const key = `${frame.functionName || '(anonymous)'}  ${where}`;
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + micros);
  });
  const rows = [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `busy ${(busy / 1000).toFixed(0)} ms (start-up included) over ${requests} answers: ${(busy / requests).toFixed(1)} us per answer. Self time per answer:`,
    ...rows.map(([key, micros]) => `${(micros / requests).toFixed(2).padStart(8)} us  ${((100 * micros) / busy).toFixed(1).padStart(5)}%  ${key}`),
  ].join('\n');
}

async function main(): Promise<void> {
  const [framework, route = 'adapter', seconds = '10'] = process.argv.slice(2);
  if (!(FRAMEWORKS as readonly string[]).includes(framework ?? '') || !(route in ROUTES)) {
    throw new Error(`usage: tsx bench/profile.ts <${FRAMEWORKS.join('|')}> <${Object.keys(ROUTES).join('|')}> [seconds]`);
  }
  const server = await startServer(framework as FrameworkName, route as RouteName, { cpuProfile: true });
  let requests: number;
  try {
    const path = ROUTES[route as RouteName];
    const options = { connections: Number(process.env.BENCH_CONNECTIONS ?? 50), users: 100, cpuMicros: server.cpuMicros };
    const warmup = await load(server.port, path, { ...options, seconds: 2 }); // in the profile too
    const result = await load(server.port, path, { ...options, seconds: Number(seconds) });
    requests = warmup.ok + result.ok;
    console.log(
      `${framework} ${route}: ${result.rps} req/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, server CPU ${result.cpu_us_per_req} us per answer`,
    );
  } finally {
    await server.stop();
  }
  const dir = server.profileDir!;
  const main = readdirSync(dir)
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  console.log(`profile: ${relative(REPO_ROOT, main)} (open it in Chrome DevTools > Performance, or VS Code)`);
  console.log(summarise(main, requests, Number(process.env.BENCH_PROFILE_TOP ?? 30)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
