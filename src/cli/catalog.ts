// Catalog commands for the CLI: import, stats, show. Each is a few lines over src/catalog.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { CliContext } from './context.js';
import { AppError } from '../errors.js';
import { readDvcDirectory, type DvcFileError } from '../catalog/import-dvc.js';
import { readKnowledgeProcedures } from '../catalog/knowledge.js';
import { resolveProceduresDir } from '../catalog/ensure.js';
import { createCatalogRepository, type CatalogSource, type RetireResult, type UpsertCounts } from '../catalog/repository.js';
import type { Procedure } from '../catalog/schema.js';
import type { Db } from '../db/db.js';
import { renderProcedureText } from '../catalog/render-text.js';
import { readProvinceListFile, toCompactList, type ProvinceListSkip } from '../catalog/province-list.js';
import { recordAudit } from '../catalog/audit.js';
import { createCorrectionStore } from '../catalog/corrections.js';
import { writeFileSync } from 'node:fs';

interface ImportOptions {
  format: string;
  json?: boolean;
  retireMissing?: boolean;
  listedAt?: string;
}

interface SourceRead {
  procedures: Procedure[];
  errors: DvcFileError[];
  /** true when nothing may be imported (a curated catalog with schema errors is all-or-nothing). */
  fatal: boolean;
}

function readSource(format: string, dirArg: string | undefined, opts: ImportOptions): SourceRead & { skipped?: ProvinceListSkip[] } {
  if (format === 'province-list') {
    if (!dirArg) throw new AppError('catalog:invalid', { message: 'import --format province-list needs a file (the CSV export or our compact .json)' });
    if (opts.listedAt && !/^\d{4}-\d{2}-\d{2}$/.test(opts.listedAt)) throw new AppError('catalog:invalid', { message: '--listed-at: a date YYYY-MM-DD' });
    const read = readProvinceListFile(dirArg, { listedAt: opts.listedAt });
    return { procedures: read.procedures, errors: [], fatal: false, skipped: read.skipped };
  }
  if (format === 'knowledge') {
    const { procedures, problems } = readKnowledgeProcedures(resolveProceduresDir(dirArg ?? 'knowledge'));
    const errors = problems.map((p) => ({ file: p.file, message: `[${p.record}] ${p.field}: ${p.message}` }));
    return { procedures, errors, fatal: problems.length > 0 };
  }
  if (format !== 'dvc') throw new AppError('catalog:invalid', { message: `unknown --format ${format} (knowledge, dvc or province-list)` });
  if (!dirArg) throw new AppError('catalog:invalid', { message: 'import --format dvc needs a directory' });
  return { ...readDvcDirectory(dirArg), fatal: false };
}

/** Upserts with a progress bar on stderr when it is a terminal (pipes and --json consumers get clean output). */
async function upsertWithProgress(db: Db, procedures: Procedure[], source: CatalogSource, importId?: number): Promise<UpsertCounts> {
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
      importId,
      onProgress: (done) => bar?.update(done),
    });
  } finally {
    bar?.stop();
  }
}

