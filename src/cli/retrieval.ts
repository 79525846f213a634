// Retrieval commands for the CLI: search (one question or a JSON-lines batch) and index. A few lines over src/retrieval.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import type { CliContext } from './context.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { levelLabels } from '../catalog/schema.js';
import { createLocalEmbedder } from '../retrieval/embedders.js';
import { syncIndex } from '../retrieval/indexer.js';
import { createSearcher } from '../retrieval/searcher.js';
import type { Embedder } from '../retrieval/types.js';

export interface RetrievalCommandsOptions {
  /** Chooses the embedder from config (e.g. the OpenAI-compatible one when configured); default: the local one. */
  embedder?: (config: Config) => Embedder;
}

const topSchema = z.coerce.number().int().min(1).max(100);
const batchLineSchema = z.looseObject({ q: z.string() });

/** One output line of `search --json`: the contract other tools rely on. */
export interface SearchLine {
  q: string;
  results: { code: string; name: string; score: number }[];
  confident: boolean;
  ms: number;
  error?: string;
}

export function registerRetrievalCommands(program: Command, ctx: () => CliContext, options: RetrievalCommandsOptions = {}): void {
  const embedderFor = options.embedder ?? (() => createLocalEmbedder());

  program
    .command('index')
    .description('bring the retrieval index in line with the catalog (re-indexes only what changed)')
    .option('--json', 'print counts as JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const embedder = embedderFor(c.config);
      const r = await syncIndex(await c.db(), embedder);
      c.out(
        opts.json
          ? JSON.stringify({ embedder: embedder.id, ...r, ms: Math.round(r.ms) })
          : `${embedder.id}: ${r.added} added, ${r.updated} updated, ${r.removed} removed, ${r.unchanged} unchanged; ` +
              `${r.chunks} chunks written in ${(r.ms / 1000).toFixed(1)} s`,
      );
    });

  program
    .command('search')
    .description('find the procedures that answer a question')
    .argument('[question]', 'the question, in Vietnamese (with or without diacritics)')
    .option('--top <n>', 'how many results', '5')
    .option('--json', 'print JSON (one line per question)')
    .option('--batch <file>', 'JSON lines with a "q" field; prints one JSON line per input line, same order')
    .action(async (question: string | undefined, opts: { top: string; json?: boolean; batch?: string }) => {
      const c = ctx();
      const top = topSchema.safeParse(opts.top);
      if (!top.success) throw new AppError('http:validation', { message: '--top must be an integer from 1 to 100' });
      if (!question && !opts.batch) throw new AppError('http:validation', { message: 'give a question or --batch FILE' });
      const db = await c.db();
      const embedder = embedderFor(c.config);
      // Cheap when nothing changed (two small queries); makes a first search on a fresh catalog work.
      const synced = await syncIndex(db, embedder);
      if (synced.added || synced.updated) c.logger.warn({ ...synced }, 'retrieval index was stale and has been synced');
      const searcher = createSearcher({ db, embedder });
      await searcher.refresh();

      if (opts.batch) {
        let text: string;
        try {
          text = readFileSync(opts.batch, 'utf8');
        } catch (cause) {
          throw new AppError('http:validation', { message: `cannot read ${opts.batch}`, cause });
        }
        for (const line of text.split('\n')) {
          if (!line.trim()) continue;
          let parsed: z.infer<typeof batchLineSchema> | undefined;
          try {
            parsed = batchLineSchema.parse(JSON.parse(line));
          } catch {
            parsed = undefined;
          }
          if (!parsed) {
            const bad: SearchLine = { q: '', results: [], confident: false, ms: 0, error: 'line is not JSON with a "q" string' };
            c.out(JSON.stringify(bad));
            continue;
          }
          c.out(JSON.stringify(toLine(parsed.q, await searcher.search(parsed.q, { top: top.data }))));
        }
        return;
      }
      const r = await searcher.searchExplained(question!, { top: top.data });
      if (opts.json) {
        c.out(JSON.stringify(toLine(question!, r)));
        return;
      }
      if (!r.results.length) c.out('(no procedure found)');
      r.results.forEach((h, i) => {
        const levels = (h.levels ?? []).map((l) => levelLabels[l]).join(', ');
        c.out(`${i + 1}. ${h.code}  ${h.name}  (${h.score.toFixed(2)})${levels ? `  [${levels}]` : ''}`);
      });
      for (const e of r.analysis.expansions) c.out(`  ~ "${e.from}" → ${e.to.join('; ')}`);
      for (const n of r.analysis.notes) c.out(`  ! ${n}`);
      c.out(`confident: ${r.confident ? 'yes' : 'no'} (${r.confidence.toFixed(2)}), ${r.ms.toFixed(1)} ms`);
    });
}

function toLine(q: string, r: { results: { code: string; name: string; score: number }[]; confident: boolean; ms: number }): SearchLine {
  return {
    q,
    results: r.results.map((h) => ({ code: h.code, name: h.name, score: h.score })),
    confident: r.confident,
    ms: r.ms,
  };
}
