/**
 * Memory: the process's peak RSS (getrusage maxRSS, plus a sampler to attribute peaks to phases), and baselines
 * measured in child processes so they do not inflate our own peak: a bare node process, and one that has opened
 * an in-memory PGlite with pgvector.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MB = 1024 * 1024;

export interface RssSampler {
  /** Starts attributing samples to a phase. */
  phase(name: string): void;
  /** Peak RSS (MB) per phase seen so far. */
  peaks(): Record<string, number>;
  stop(): void;
}

export function startRssSampler(intervalMs = 50): RssSampler {
  const peaks: Record<string, number> = {};
  let current = 'start';
  const sample = () => {
    const rss = process.memoryUsage.rss() / MB;
    peaks[current] = Math.max(peaks[current] ?? 0, rss);
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    phase(name) {
      sample();
      current = name;
      sample();
    },
    peaks: () => (sample(), { ...peaks }),
    stop: () => clearInterval(timer),
  };
}

/** Lifetime peak RSS of this process in MB (getrusage). */
export function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** maxRSS (MB) of `node -e ''`: what Node costs before any of our code. */
export function bareNodeRssMb(): number {
  const out = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS))'], { encoding: 'utf8' });
  return Number(out) / 1024;
}

/** maxRSS (MB) of a child that opened an in-memory PGlite with pgvector and ran a query (tsx, like the app). */
export function pgliteOpenRssMb(): number {
  const probe = fileURLToPath(new URL('./rss-probe.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  const out = execFileSync(tsx, [probe], { encoding: 'utf8' });
  return Number(out.trim().split('\n').pop()) / 1024;
}
