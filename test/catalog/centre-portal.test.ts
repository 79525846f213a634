import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCentreInfo } from '../../src/catalog/centre.js';
import { texts } from '../../src/answer/texts.js';

describe('centre portal pages', () => {
  it('points the unresolved reply to the province portal and keeps the unconfirmed lookup page out of replies', () => {
    const c = loadCentreInfo();
    expect(c.provincePortal).toBe('https://dichvucong.langson.gov.vn');
    expect(c.dossierLookup).toBeUndefined();
    expect(texts.unresolved(c)).toContain('nộp hồ sơ trực tuyến của tỉnh: https://dichvucong.langson.gov.vn');
    expect(texts.dossierOff(c)).not.toContain('tracuu');
  });

  it('shows the lookup page once staff confirm it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'motcua-centre-'));
    const file = join(dir, 'centre.yaml');
    writeFileSync(
      file,
      'centre:\n  name: { value: Trung tâm thử }\n  provincePortal: { value: "https://dvc.example.test" }\n  dossierLookup: { value: "https://dvc.example.test/tracuu" }\n',
    );
    const c = loadCentreInfo(file);
    expect(texts.dossierOff(c)).toContain('tra cứu tại https://dvc.example.test/tracuu');
    writeFileSync(file, 'centre:\n  name: { value: Trung tâm thử }\n  dossierLookup: { value: "https://dvc.example.test/tracuu", needsConfirmation: true }\n');
    expect(loadCentreInfo(file).dossierLookup).toBeUndefined();
    expect(texts.unresolved(loadCentreInfo(file))).not.toContain('Danh mục thủ tục và nộp hồ sơ trực tuyến');
  });
});
