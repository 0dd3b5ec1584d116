/* core's own bench (packages/core/bench/core.bench.ts, what `pnpm bench:core` runs), spawned as
 * is; its last output line is one JSON object. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../servers/deps';

export interface CoreFigures {
  core_ops_per_s: number;
  raw_hs256_ops_per_s: number;
  naive_jsonwebtoken_ops_per_s: number;
  /** core on its WebCrypto path (crypto.subtle), as Workers, the edge and browsers sign. */
  core_webcrypto_ops_per_s: number;
  /** The median of per-round core / hand-built ratios, by elapsed time. */
  ratio_core_to_raw: number;
  /** The same by CPU time (user + system), which a busy shared machine disturbs less. */
  ratio_core_to_raw_cpu: number;
  speedup_vs_naive: number;
  rounds: number;
  round_ms: number;
}

export function runCoreBench({ rounds, roundMs }: { rounds: number; roundMs: number }): Promise<CoreFigures> {
  const coreDir = join(REPO_ROOT, 'packages', 'core');
  const tsxCli = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  // As `pnpm bench:core` runs it: from packages/core, with its own tsconfig lookup (not the one
  // `tsx --tsconfig` passed to this runner through TSX_TSCONFIG_PATH).
  const { TSX_TSCONFIG_PATH: _runnerTsconfig, ...env } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsxCli, 'bench/core.bench.ts'], {
      cwd: coreDir,
      env: { ...env, BENCH_ROUNDS: String(rounds), BENCH_ROUND_MS: String(roundMs) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const lines = output.trim().split('\n');
      for (const line of lines.slice(0, -1)) console.log(`  ${line}`);
      if (code !== 0) return reject(new Error(`core's bench exited with code ${code}:\n${output}`));
      try {
        const figures = JSON.parse(lines.at(-1) ?? '') as Omit<CoreFigures, 'speedup_vs_naive' | 'rounds' | 'round_ms'>;
        resolve({
          ...figures,
          speedup_vs_naive: Number((figures.core_ops_per_s / figures.naive_jsonwebtoken_ops_per_s).toFixed(1)),
          rounds,
          round_ms: roundMs,
        });
      } catch {
        reject(new Error(`core's bench did not end with a JSON line:\n${output}`));
      }
    });
  });
}
