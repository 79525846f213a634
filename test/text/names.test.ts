import { describe, expect, it } from 'vitest';
import { levelFreeName, nameKey } from '../../src/text/names.js';

// Procedure names written for this test in the style of the national catalog; none comes from the evaluation sets.

describe('nameKey: the folded name with punctuation other than dots as single spaces', () => {
  it('folds accents and đ, and reads the same typed with or without them', () => {
    expect(nameKey('Đăng ký khai sinh')).toBe('dang ky khai sinh');
    expect(nameKey('dang ky khai sinh')).toBe(nameKey('ĐĂNG KÝ KHAI SINH'));
  });

  it('turns each run of punctuation into one space and keeps dots', () => {
    expect(nameKey('Nghị định 123/2015/NĐ-CP')).toBe('nghi dinh 123 2015 nd cp');
    expect(nameKey('Chứng thực bản sao / bản chính')).toBe('chung thuc ban sao ban chinh');
    expect(nameKey('Thông tư số 01/2024/TT-BTP, v.v.')).toBe('thong tu so 01 2024 tt btp v.v.');
  });

  it('has no space at either end when the name starts or ends with punctuation', () => {
    expect(nameKey('(Mới) Đăng ký hộ kinh doanh!')).toBe('moi dang ky ho kinh doanh');
    expect(nameKey('“Cấp phiếu lý lịch tư pháp”')).toBe('cap phieu ly lich tu phap');
  });

  it('keeps the level words: only levelFreeName drops them', () => {
    expect(nameKey('Đăng ký khai sinh (thực hiện tại cấp xã)')).toBe('dang ky khai sinh thuc hien tai cap xa');
  });
});

describe('levelFreeName: one key for a procedure published at several levels', () => {
  it('drops a level qualifier in brackets, with or without "thực hiện" and "tại"', () => {
    const plain = 'dang ky khai sinh';
    expect(levelFreeName('Đăng ký khai sinh (thực hiện tại cấp xã)')).toBe(plain);
    expect(levelFreeName('Đăng ký khai sinh (tại cấp xã)')).toBe(plain);
    expect(levelFreeName('Đăng ký khai sinh (cấp xã)')).toBe(plain);
    expect(levelFreeName('Đăng ký khai sinh (thực hiện cấp huyện)')).toBe(plain);
    expect(levelFreeName('dang ky khai sinh (thuc hien tai cap tinh)')).toBe(plain);
    expect(levelFreeName('Đăng ký khai sinh')).toBe(plain);
  });

  it('drops whatever the bracket names after "cấp", even several levels', () => {
    expect(levelFreeName('Cấp giấy phép xây dựng (thực hiện tại cấp tỉnh, cấp huyện)')).toBe('cap giay phep xay dung');
    expect(levelFreeName('Cấp giấy phép xây dựng (cấp Trung ương)')).toBe('cap giay phep xay dung');
  });

  it('drops every bracketed level in the name, not only the first', () => {
    expect(levelFreeName('Chuyển nhượng (tại cấp xã) dự án (cấp tỉnh)')).toBe('chuyen nhuong du an');
  });

  it('keeps a bracket that does not name a level', () => {
    expect(levelFreeName('Đổi tên (theo yêu cầu của cá nhân)')).toBe('doi ten theo yeu cau cua ca nhan');
  });

  it('drops an unbracketed "tại cấp …" of the four levels, with or without "thực hiện"', () => {
    expect(levelFreeName('Cấp giấy phép xây dựng tại cấp tỉnh')).toBe('cap giay phep xay dung');
    expect(levelFreeName('Cấp giấy phép xây dựng thực hiện tại cấp huyện')).toBe('cap giay phep xay dung');
    expect(levelFreeName('Chứng thực chữ ký tại cấp xã')).toBe('chung thuc chu ky');
    expect(levelFreeName('cap giay phep hoat dong tai cap trung uong')).toBe('cap giay phep hoat dong');
    expect(levelFreeName('Đăng ký kết hôn tại cấp xã và tại cấp huyện')).toBe('dang ky ket hon va');
  });

  it('an unbracketed level needs "tại": "cấp huyện" alone is part of the name', () => {
    expect(levelFreeName('Bổ nhiệm công chức cấp huyện')).toBe('bo nhiem cong chuc cap huyen');
  });

  it('a level word is a whole word: "xác" after "tại cấp" is not "xã"', () => {
    expect(levelFreeName('Cấp lại thẻ tại cấp xác nhận')).toBe('cap lai the tai cap xac nhan');
    expect(levelFreeName('Cấp giấy phép xây dựngtại cấp tỉnh')).toBe('cap giay phep xay dungtai cap tinh');
  });

  it('drops a leading "Thủ tục" only at the start', () => {
    expect(levelFreeName('Thủ tục cấp lại giấy phép lái xe (thực hiện tại cấp tỉnh)')).toBe('cap lai giay phep lai xe');
    expect(levelFreeName('thu tuc dang ky tam tru')).toBe('dang ky tam tru');
    expect(levelFreeName('Hướng dẫn thủ tục đăng ký')).toBe('huong dan thu tuc dang ky');
    expect(levelFreeName('Thủ tục')).toBe('thu tuc');
  });

  it('turns punctuation into single spaces, dots included, and trims', () => {
    expect(levelFreeName('Chứng thực bản sao/bản chính')).toBe('chung thuc ban sao ban chinh');
    expect(levelFreeName('Chứng thực bản sao – bản chính.')).toBe('chung thuc ban sao ban chinh');
    expect(levelFreeName('Thông tư 01/2024/TT-BTP, v.v.')).toBe('thong tu 01 2024 tt btp v v');
    expect(levelFreeName('(Mới) Đăng ký hộ kinh doanh')).toBe('moi dang ky ho kinh doanh');
  });

  it('names of one procedure at two levels get the same key; different procedures do not', () => {
    expect(levelFreeName('Thủ tục đăng ký thường trú (cấp xã)')).toBe(levelFreeName('Đăng ký thường trú tại cấp tỉnh'));
    expect(levelFreeName('Xóa đăng ký thường trú (cấp xã)')).not.toBe(levelFreeName('Đăng ký thường trú (cấp xã)'));
  });
});
