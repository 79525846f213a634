/**
 * Retrieval at scale (issue 4): runs the retrieval engineer's scripts/bench-retrieval.ts as a child process and reads
 * its summary lines. Its output format is theirs: when the summary lines are not found, the row says so with the
 * exit code and the last lines of output.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface AtScale {
  procedures?: number;
  importS?: number;
  indexS?: number;
  hnswS?: number;
  chunks?: number;
  p50?: number;
  p95?: number;
  queries?: number;
  top1?: number;
  recall5?: number;
  skipped?: string;
  /** Exit code and the last lines of output when something did not parse. */
  problem?: string;
  stdout: string;
}

export function parseBenchRetrieval(stdout: string): Omit<AtScale, 'stdout'> {
  const out: Omit<AtScale, 'stdout'> = {};
  const skip = /^bench-retrieval: skipped — (.*)$/m.exec(stdout);
  if (skip) return { skipped: skip[1]! };
  const imp = /imported (\d+) procedures .* in ([\d.]+) s/.exec(stdout);
  if (imp) Object.assign(out, { procedures: Number(imp[1]), importS: Number(imp[2]) });
  const idx = /indexed (\d+) chunks .* in ([\d.]+) s; HNSW index built in ([\d.]+) s/.exec(stdout);
  if (idx) Object.assign(out, { chunks: Number(idx[1]), indexS: Number(idx[2]), hnswS: Number(idx[3]) });
  const s = /p50 ([\d.]+) ms, p95 ([\d.]+) ms over (\d+) queries(?:; top-1 ([\d.]+), R@5 ([\d.]+))?/.exec(stdout);
  if (s) Object.assign(out, { p50: Number(s[1]), p95: Number(s[2]), queries: Number(s[3]), ...(s[4] ? { top1: Number(s[4]), recall5: Number(s[5]) } : {}) });
  return out;
}

/** Runs the script with DATABASE_URL; stderr (progress) goes to ours. Bounded by timeoutMs. */
export function runBenchRetrieval(databaseUrl: string, options: { timeoutMs: number; args?: string[] }): Promise<AtScale> {
  const script = fileURLToPath(new URL('../bench-retrieval.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(tsx, [script, ...(options.args ?? [])], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const parsed = parseBenchRetrieval(stdout);
      const complete = parsed.skipped || (parsed.p50 !== undefined && parsed.indexS !== undefined);
      resolve({
        ...parsed,
        stdout,
        ...(code === 0 && complete ? {} : { problem: `exit ${code ?? signal}${complete ? '' : ', summary lines not found'}: ${stdout.trim().split('\n').slice(-3).join(' | ')}` }),
      });
    });
  });
}
