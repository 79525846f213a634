/**
 * One error type for the whole app. Code is `area:reason`; branch on codes, never on messages. Map to text or HTTP
 * status once, at the boundaries (HTTP onError, bot error boundary, CLI main).
 */
export type ErrorCode =
  | 'config:invalid'
  | 'db:unavailable'
  | 'db:migration_failed'
  | 'http:bad_json'
  | 'http:too_large'
  | 'http:validation'
  | 'http:not_found'
  | 'http:unauthorized'
  | 'http:forbidden'
  | 'http:rate_limited'
  | 'http:busy'
  | 'admin:disabled'
  | 'catalog:invalid'
  | 'catalog:not_found'
  | 'center_api:timeout'
  | 'center_api:unavailable'
  | 'center_api:unauthorized'
  | 'center_api:bad_response'
  | 'center_api:circuit_open'
  | 'dossier:not_found'
  | 'dossier:throttled'
  | 'llm:failed'
  | 'zalo:api'
  | 'zalo_oa:api'
  | 'zalo_oa:token'
  | 'channel:undeliverable'
  | 'telegram:api'
  | 'internal';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, options: { message?: string; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(options.message ?? code, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }
}

export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}

/** What a citizen reads when something goes wrong. Vietnamese, polite, no internals. */
export const userMessages: Partial<Record<ErrorCode, string>> & { internal: string } = {
  'db:unavailable':
    'Xin lỗi, hệ thống đang tạm gián đoạn. Anh/chị vui lòng thử lại sau ít phút hoặc gọi đường dây nóng của Trung tâm.',
  'center_api:timeout':
    'Hệ thống tra cứu hồ sơ của Trung tâm đang phản hồi chậm. Anh/chị vui lòng thử lại sau ít phút.',
  'center_api:unavailable':
    'Hệ thống tra cứu hồ sơ của Trung tâm tạm thời không truy cập được. Anh/chị vui lòng thử lại sau.',
  'center_api:circuit_open':
    'Hệ thống tra cứu hồ sơ của Trung tâm đang bảo trì hoặc gián đoạn. Anh/chị vui lòng thử lại sau ít phút.',
  'center_api:bad_response':
    'Hệ thống tra cứu hồ sơ trả về dữ liệu không hợp lệ. Anh/chị vui lòng thử lại sau hoặc liên hệ Trung tâm.',
  'center_api:unauthorized':
    'Hệ thống tra cứu hồ sơ đang gặp sự cố kết nối. Anh/chị vui lòng liên hệ trực tiếp Trung tâm.',
  'http:bad_json': 'Dữ liệu gửi lên không đúng định dạng JSON.',
  'http:too_large': 'Tin nhắn quá dài. Anh/chị vui lòng gửi ngắn gọn hơn.',
  'http:rate_limited': 'Anh/chị gửi hơi nhanh. Vui lòng đợi khoảng một phút rồi gửi tiếp, tôi sẽ trả lời ngay.',
  internal: 'Xin lỗi, đã có lỗi xảy ra khi xử lý tin nhắn. Anh/chị vui lòng thử lại sau ít phút.',
};

export function userMessageFor(e: unknown): string {
  if (e instanceof AppError) return userMessages[e.code] ?? userMessages.internal;
  return userMessages.internal;
}

/** The JSON body of an error response: `{ error: <an ErrorCode>, message }` (the code typed, so every one is listed above). */
export function errorBody(code: ErrorCode, message?: string): { error: ErrorCode; message?: string } {
  return message === undefined ? { error: code } : { error: code, message };
}
