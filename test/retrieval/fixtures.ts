// A small catalog of our own wording (not the dev questions) for retrieval tests.
import { procedureSchema, type Procedure, type ProcedureInput } from '../../src/catalog/schema.js';

const make = (p: Partial<ProcedureInput> & { code: string; name: string; field: string }): Procedure =>
  procedureSchema.parse({ levels: ['xa'], ...p });

export const fixtureProcedures: Procedure[] = [
  make({
    code: 'T.0001',
    name: 'Đăng ký khai sinh',
    field: 'Hộ tịch',
    documents: [{ name: 'Tờ khai đăng ký khai sinh theo mẫu' }, { name: 'Giấy chứng sinh' }],
    steps: ['Nộp tờ khai và giấy chứng sinh tại UBND cấp xã', 'Công chức tư pháp - hộ tịch ghi vào Sổ hộ tịch'],
    result: 'Giấy khai sinh',
  }),
  make({
    code: 'T.0002',
    name: 'Đăng ký kết hôn',
    field: 'Hộ tịch',
    documents: [{ name: 'Tờ khai đăng ký kết hôn' }, { name: 'Giấy xác nhận tình trạng hôn nhân' }],
    conditions: ['Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi', 'Việc kết hôn do nam và nữ tự nguyện quyết định'],
    result: 'Giấy chứng nhận kết hôn',
  }),
  make({
    code: 'T.0003',
    name: 'Cấp lại giấy phép lái xe',
    field: 'Đường bộ',
    levels: ['tinh'],
    documents: [{ name: 'Đơn đề nghị cấp lại giấy phép lái xe' }, { name: 'Giấy khám sức khỏe của người lái xe' }],
    conditions: ['Giấy phép lái xe bị mất còn thời hạn sử dụng'],
  }),
  make({
    code: 'T.0004',
    name: 'Đăng ký thường trú',
    field: 'Đăng ký, quản lý cư trú',
    documents: [{ name: 'Tờ khai thay đổi thông tin cư trú (Mẫu CT01)' }, { name: 'Giấy tờ chứng minh chỗ ở hợp pháp' }],
    steps: ['Nộp hồ sơ tại Công an cấp xã nơi cư trú'],
  }),
  make({
    code: 'T.0005',
    name: 'Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất',
    field: 'Đất đai',
    documents: [{ name: 'Đơn đề nghị cấp đổi' }, { name: 'Bản gốc Giấy chứng nhận đã cấp' }],
  }),
  make({
    code: 'T.0006',
    name: 'Đăng ký thành lập hộ kinh doanh',
    field: 'Thành lập và hoạt động của hộ kinh doanh',
    documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh' }, { name: 'Bản sao giấy tờ pháp lý của cá nhân' }],
    channels: [{ mode: 'truc_tiep', deadline: { text: '03 ngày làm việc', workingDays: 3 }, fee: { text: '100.000 đồng' } }],
  }),
  // The same procedure at two levels: one hit, both codes.
  make({ code: 'T.0007', name: 'Chứng thực bản sao từ bản chính', field: 'Chứng thực', levels: ['xa'] }),
  make({ code: 'T.0008', name: 'Chứng thực bản sao từ bản chính', field: 'Chứng thực', levels: ['tinh'] }),
  // The portal's other way of publishing one procedure per level: the level in the name.
  make({ code: 'T.0009', name: 'Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)', field: 'Xuất nhập cảnh', levels: ['tinh'] }),
  make({ code: 'T.0010', name: 'Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp trung ương)', field: 'Xuất nhập cảnh', levels: ['trung_uong'] }),
];

export function withChange(p: Procedure, patch: Partial<Procedure>): Procedure {
  return { ...p, ...patch };
}
