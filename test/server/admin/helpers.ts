import type { Db } from '../../../src/db/db.js';
import { createApp } from '../../../src/server/app.js';
import { createLogger } from '../../../src/logger.js';
import { createAdminRoutes, type AdminLookup } from '../../../src/server/admin/routes.js';
import { createReportService, type ReportService } from '../../../src/analytics/report.js';
import type { Procedure } from '../../../src/catalog/schema.js';
import { renderProcedureText } from '../../../src/catalog/render-text.js';
import type { AnswerService } from '../../../src/channels/types.js';

export const TOKEN = 'test-admin-token-0123456789abcdef';

export const fakeProcedure: Procedure = {
  code: '2.000001',
  name: 'Cấp giấy phép nuôi chim yến',
  aliases: [],
  field: 'Nông nghiệp',
  levels: ['xa'],
  agency: 'UBND cấp xã',
  channels: [{ mode: 'truc_tiep', deadline: { text: '10 ngày làm việc' }, fee: { text: '50.000 đồng' } }],
  documents: [{ name: 'Đơn đề nghị <b>cấp phép</b>' }],
  steps: ['Nộp hồ sơ', 'Nhận kết quả'],
  conditions: [],
  legalBasis: [{ code: '13/2020/NĐ-CP', title: 'Nghị định hướng dẫn Luật Chăn nuôi' }],
  origin: 'knowledge',
  notes: [],
} as unknown as Procedure;

export const fakeLookup: AdminLookup = {
  searcher: {
    async search(q) {
      const hit = /yến/.test(q);
      return {
        results: hit ? [{ code: '2.000001', name: 'Cấp giấy phép nuôi chim yến', score: 0.87, field: 'Nông nghiệp', levels: ['xa'] }] : [],
        confident: hit,
        confidence: hit ? 0.87 : 0,
        ms: 1,
      };
    },
  },
  getProcedure: (code) => (code === fakeProcedure.code ? fakeProcedure : null),
  // The real renderer: what the page shows under "Toàn văn" is what a citizen would read.
  renderProcedure: (p) => renderProcedureText(p),
};

/** A Db that answers every query with no rows: enough for auth tests, which never look at data. */
export const emptyDb: Db = {
  kind: 'pglite',
  query: async () => [],
  exec: async () => undefined,
  transaction: async (fn) => fn({ query: async () => [] }),
  ping: async () => true,
  close: async () => undefined,
};

const answers: AnswerService = {
  async handle() {
    return { outcome: 'smalltalk', text: 'xin chào', citations: [], choices: [], feedback: false };
  },
};

export function buildApp(options: { token?: string; db?: Db; report?: ReportService; publicUrl?: string } = {}) {
  const db = options.db ?? emptyDb;
  const report = options.report ?? createReportService({ db });
  const admin = createAdminRoutes({
    config: { ADMIN_TOKEN: options.token, PUBLIC_URL: options.publicUrl },
    db,
    report,
    lookup: fakeLookup,
  });
  return createApp({ db, logger: createLogger({ level: 'silent' }), answers, mounts: [{ path: '/admin', app: admin }] });
}

/** The cookie pair ("name=value") from a Set-Cookie header. */
export const cookiePair = (setCookie: string | null) => (setCookie ?? '').split(';')[0]!;
