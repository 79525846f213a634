/**
 * Reads one citizen message: what is asked (aspects, often several), and what kind of message it is (a question, a
 * greeting, thanks, feedback, a numbered choice, an emergency, a dossier lookup). Pure and synchronous.
 */
import { foldText as foldVi } from '../text/normalize.js';

export const aspects = ['documents', 'deadline', 'fee', 'where', 'steps', 'conditions', 'result', 'legal', 'online'] as const;
export type Aspect = (typeof aspects)[number];

export type MessageKind =
  | 'emergency'
  | 'greeting'
  | 'thanks'
  | 'help'
  | 'feedback_up'
  | 'feedback_down'
  | 'choice'
  | 'more'
  | 'question'
  | 'empty';

export interface Understanding {
  kind: MessageKind;
  aspects: Aspect[];
  /** 1-based choice number when the message is just "1", "số 2", "chọn 3". */
  choice?: number;
  /** A level the citizen switches to ("thế còn ở cấp xã?"). */
  level?: 'tinh' | 'xa' | 'trung_uong';
  /** Short message that only makes sense against the previous procedure ("còn lệ phí thì sao?"). */
  followUp: boolean;
  /** The folded text (lower case, no diacritics, đ→d), for matching. */
  folded: string;
}

// Patterns run on folded text (no diacritics), so they match typed-with and typed-without accents alike.
const aspectPatterns: Record<Aspect, RegExp> = {
  documents:
    /\b(ho so|giay to|thanh phan|can (chuan bi|mang|nop|gi|nhung gi)|chuan bi (nhung )?gi|mang theo|phai nop (nhung )?gi|to khai|mau don|ban sao|can nhung)\b/,
  deadline:
    /\b(bao lau|may ngay|bao nhieu ngay|thoi han|thoi gian (giai quyet|xu ly|lam|cap|tra)|bao gio (co|nhan|xong|lay)|khi nao (co|nhan|xong|lay)|mat bao lau|trong bao lau|lau khong|ngay lam viec)\b/,
  fee: /\b(le phi|phi|bao nhieu tien|mat bao nhieu|ton bao nhieu|chi phi|mien phi|tien le phi|nop tien|het bao nhieu|gia bao nhieu|lephi)\b/,
  where:
    /\b(o dau|noi nao|cho nao|co quan nao|nop (o|tai) dau|lam o dau|den dau|tham quyen|noi nop|dia chi|ubnd nao|cap nao (giai quyet|cap|lam))\b/,
  steps: /\b(trinh tu|cac buoc|quy trinh|lam the nao|lam nhu the nao|lam sao|cach (lam|thuc hien|nop)|thu tuc (nhu the nao|ra sao|gi)|huong dan)\b/,
  conditions: /\b(dieu kien|co duoc (khong|ko)|duoc khong|truong hop nao|co the .* (khong|ko)|yeu cau gi|du tuoi|bao nhieu tuoi)\b/,
  result: /\b(ket qua|nhan duoc (gi|giay)|gia tri (bao lau|su dung|trong)|co gia tri|thoi han (su dung|cua giay))\b/,
  legal: /\b(can cu|phap ly|luat nao|nghi dinh|thong tu|quy dinh (nao|tai|o dau)|van ban nao)\b/,
  online: /\b(online|truc tuyen|qua mang|dich vu cong|vneid|tren mang|nop mang|qua dien thoai|qua app|internet)\b/,
};

const emergencyNow =
  /\b(dang chay|chay nha|nha .{0,20}(dang )?chay|bi chay|hoa hoan|can cap cuu|goi cap cuu|cap cuu (gap|ngay)|cuu (toi|voi|em|chau|con|nguoi)|co nguoi (bi )?(tai nan|nga|ngat|duoi nuoc|bi thuong|chet|dau tim)|vua bi tai nan|dang bi tai nan|bi tai nan (ngay|giao thong ngay|o)|dang (bi )?(danh|cuop|de doa|hanh hung)|dang chay mau|ngat xiu|dot quy|duoi nuoc)\b/;
