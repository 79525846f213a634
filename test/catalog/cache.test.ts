import { describe, expect, it } from 'vitest';
import { createProcedureCache } from '../../src/catalog/cache.js';
import { procedureSchema } from '../../src/catalog/schema.js';

const proc = (code: string) => procedureSchema.parse({ code, name: `Thủ tục ${code}`, field: 'Hộ tịch' });

describe('procedure cache', () => {
  it('reads each procedure once, evicts the least recently used, and forgets everything on clear', async () => {
    const reads: string[] = [];
    const cache = createProcedureCache(async (code) => {
      reads.push(code);
      return code === 'none' ? undefined : proc(code);
    }, 2);
    expect((await cache.get('1.000001'))?.code).toBe('1.000001');
    await cache.get('1.000001');
    await cache.get('1.000002');
    await cache.get('1.000001'); // now 1.000002 is the least recently used
    await cache.get('1.000003'); // evicts 1.000002
    await cache.get('1.000001');
    await cache.get('1.000002');
    expect(reads).toEqual(['1.000001', '1.000002', '1.000003', '1.000002']);
    expect(await cache.get('none')).toBeUndefined();
    expect(await cache.get('none')).toBeUndefined();
    expect(reads.filter((c) => c === 'none')).toHaveLength(2);
    cache.clear();
    await cache.get('1.000001');
    expect(reads.at(-1)).toBe('1.000001');
  });
});
