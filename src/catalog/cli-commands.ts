// Catalog commands for the CLI: import, stats, show. Each is a few lines over src/catalog.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { CliContext } from '../cli.js';
import { AppError } from '../errors.js';
import { readDvcDirectory, type DvcFileError } from './import-dvc.js';
import { readKnowledgeProcedures } from './knowledge.js';
import { resolveProceduresDir } from './ensure.js';
import { createCatalogRepository } from './repository.js';
import { renderProcedureText } from './render-text.js';

interface ImportOptions {
  format: string;
  json?: boolean;
}

export function registerCatalogCommands(program: Command, ctx: () => CliContext): void {
  program
    .command('import')
    .description('import procedures: our knowledge/ YAML (default) or national-portal JSON with --format dvc')
    .argument('[dir]', 'directory to read (default: knowledge)')
    .option('--format <format>', 'knowledge | dvc', 'knowledge')
    .option('--json', 'print the counts as one JSON line (the last line of output)')
    .action(async (dirArg: string | undefined, opts: ImportOptions) => {
      const c = ctx();
      if (opts.format !== 'knowledge' && opts.format !== 'dvc') {
        throw new AppError('catalog:invalid', { message: `unknown --format ${opts.format} (knowledge or dvc)` });
      }
      let errors: DvcFileError[];
      let read;
      if (opts.format === 'knowledge') {
        const dir = resolveProceduresDir(dirArg ?? 'knowledge');
        const { procedures, problems } = readKnowledgeProcedures(dir);
        for (const p of problems) process.stderr.write(`${p.file} [${p.record}] ${p.field}: ${p.message}\n`);
        if (problems.length) {
          // A curated catalog is all-or-nothing: fix the files, then import.
          const failed = new Set(problems.map((p) => `${p.file}#${p.record}`)).size;
          errors = problems.map((p) => ({ file: p.file, message: `[${p.record}] ${p.field}: ${p.message}` }));
          if (opts.json) c.out(JSON.stringify({ imported: 0, updated: 0, unchanged: 0, failed, errors }));
          else c.out(`nothing imported: ${problems.length} problem(s) in ${dir}`);
          process.exitCode = 1;
          return;
        }
        read = { procedures, errors: [] as DvcFileError[] };
      } else {
        if (!dirArg) throw new AppError('catalog:invalid', { message: 'import --format dvc needs a directory' });
        read = readDvcDirectory(dirArg);
        for (const e of read.errors) process.stderr.write(`skipped ${e.file}: ${e.message}\n`);
      }
      errors = read.errors;
      const db = await c.db();
      // A progress bar only on a terminal: pipes and --json consumers get clean output.
      const bar = process.stderr.isTTY
        ? new cliProgress.SingleBar(
            { stream: process.stderr, clearOnComplete: true, format: 'importing [{bar}] {value}/{total}' },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      bar?.start(read.procedures.length, 0);
      const counts = await createCatalogRepository(db)
        .upsertProcedures(read.procedures, {
          source: opts.format === 'dvc' ? 'dvc' : 'knowledge',
          onProgress: (done) => bar?.update(done),
        })
        .finally(() => bar?.stop());
      const result = { ...counts, failed: errors.length, errors };
      c.out(
        opts.json
          ? JSON.stringify(result)
          : `imported ${counts.imported}, updated ${counts.updated}, unchanged ${counts.unchanged}, failed ${errors.length}`,
      );
    });

  program
    .command('stats')
    .description('count procedures, fields and indexed chunks')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const s = await createCatalogRepository(await c.db()).stats();
      c.out(opts.json ? JSON.stringify(s) : `procedures: ${s.procedures}\nfields: ${s.fields}\nchunks: ${s.chunks}`);
    });

  program
    .command('show')
    .description("print a procedure's full requirements (by code or name)")
    .argument('<query...>', 'procedure code (e.g. 1.001193) or name')
    .option('--json', 'print the record as JSON')
    .action(async (words: string[], opts: { json?: boolean }) => {
      const c = ctx();
      const repo = createCatalogRepository(await c.db());
      const query = words.join(' ').trim();
      let entry = await repo.getProcedure(query);
      let others: { code: string; name: string }[] = [];
      if (!entry) {
        const matches = await repo.findByName(query, { limit: 6 });
        if (matches[0]) entry = await repo.getProcedure(matches[0].code);
        others = matches.slice(1);
      }
      if (!entry) throw new AppError('catalog:not_found', { message: `no procedure matches "${query}"` });
      if (opts.json) {
        c.out(JSON.stringify(entry.procedure));
        return;
      }
      c.out(renderProcedureText(entry.procedure, { updatedAt: entry.updatedAt }));
      if (others.length) {
        c.out('\nCác thủ tục khác cũng khớp:');
        for (const o of others) c.out(`  ${o.code}  ${o.name}`);
      }
    });
}
