/**
 * The national status vocabulary (TrangThaiHoSo in the national portal's dossier sync format) and what each status
 * means for the citizen in plain Vietnamese: where the dossier is and what to do next.
 */
export type DossierStatus = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

export interface StatusInfo {
  code: DossierStatus;
  /** The official label. */
  label: string;
  /** Where the dossier is, in everyday words. */
  meaning: string;
  /** What the citizen should do now. */
  nextStep: string;
  /** Nothing more will happen to the dossier: no due-date judgement pending, no polling. */
  closed: boolean;
  /** Processing finished with a result (on time / late is judged against the finish date). */
  completed: boolean;
}

export const STATUSES: Record<DossierStatus, StatusInfo> = {
  1: {
    code: 1,
    label: 'Mới đăng ký',
    meaning: 'Hồ sơ đã được gửi lên hệ thống nhưng cán bộ chưa kiểm tra và tiếp nhận.',
    nextStep:
      'Anh/chị chờ cán bộ kiểm tra hồ sơ (thường trong giờ hành chính). Nếu nộp trực tuyến, hãy để ý tin nhắn/email của Cổng dịch vụ công.',
    closed: false,
    completed: false,
  },
  2: {
    code: 2,
    label: 'Được tiếp nhận',
    meaning: 'Hồ sơ đã được tiếp nhận hợp lệ và sẽ được chuyển đến cơ quan giải quyết.',
    nextStep: 'Anh/chị chưa cần làm gì thêm. Hãy giữ phiếu hẹn và chờ đến ngày hẹn trả kết quả.',
    closed: false,
    completed: false,
  },
  3: {
    code: 3,
    label: 'Không được tiếp nhận',
    meaning: 'Hồ sơ không được tiếp nhận (thường do chưa đủ hoặc chưa đúng thành phần, hoặc không thuộc thẩm quyền).',
    nextStep:
      'Anh/chị xem lý do trong thông báo từ chối (hoặc hỏi cán bộ tại quầy), chuẩn bị lại hồ sơ cho đúng rồi nộp hồ sơ mới.',
    closed: true,
    completed: false,
  },
  4: {
    code: 4,
    label: 'Đang xử lý',
    meaning: 'Hồ sơ đang được cơ quan chuyên môn thẩm định, giải quyết.',
    nextStep: 'Anh/chị chưa cần làm gì thêm. Hãy chờ đến ngày hẹn trả kết quả.',
    closed: false,
    completed: false,
  },
  5: {
    code: 5,
    label: 'Yêu cầu bổ sung giấy tờ',
    meaning: 'Cơ quan giải quyết cần anh/chị bổ sung hoặc sửa đổi giấy tờ; hồ sơ đang tạm dừng chờ anh/chị.',
    nextStep:
      'Anh/chị xem thông báo yêu cầu bổ sung (gửi qua tin nhắn, email hoặc Cổng dịch vụ công) để biết cần giấy tờ gì, rồi mang/nộp giấy tờ còn thiếu đến Trung tâm Phục vụ hành chính công càng sớm càng tốt, kèm mã hồ sơ.',
    closed: false,
    completed: false,
  },
  6: {
    code: 6,
    label: 'Yêu cầu thực hiện nghĩa vụ tài chính',
    meaning: 'Hồ sơ đang chờ anh/chị nộp phí, lệ phí hoặc thuế theo thông báo.',
    nextStep:
      'Anh/chị nộp phí, lệ phí (hoặc thuế) theo thông báo — trực tuyến trên Cổng dịch vụ công hoặc tại quầy thu — và giữ biên lai. Hồ sơ sẽ được xử lý tiếp sau khi nộp.',
    closed: false,
    completed: false,
  },
  7: {
    code: 7,
    label: 'Công dân yêu cầu rút hồ sơ',
    meaning: 'Hồ sơ đã được rút theo yêu cầu của người nộp và không tiếp tục giải quyết.',
    nextStep: 'Nếu vẫn cần làm thủ tục, anh/chị nộp hồ sơ mới. Nếu không phải anh/chị yêu cầu rút, hãy liên hệ Trung tâm ngay.',
    closed: true,
    completed: false,
  },
  8: {
    code: 8,
    label: 'Dừng xử lý',
    meaning: 'Cơ quan giải quyết đã dừng xử lý hồ sơ.',
    nextStep:
      'Anh/chị liên hệ Trung tâm Phục vụ hành chính công (mang theo mã hồ sơ) để biết lý do và cách làm tiếp.',
    closed: true,
    completed: false,
  },
  9: {
    code: 9,
    label: 'Đã xử lý xong',
    meaning: 'Hồ sơ đã giải quyết xong, kết quả đang chờ anh/chị nhận.',
    nextStep:
      'Anh/chị đến Trung tâm Phục vụ hành chính công để nhận kết quả, mang theo phiếu hẹn (hoặc mã hồ sơ) và giấy tờ tùy thân; nếu đã đăng ký nhận qua bưu điện thì chờ bưu điện giao.',
    closed: true,
    completed: true,
  },
  10: {
    code: 10,
    label: 'Đã trả kết quả',
    meaning: 'Kết quả đã được trả cho anh/chị.',
    nextStep: 'Thủ tục đã hoàn tất. Nếu chưa nhận được kết quả hoặc kết quả có sai sót, anh/chị liên hệ Trung tâm.',
    closed: true,
    completed: true,
  },
};

export function statusInfo(code: DossierStatus): StatusInfo {
  return STATUSES[code];
}

/** Statuses after which nothing changes: 3, 7, 8, 9, 10. A subscription to such a dossier is not polled. */
export function isClosedStatus(code: DossierStatus): boolean {
  return STATUSES[code].closed;
}
