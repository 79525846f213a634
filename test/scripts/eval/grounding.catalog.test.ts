/**
 * The grounding checker behind "zero invented facts" (scripts/eval/grounding.ts) over every curated procedure we
 * ship: what compose writes from a record is accepted with no problem at all (so nothing of it is skipped as
 * unreadable), and an invented fee, deadline, copy count or document, or a line in no known shape, is reported.
 */
import { describe, expect, it } from 'vitest';
import { findUngroundedFacts, type GroundingProblem } from '../../../scripts/eval/grounding.js';
import { composeAnswer } from '../../../src/answer/compose.js';
import { readKnowledgeProcedures } from '../../../src/catalog/knowledge.js';
import { knowledgeSourceTexts, readSourceTexts } from '../../../src/catalog/source-text.js';
import { modeLabels, type Procedure } from '../../../src/catalog/schema.js';

const knowledgeDir = 'knowledge/procedures';
const sources = readSourceTexts({ knowledgeDir });
const procedures = readKnowledgeProcedures(knowledgeDir).procedures.filter((p) => p.documents.length && p.channels.length && sources.has(p.code));

/** A number written nowhere in the source (nor in the answer), so an invented figure cannot match by chance. */
function absentNumber(source: string, from: number): number {
  let n = from;
  while (source.includes(String(n))) n++;
  return n;
}

const check = (text: string, p: Procedure) => findUngroundedFacts(text, p, sources.get(p.code)!);
const kinds = (problems: GroundingProblem[]) => [...new Set(problems.map((x) => x.kind))].sort();

describe('grounding checker over the shipped curated catalog', () => {
  it('has curated procedures with documents, channels and a source text', () => {
    expect(procedures.length).toBeGreaterThan(20);
  });

  it('accepts every composed answer with no problem (nothing unparsed)', () => {
    const reported = procedures
      .map((p) => ({ code: p.code, problems: check(composeAnswer(p, ['documents', 'deadline', 'fee', 'where']), p) }))
      .filter((r) => r.problems.length);
    expect(reported).toEqual([]);
  });

  it('reports an invented fee in the fee section, as a fee and as a number', () => {
    let tried = 0;
    for (const p of procedures) {
      const text = composeAnswer(p, ['fee']);
      const line = text.split('\n').find((l) => /^- .+: .*\d/.test(l) && text.indexOf(l) > text.indexOf('Phí, lệ phí:'));
      if (!line) continue;
      tried++;
      const n = absentNumber(sources.get(p.code)!, 731_000);
      const invented = text.replace(line, line.replace(/\d[\d.,]*/, n.toLocaleString('vi-VN')));
      expect(kinds(check(invented, p)), p.code).toEqual(['fee', 'number']);
    }
    expect(tried).toBeGreaterThan(5);
  });

  it('reports an invented deadline, as a deadline and as a number', () => {
    let tried = 0;
    for (const p of procedures) {
      const text = composeAnswer(p, ['deadline']);
      const start = text.indexOf('Thời hạn giải quyết:');
      const line = text.split('\n').find((l) => /^- .+: .*\d/.test(l) && text.indexOf(l) > start);
      if (start < 0 || !line) continue;
      tried++;
      const n = absentNumber(sources.get(p.code)!, 97);
      const invented = text.replace(line, line.replace(/\d+/, String(n)));
      expect(kinds(check(invented, p)), p.code).toEqual(['deadline', 'number']);
    }
    expect(tried).toBeGreaterThan(10);
  });

  it('reports an invented copy count on a listed document', () => {
    let tried = 0;
    for (const p of procedures) {
      const text = composeAnswer(p, ['documents']);
      const line = text.split('\n').find((l) => /^\d+\. .* — 1 bản/.test(l));
      if (!line) continue;
      tried++;
      const n = absentNumber(sources.get(p.code)!, 7);
      const invented = text.replace(line, line.replace(/ — 1 bản/, ` — ${n} bản`));
      const problems = check(invented, p);
      expect(problems.map((x) => x.kind), p.code).toContain('document');
      expect(problems, p.code).toContainEqual({ kind: 'number', value: String(n) });
    }
    expect(tried).toBeGreaterThan(5);
  });

  it('reports an invented document name on every procedure', () => {
    for (const p of procedures) {
      const text = composeAnswer(p, ['documents']);
      const invented = text.replace(/\n1\. [^\n]*/, '\n1. Giấy xác nhận của trưởng thôn về việc chưa từng làm thủ tục');
      expect(invented, p.code).not.toBe(text);
      expect(check(invented, p), p.code).toContainEqual({ kind: 'document', value: 'Giấy xác nhận của trưởng thôn về việc chưa từng làm thủ tục' });
    }
  });

  it('reports, never skips, a line in no known shape in each checked section', () => {
    const p = procedures[0]!;
    const text = composeAnswer(p, ['documents', 'deadline', 'fee']);
    for (const title of ['Thành phần hồ sơ:', 'Thời hạn giải quyết:', 'Phí, lệ phí:']) {
      if (!text.includes(title)) continue;
      const odd = text.replace(`${title}\n`, `${title}\nxem thêm tại bộ phận một cửa\n`);
      expect(check(odd, p), title).toContainEqual({ kind: 'unparsed', value: 'xem thêm tại bộ phận một cửa' });
    }
    // A mode label that is not one of ours is unparsed too, not ignored.
    expect(Object.values(modeLabels)).not.toContain('Qua điện thoại');
    const unknownMode = text.replace('Thời hạn giải quyết:\n', 'Thời hạn giải quyết:\n- Qua điện thoại: ngay trong ngày\n');
    if (unknownMode !== text) expect(check(unknownMode, p)).toContainEqual({ kind: 'unparsed', value: '- Qua điện thoại: ngay trong ngày' });
  });

  it('counts a block a procedure reuses through a YAML alias as part of its source', () => {
    const yaml = "procedures:\n- code: '9.1'\n  channels: &c\n  - mode: truc_tiep\n    deadline:\n      text: 12 ngày làm việc\n- code: '9.2'\n  channels: *c\n";
    const texts = knowledgeSourceTexts(yaml);
    expect(texts.get('9.1')).toContain('12 ngày làm việc');
    expect(texts.get('9.2')).toContain('*c');
    expect(texts.get('9.2')).toContain('12 ngày làm việc');
  });
});