export function registerCatalogCommands(program: Command, ctx: () => CliContext): void {
  program
    .command('import')
    .description(
      "import procedures: our knowledge/ YAML (default), national-portal JSON (--format dvc) or the province's list (--format province-list FILE.csv|.json)",
    )
    .argument('[dir]', 'directory (knowledge, dvc) or file (province-list) to read (default: knowledge)')
    .option('--format <format>', 'knowledge | dvc | province-list', 'knowledge')
    .option('--retire-missing', 'retire codes this source listed before and this export no longer has')
    .option('--listed-at <date>', 'province-list: the date of the list (YYYY-MM-DD)')
    .option('--json', 'print the counts as one JSON line (the last line of output)')
    .action(async (dirArg: string | undefined, opts: ImportOptions) => {
      const c = ctx();
      const { procedures, errors, fatal, skipped = [] } = readSource(opts.format, dirArg, opts);
      const source: CatalogSource = opts.format === 'dvc' ? 'dvc' : opts.format === 'province-list' ? 'province' : 'knowledge';
      for (const e of errors) c.warn(fatal ? `${e.file} ${e.message}` : `skipped ${e.file}: ${e.message}`);
      for (const s of skipped) c.warn(`skipped row ${s.row} (${s.reason}): ${s.detail}`);
      let counts: UpsertCounts = { imported: 0, updated: 0, unchanged: 0 };
      let retire: RetireResult | undefined;
      if (!fatal) {
        const db = await c.db();
        const repo = createCatalogRepository(db);
        const importId = await repo.startImport(source, dirArg ?? 'knowledge');
        counts = await upsertWithProgress(db, procedures, source, importId);
        if (opts.retireMissing) {
          // A file that failed to read would look like codes the source dropped: retire nothing rather than too much.
          if (errors.length) c.warn(`--retire-missing not applied: ${errors.length} file(s) failed to read`);
          else retire = await repo.retireMissing(source, procedures.map((p) => p.code), { importId });
        }
        const summary = { ...counts, ...(retire ?? {}), skipped: skipped.length, failed: errors.length };
        await repo.finishImport(importId, summary);
        await recordAudit(db, { actor: 'cli', action: 'import', target: `${source}:${dirArg ?? 'knowledge'}`, details: summary });
      }
      const failed = fatal ? new Set(errors.map((e) => `${e.file}${e.message.split(']')[0]}`)).size : errors.length;
      if (fatal) c.exitCode = 1;
      const retired = opts.retireMissing ? { retired: retire?.retired ?? 0, dropped: retire?.dropped ?? 0 } : {};
      c.out(
        opts.json
          ? JSON.stringify({ ...counts, ...retired, ...(source === 'province' ? { skipped: skipped.length } : {}), failed, errors, ...(source === 'province' ? { skippedRows: skipped } : {}) })
          : `${fatal ? 'nothing imported: fix the files above. ' : ''}imported ${counts.imported}, updated ${counts.updated}, unchanged ${counts.unchanged}` +
              `${opts.retireMissing ? `, retired ${retire?.retired ?? 0}, dropped by this source ${retire?.dropped ?? 0}` : ''}` +
              `${skipped.length ? `, skipped rows ${skipped.length}` : ''}, failed ${failed}`,
      );
    });

  program
    .command('province-list-build')
    .description("write our compact form of the province's CSV list (what knowledge/province/ ships and npm start imports)")
    .argument('<csv>', "the province's CSV export")
    .argument('<out>', 'the .json file to write')
    .option('--listed-at <date>', 'the date of the list (YYYY-MM-DD)')
    .option('--province <name>', 'who publishes it', 'Lạng Sơn')
    .action(async (csv: string, out: string, opts: { listedAt?: string; province: string }) => {
      const c = ctx();
      const read = readProvinceListFile(csv, { province: opts.province, listedAt: opts.listedAt });
      const url = read.procedures.flatMap((p) => p.province?.pages ?? []).find((g) => g.url)?.url ?? '';
      const pageUrl = url.replace(/=\d+$/, '={id}');
      if (!pageUrl.includes('{id}')) throw new AppError('catalog:invalid', { message: `${csv}: cannot tell the portal's page address pattern from ${url || 'no URL'}` });
      const compact = toCompactList(read.procedures, { province: opts.province, listedAt: opts.listedAt, pageUrl });
      writeFileSync(out, `${JSON.stringify(compact, null, 0).replace(/\],\[\"/g, '],\n["')}\n`);
      c.out(`wrote ${out}: ${compact.procedures.length} procedures; skipped ${read.skipped.length} rows (${[...new Set(read.skipped.map((s) => s.reason))].join(', ')})`);
    });

  program
    .command('corrections')
    .description("staff corrections (question → procedure) as JSON, to keep or move to another deployment")
    .argument('<action>', 'export')
    .action(async (action: string) => {
      if (action !== 'export') throw new AppError('catalog:invalid', { message: `unknown corrections action ${action} (export)` });
      const c = ctx();
      c.out(JSON.stringify(await createCorrectionStore(await c.db()).list()));
    });

  program
    .command('stats')
    .description('count procedures (detailed, listed-only, retired), fields and indexed chunks')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const s = await createCatalogRepository(await c.db()).stats();
      c.out(
        opts.json
          ? JSON.stringify(s)
          : `procedures: ${s.procedures}\n  detailed: ${s.detailed} (of which listed by the province: ${s.detailedAndListed})\n  listed only: ${s.listedOnly}\nretired: ${s.retired}\nfields: ${s.fields}\nchunks: ${s.chunks}`,
      );
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
      if (entry.retiredAt) c.out(`ĐÃ NGỪNG ÁP DỤNG từ ${entry.retiredAt.toISOString().slice(0, 10)} (không còn được trả lời, tìm kiếm)\n`);
      c.out(renderProcedureText(entry.procedure, { updatedAt: entry.updatedAt }));
      const history = await repo.history(entry.procedure.code, { limit: 5 });
      if (history.length) {
        c.out('\nLịch sử thay đổi:');
        for (const h of history) c.out(`  ${h.at.toISOString().slice(0, 10)} ${h.kind} (${h.source})${h.fields.length ? `: ${h.fields.map((f) => f.field).join(', ')}` : ''}`);
      }
      if (others.length) {
        c.out('\nCác thủ tục khác cũng khớp:');
        for (const o of others) c.out(`  ${o.code}  ${o.name}`);
      }
    });
}
