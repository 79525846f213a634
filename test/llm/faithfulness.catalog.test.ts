import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readKnowledgeProcedures } from '../../src/catalog/knowledge.js';
import { modeLabels, type Procedure } from '../../src/catalog/schema.js';
import { checkFaithfulness } from '../../src/llm/faithfulness.js';

/** Every procedure we ship, so the guard is tried on real catalog wording, not only on our fixture. */
const shipped = readKnowledgeProcedures(fileURLToPath(new URL('../../knowledge/procedures', import.meta.url)));
const procedures = shipped.procedures;

function grounded(p: Procedure): string {
  return [
    `${p.name} (mã ${p.code})`,
    'Thành phần hồ sơ:',
    ...p.documents.map((d, i) => `${i + 1}. ${d.name}${d.copies !== undefined ? ` — ${d.copies} bản` : ''}`),
    'Phí, lệ phí:',
    ...p.channels.flatMap((c) => (c.fee ? [`- ${modeLabels[c.mode]}: ${c.fee.text}`] : [])),
    'Thời hạn giải quyết:',
    ...p.channels.flatMap((c) => (c.deadline ? [`- ${modeLabels[c.mode]}: ${c.deadline.text}`] : [])),
    `Nguồn: thủ tục "${p.name}", mã ${p.code}${p.sourceUrl ? ` — ${p.sourceUrl}` : ''}.`,
  ].join('\n');
}

/** What a faithful LLM does: drop the headings, turn list lines into polite sentences, keep every fact and the citation. */
function rephrase(p: Procedure): string {
  return [
    'Dạ, Trung tâm xin trả lời anh/chị như sau.',
    ...p.documents.map((d) => `Anh/chị chuẩn bị ${d.name.charAt(0).toLowerCase()}${d.name.slice(1)}${d.copies !== undefined ? `, ${d.copies} bản` : ''}.`),
    ...p.channels.flatMap((c) => (c.fee ? [`Nếu nộp ${modeLabels[c.mode].toLowerCase()} thì phí, lệ phí: ${c.fee.text}.`] : [])),
    ...p.channels.flatMap((c) => (c.deadline ? [`Thời hạn khi nộp ${modeLabels[c.mode].toLowerCase()}: ${c.deadline.text}.`] : [])),
    `Nguồn: thủ tục "${p.name}", mã ${p.code}${p.sourceUrl ? ` — ${p.sourceUrl}` : ''}.`,
  ].join('\n');
}

describe('checkFaithfulness over the shipped catalog', () => {
  it('has procedures to try', () => {
    expect(shipped.problems).toEqual([]);
    expect(procedures.length).toBeGreaterThan(50);
  });

  it('accepts a faithful rephrase of every procedure', () => {
    const rejected = procedures
      .map((p) => ({ code: p.code, problems: checkFaithfulness(rephrase(p), { grounded: grounded(p), records: [p] }).problems }))
      .filter((r) => r.problems.length > 0);
    expect(rejected).toEqual([]);
  });

  it('catches an invented fee, an invented document and a changed deadline in every procedure', () => {
    let changedDeadlines = 0;
    for (const p of procedures) {
      const s = { grounded: grounded(p), records: [p] };
      const text = rephrase(p);
      expect(checkFaithfulness(`${text}\nLệ phí thêm 12.345 đồng.`, s).kinds, p.code).toContain('number');
      expect(checkFaithfulness(`${text}\nNộp thêm Giấy xác nhận của trưởng thôn.`, s).kinds, p.code).toContain('document');
      // An invented deadline added to any procedure…
      let invented = 731;
      while (s.grounded.includes(String(invented))) invented++;
      expect(checkFaithfulness(`${text}\nThời hạn giải quyết: ${invented} ngày làm việc.`, s).kinds, p.code).toContain('number');
      // …and the procedure's own deadline changed, where it states one in working days.
      const changed = text.replace(/(\d+)( ngày làm việc)/, (_, n: string, unit: string) => `${Number(n) + 97}${unit}`);
      const statesWorkingDays = p.channels.some((c) => c.deadline && /\d+ ngày làm việc/.test(c.deadline.text));
      expect(changed !== text, p.code).toBe(statesWorkingDays);
      if (statesWorkingDays) {
        changedDeadlines++;
        expect(checkFaithfulness(changed, s).kinds, p.code).toContain('number');
      }
    }
    // Most of the catalog states its deadline in working days: the changed-deadline check ran on them.
    expect(changedDeadlines).toBeGreaterThan(procedures.length / 2);
  });
});
