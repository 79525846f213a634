import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The layers of src/ as the README's architecture draws them: the core contracts import nothing else, the layers
 * below the transports (answer, catalog, retrieval, text, db, dossier, analytics, llm, privacy) never import from
 * channels/ or server/ or the composition roots, and no module imports itself through others (type-only imports
 * included: a circle of types is still a circle for the reader).
 */
const files: string[] = [];
(function walk(dir: string) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.ts')) files.push(normalize(path));
  }
})('src');

/** Every relative import of a file (static, re-export and dynamic), resolved to a src/ path. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => normalize(join(dirname(file), s.replace(/\.js$/, '.ts'))));
}
const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));
const area = (f: string) => relative('src', f).split('/')[0]!;

describe('architecture of src/', () => {
  it('finds the modules and their imports (so the rules below are not vacuous)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(graph.get(normalize('src/answer/service.ts'))).toContain(normalize('src/core/types.ts'));
  });

  it('keeps the core contracts free of every other layer', () => {
    const bad = [...graph].filter(([f]) => area(f) === 'core').flatMap(([f, ts]) => ts.filter((t) => area(t) !== 'core').map((t) => `${f} → ${t}`));
    expect(bad).toEqual([]);
  });

  it('never imports a transport or a composition root from the layers below them', () => {
    const lower = new Set(['answer', 'catalog', 'retrieval', 'text', 'db', 'dossier', 'analytics', 'llm', 'privacy', 'core']);
    const upper = new Set(['channels', 'server', 'serve.ts', 'main.ts', 'cli.ts', 'runtime.ts']);
    const bad = [...graph].filter(([f]) => lower.has(area(f))).flatMap(([f, ts]) => ts.filter((t) => upper.has(area(t))).map((t) => `${f} → ${t}`));
    expect(bad).toEqual([]);
  });

  it('has no import circle', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      path.push(f);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 'open') circles.push([...path.slice(path.indexOf(t)), t].join(' → '));
        else if (!state.has(t)) visit(t);
      }
      path.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(circles).toEqual([]);
  });
});
