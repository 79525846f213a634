import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one command line through the program in this process (no tsx start-up, no second PGlite process): the
 * environment is only what is given, output lines are joined as stdout, logs and errors collected as stderr.
 */
export async function runCliInProcess(args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  const out: string[] = [];
  let stderr = '';
  const err = new Writable({
    write(chunk, _enc, cb) {
      stderr += String(chunk);
      cb();
    },
  });
  const code = await runCli(['node', 'motcua', ...args], { env, out: (line) => out.push(line), err });
  return { code, stdout: out.length ? `${out.join('\n')}\n` : '', stderr };
}

export const lastJson = (out: string): any => JSON.parse(out.trim().split('\n').at(-1) ?? 'null');
