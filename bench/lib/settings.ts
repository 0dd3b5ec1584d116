/* Bench settings, from the environment. Defaults keep the whole `pnpm bench` near 6 minutes on the
 * 2-core dev VM; BENCH_QUICK=1 is a smoke run of about a minute. */

export const FRAMEWORKS = ['express', 'koa', 'fastify', 'nestjs-express', 'nestjs-fastify'] as const;
export type FrameworkName = (typeof FRAMEWORKS)[number];

export interface BenchSettings {
  connections: number;
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
  memoryTokens: number;
  /** HTTP pipelining depth of the memory run only (it speeds the run up; the rounds always use 1, as browsers do). */
  memoryPipelining: number;
  users: number;
  frameworks: FrameworkName[];
  core: boolean;
  coreRounds: number;
  coreRoundMs: number;
  cpuProfile: boolean;
  quick: boolean;
}

function numberFromEnv(name: string, fallback: number, { min = 0, integer = true } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}; got ${JSON.stringify(raw)}.`);
  }
  return value;
}

export function readSettings(): BenchSettings {
  const quick = process.env.BENCH_QUICK === '1';
  const only = (process.env.BENCH_FRAMEWORKS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of only) {
    if (!(FRAMEWORKS as readonly string[]).includes(name)) throw new Error(`BENCH_FRAMEWORKS: unknown framework '${name}'; use ${FRAMEWORKS.join(', ')}.`);
  }
  const settings: BenchSettings = {
    connections: numberFromEnv('BENCH_CONNECTIONS', 50, { min: 1 }),
    rounds: numberFromEnv('BENCH_ROUNDS', quick ? 3 : 12, { min: 1 }),
    roundSeconds: numberFromEnv('BENCH_ROUND_SECONDS', quick ? 1 : 1.25, { min: 0.5, integer: false }),
    warmupSeconds: numberFromEnv('BENCH_WARMUP_SECONDS', 1, { min: 0, integer: false }),
    memoryTokens: numberFromEnv('BENCH_MEMORY_TOKENS', quick ? 20_000 : 200_000, { min: 0 }),
    memoryPipelining: numberFromEnv('BENCH_MEMORY_PIPELINING', 10, { min: 1 }),
    users: numberFromEnv('BENCH_USERS', 100, { min: 1 }),
    frameworks: only.length ? (only as FrameworkName[]) : [...FRAMEWORKS],
    core: process.env.BENCH_CORE !== '0',
    coreRounds: numberFromEnv('BENCH_CORE_ROUNDS', quick ? 3 : 9, { min: 1 }),
    coreRoundMs: numberFromEnv('BENCH_CORE_ROUND_MS', 300, { min: 10 }),
    cpuProfile: process.env.BENCH_CPU_PROF === '1',
    quick,
  };
  if (settings.memoryTokens > 0 && settings.memoryTokens < settings.connections) {
    throw new Error('BENCH_MEMORY_TOKENS must be 0 (skip) or at least BENCH_CONNECTIONS.');
  }
  return settings;
}