// Words that make a message about fire or accidents an ordinary procedure question.
const procedureWords =
  /\b(thu tuc|ho so|giay phep|che do|tro cap|bao hiem|huong|dang ky|nghiem thu|tham duyet|phuong an|chung nhan|boi thuong|giay to|quy dinh|le phi|xin cap|cap lai|cap giay)\b/;

const greeting = /^(xin )?(chao|hello|hi|alo|a lo|xin chao|chao (ban|bot|em|anh|chi|ad|admin))\b[\s\w]{0,20}$/;
const thanks = /^(cam on|thank|thanks|cam on (ban|nhieu|em|bot)|ok cam on|da cam on|tks|thanks you)\b[\s\w!.]{0,30}$/;
const help = /^(help|tro giup|huong dan su dung|ban (lam|giup) duoc (gi|nhung gi)|bot (lam|giup) duoc gi)\b/;
const negative = /\b(sai roi|khong dung|ko dung|sai|khong phai|khong chinh xac|tra loi sai|nham roi|khong lien quan|👎)\b|👎/;
const positiveFeedback = /(\b(dung roi|chinh xac|huu ich|rat tot|tot qua)\b|👍)/;
const more = /^(xem them|them nua|chi tiet|day du|xem day du|xem het|tiep|tiep tuc)\b/;

const levelWords: Record<string, Understanding['level']> = { xa: 'xa', tinh: 'tinh', 'trung uong': 'trung_uong' };

export function detectAspects(folded: string): Aspect[] {
  return aspects.filter((a) => aspectPatterns[a].test(folded));
}

/** Classifies a message. `hasContext` says whether the chat has a recent procedure to follow up on. */
export function understand(text: string, hasContext = false): Understanding {
  const folded = foldVi(text);
  const base = { aspects: detectAspects(folded), followUp: false, folded };
  if (!folded.trim()) return { ...base, kind: 'empty' };

  if (emergencyNow.test(folded) && !procedureWords.test(folded)) return { ...base, kind: 'emergency' };

  const bare = folded.replace(/[^\p{L}\p{N}\s👍👎]/gu, ' ').replace(/\s+/g, ' ').trim();
  const choice = /^(?:so |chon |lua chon |phuong an |muc )?([1-9])$/.exec(bare);
  if (choice) return { ...base, kind: 'choice', choice: Number(choice[1]) };
  if (text.trim() === '👍') return { ...base, kind: 'feedback_up' };
  if (text.trim() === '👎') return { ...base, kind: 'feedback_down' };
  if (more.test(bare)) return { ...base, kind: 'more' };

  const words = bare.split(' ').filter(Boolean);
  if (words.length <= 8 && negative.test(bare) && base.aspects.length === 0) return { ...base, kind: 'feedback_down' };
  if (words.length <= 10 && thanks.test(bare)) {
    return { ...base, kind: positiveFeedback.test(bare) ? 'feedback_up' : 'thanks' };
  }
  if (words.length <= 6 && positiveFeedback.test(bare) && base.aspects.length === 0) return { ...base, kind: 'feedback_up' };
  if (greeting.test(bare) && base.aspects.length === 0) return { ...base, kind: 'greeting' };
  if (help.test(bare)) return { ...base, kind: 'help' };

  const levelWord = /\bcap (xa|tinh|trung uong)\b/.exec(bare)?.[1];
  const level = levelWord ? levelWords[levelWord] : undefined;

  // A short message starting like a follow-up, or one that is only aspect words, refers to the last procedure.
  const followStart = /^(con|the con|vay con|vay|the|con ve|the thi|neu|nop online|nop truc tuyen|co the nop|lam online)\b/.test(bare);
  const followUp = hasContext && words.length <= 12 && (followStart || base.aspects.length > 0 || Boolean(level));
  return { ...base, kind: 'question', level, followUp };
}
