/**
 * Checks that the facts in an answer text are present in the cited record: every listed document name, every
 * per-mode deadline and fee text, and every number. Used by the dev-set test and the eval; the composer is verbatim by
 * construction, and this is how we show it stays so.
 */
import { modeLabels, type Procedure } from '../catalog/schema.js';

export interface GroundingProblem {
  kind: 'document' | 'deadline' | 'fee' | 'number';
  value: string;
}

const modeByLabel = new Map(Object.entries(modeLabels).map(([k, v]) => [v, k]));

function numbersIn(text: string): string[] {
  return (text.match(/\d+(?:[.,]\d+)*/g) ?? []).map((n) => n.replace(/[.,]/g, ''));
}

/**
 * `extra` holds other trusted texts the answer may quote (the lexicon's notes on outdated premises). Our own pointer to
 * the same procedure at another level ("Thủ tục này cũng được thực hiện ở ... (mã X)") is skipped.
 */
export function findUngroundedFacts(answer: string, p: Procedure, extra: string[] = []): GroundingProblem[] {
  const problems: GroundingProblem[] = [];
  const recordText = JSON.stringify(p) + '\n' + extra.join('\n');
  const recordNumbers = new Set(numbersIn(recordText));
  const docNames = new Set(p.documents.map((d) => d.name));
  const sections = answer.split(/\n\n/);
  for (const section of sections) {
    const [title, ...lines] = section.split('\n');
    if (title === 'Thành phần hồ sơ:') {
      for (const line of lines) {
        const m = /^\d+\. (.*?)(?: — .*)?$/.exec(line);
        if (m && !docNames.has(m[1]!)) problems.push({ kind: 'document', value: m[1]! });
      }
    }
    if (title === 'Thời hạn giải quyết:' || title === 'Phí, lệ phí:') {
      const kind = title.startsWith('Thời') ? 'deadline' : 'fee';
      for (const line of lines) {
        const m = /^- ([^:]+): (.*)$/.exec(line);
        if (!m) continue;
        for (const label of m[1]!.split(', ')) {
          const ch = p.channels.find((c) => c.mode === modeByLabel.get(label));
          const expected = kind === 'deadline' ? ch?.deadline?.text : ch?.fee?.text;
          if (expected !== m[2]) problems.push({ kind, value: line });
        }
      }
    }
  }
  // Numbers anywhere except the citation line (which carries the code, decision and date by construction).
  // Also skips our own counters ("… và 3 giấy tờ khác") and list numbering.
  const body = sections
    .filter((s) => !s.startsWith('Nguồn: ') && !s.startsWith('Thủ tục này cũng được thực hiện ở '))
    .join('\n')
    .split('\n')
    .filter((l) => !l.startsWith('… '))
    .map((l) => l.replace(/^\d+\. /, ''))
    .join('\n');
  for (const n of numbersIn(body)) {
    if (!recordNumbers.has(n)) problems.push({ kind: 'number', value: n });
  }
  return problems;
}
