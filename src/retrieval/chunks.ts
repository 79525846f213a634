import { levelLabels, modeLabels, type Procedure } from '../catalog/schema.js';

/** Chunk kinds, one per catalog field group. Every chunk's text starts with the procedure's name. */
export const chunkKinds = ['name', 'documents', 'fee_deadline', 'steps', 'conditions', 'result', 'legal'] as const;
export type ChunkKind = (typeof chunkKinds)[number];

export interface Chunk {
  code: string;
  kind: ChunkKind;
  /** The procedure's name (every chunk carries it). */
  name: string;
  /** The text indexed for this chunk, starting with the procedure's name. */
  body: string;
}

// Very long fields (some legal-basis and step lists run to tens of thousands of characters) add little but cost time.
const MAX_BODY = 6000;

function clip(s: string): string {
  return s.length > MAX_BODY ? s.slice(0, MAX_BODY) : s;
}

function joinNonEmpty(parts: (string | undefined)[], sep = '\n'): string {
  return parts.filter((p): p is string => Boolean(p && p.trim())).join(sep);
}

/** Splits a procedure into chunks; empty fields give no chunk (the name chunk always exists). */
export function chunkProcedure(p: Procedure): Chunk[] {
  const head = p.name;
  const make = (kind: ChunkKind, text: string): Chunk | undefined =>
    text.trim() ? { code: p.code, kind, name: p.name, body: clip(`${head}\n${text}`) } : undefined;
  const docs = joinNonEmpty(
    p.documents.map((d) => joinNonEmpty([d.case, d.name, d.template, d.note], ' ')),
  );
  const channels = joinNonEmpty(
    p.channels.map((c) => joinNonEmpty([modeLabels[c.mode], c.deadline?.text, c.fee?.text, c.note], ' ')),
  );
  const where = joinNonEmpty([p.agency, p.submitAt, p.audience, p.levels.map((l) => levelLabels[l]).join(', ')]);
  const chunks = [
    // name carries the aliases and field: the strongest signal for "which procedure is this".
    { code: p.code, kind: 'name' as const, name: p.name, body: joinNonEmpty([p.name, ...p.aliases, p.field]) },
    make('documents', docs || p.raw?.documents || ''),
    make('fee_deadline', joinNonEmpty([channels || p.raw?.channels, where])),
    make('steps', p.steps.join('\n') || p.raw?.steps || ''),
    make('conditions', p.conditions.join('\n') || p.raw?.conditions || ''),
    make('result', p.result || p.raw?.result || ''),
    make('legal', p.legalBasis.map((l) => joinNonEmpty([l.code, l.title], ' ')).join('\n') || p.raw?.legalBasis || ''),
  ];
  return chunks.filter((c): c is Chunk => c !== undefined);
}
