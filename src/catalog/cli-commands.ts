// Catalog commands for the CLI: import, stats, show. Each is a few lines over src/catalog.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { CliContext } from '../cli.js';
import { AppError } from '../errors.js';
import { readDvcDirectory, type DvcFileError } from './import-dvc.js';
import { readKnowledgeProcedures } from './knowledge.js';
import { resolveProceduresDir } from './ensure.js';
import { createCatalogRepository, type CatalogSource, type UpsertCounts } from './repository.js';
import type { Procedure } from './schema.js';
import type { Db } from '../db/db.js';
import { renderProcedureText } from './render-text.js';

interface ImportOptions {
  format: string;
  json?: boolean;
}

interface SourceRead {
  procedures: Procedure[];
  errors: DvcFileError[];
  /** true when nothing may be imported (a curated catalog with schema errors is all-or-nothing). */
  fatal: boolean;
}

function readSource(format: string, dirArg: string | undefined): SourceRead {
  if (format === 'knowledge') {
    const { procedures, problems } = readKnowledgeProcedures(resolveProceduresDir(dirArg ?? 'knowledge'));
    const errors = problems.map((p) => ({ file: p.file, message: `[${p.record}] ${p.field}: ${p.message}` }));
    return { procedures, errors, fatal: problems.length > 0 };
  }
  if (format !== 'dvc') throw new AppError('catalog:invalid', { message: `unknown --format ${format} (knowledge or dvc)` });
  if (!dirArg) throw new AppError('catalog:invalid', { message: 'import --format dvc needs a directory' });
  return { ...readDvcDirectory(dirArg), fatal: false };
}

/** Upserts with a progress bar on stderr when it is a terminal (pipes and --json consumers get clean output). */
async function upsertWithProgress(db: Db, procedures: Procedure[], source: CatalogSource): Promise<UpsertCounts> {
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { stream: process.stderr, clearOnComplete: true, format: 'importing [{bar}] {value}/{total}' },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(procedures.length, 0);
  try {
    return await createCatalogRepository(db).upsertProcedures(procedures, {
      source,
      onProgress: (done) => bar?.update(done),
    });
  } finally {
    bar?.stop();
  }
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
      const { procedures, errors, fatal } = readSource(opts.format, dirArg);
      for (const e of errors) process.stderr.write(fatal ? `${e.file} ${e.message}\n` : `skipped ${e.file}: ${e.message}\n`);
      const counts = fatal
        ? { imported: 0, updated: 0, unchanged: 0 }
        : await upsertWithProgress(await c.db(), procedures, opts.format === 'dvc' ? 'dvc' : 'knowledge');
      const failed = fatal ? new Set(errors.map((e) => `${e.file}${e.message.split(']')[0]}`)).size : errors.length;
      if (fatal) process.exitCode = 1;
      c.out(
        opts.json
          ? JSON.stringify({ ...counts, failed, errors })
          : `${fatal ? 'nothing imported: fix the files above. ' : ''}imported ${counts.imported}, updated ${counts.updated}, unchanged ${counts.unchanged}, failed ${failed}`,
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
