// `staff add|list|remove`: named dashboard accounts from the command line (the first admin is made here).
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import type { CliContext } from './context.js';
import { createStaffStore, generatePassword, MIN_PASSWORD } from '../server/admin/staff.js';

/** Reads a password from a terminal without echoing it; undefined when stdin is not a terminal. */
async function promptPassword(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const out = rl as unknown as { _writeToOutput?: (s: string) => void };
  process.stderr.write(question);
  out._writeToOutput = () => undefined;
  try {
    return (await rl.question('')).trim();
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

export function registerStaffCommands(program: Command, ctx: () => CliContext): void {
  const staff = program.command('staff').description('named dashboard accounts: viewer (reads), editor (corrects, notes), admin (accounts)');
  staff
    .command('add')
    .argument('<name>', 'login name (letters, digits, . _ -)')
    .requiredOption('--role <role>', 'viewer | editor | admin')
    .option('--generate', 'generate a password and print it once (the default when not on a terminal)')
    .action(async (name: string, opts: { role: string; generate?: boolean }) => {
      const c = ctx();
      let password = opts.generate ? undefined : await promptPassword(`Mật khẩu cho ${name} (ít nhất ${MIN_PASSWORD} ký tự, để trống để tạo tự động): `);
      const generated = !password;
      password ||= generatePassword();
      const account = await createStaffStore(await c.db()).add({ name, role: opts.role, password, actor: 'cli' });
      c.out(`staff ${account.name} (${account.role}) saved${generated ? `; password (shown once): ${password}` : ''}`);
    });
  staff
    .command('list')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const list = await createStaffStore(await c.db()).list();
      c.out(opts.json ? JSON.stringify(list) : list.map((a) => `${a.name}\t${a.role}\t${a.createdAt.slice(0, 10)}`).join('\n') || '(none)');
    });
  staff
    .command('remove')
    .argument('<name>')
    .action(async (name: string) => {
      const c = ctx();
      const removed = await createStaffStore(await c.db()).remove(name, 'cli');
      if (!removed) c.exitCode = 1;
      c.out(removed ? `staff ${name} removed (their sessions end at once)` : `no staff account ${name}`);
    });
}
