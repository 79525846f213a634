import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupCommit } from '../../src/db/group-commit.js';

/** A run function that records its batches and resolves when told to. */
function recorder<I, O>(fn: (item: I) => O) {
  const batches: I[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const gates: (() => void)[] = [];
  const run = async (items: readonly I[]) => {
    batches.push([...items]);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise<void>((resolve) => gates.push(resolve));
    inFlight--;
    return items.map(fn);
  };
  const openAll = async () => {
    // Let batches get scheduled, then release whatever waits, until nothing does.
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setImmediate(r));
      while (gates.length) gates.shift()!();
    }
  };
  return { run, batches, openAll, maxInFlight: () => maxInFlight };
}

describe('group commit', () => {
  it('concurrent calls share one batch and each gets its own result', async () => {
    const r = recorder((x: number) => x * 10);
    const call = groupCommit(r.run);
    const results = Promise.all([1, 2, 3, 4].map((x) => call(x)));
    await r.openAll();
    expect(await results).toEqual([10, 20, 30, 40]);
    expect(r.batches).toEqual([[1, 2, 3, 4]]);
  });

  it('calls made while a batch runs gather into the next one; no more than `parallel` batches run at once', async () => {
    const r = recorder((x: number) => -x);
    const call = groupCommit(r.run, { parallel: 1 });
    const first = call(1);
    await new Promise((res) => setImmediate(res)); // batch [1] is running now
    const later = [2, 3, 4].map((x) => call(x));
    await r.openAll();
    expect(await first).toBe(-1);
    expect(await Promise.all(later)).toEqual([-2, -3, -4]);
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
    expect(r.maxInFlight()).toBe(1);
  });

  it('respects maxBatch', async () => {
    const r = recorder((x: number) => x);
    const call = groupCommit(r.run, { maxBatch: 2, parallel: 3 });
    const results = Promise.all([1, 2, 3, 4, 5].map((x) => call(x)));
    await r.openAll();
    expect(await results).toEqual([1, 2, 3, 4, 5]);
    expect(r.batches.map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it('a batch that fails is retried item by item: only the bad item fails its caller', async () => {
    const seen: number[][] = [];
    const call = groupCommit(async (items: readonly number[]) => {
      seen.push([...items]);
      if (items.includes(13)) throw new Error('unlucky');
      return items.map((x) => x + 1);
    });
    const settled = await Promise.allSettled([12, 13, 14].map((x) => call(x)));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([13, 'unlucky', 15]);
    expect(seen).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  it('a run that returns the wrong number of results fails its callers instead of mixing answers up', async () => {
    const call = groupCommit(async (items: readonly number[]) => items.slice(1));
    await expect(call(1)).rejects.toThrow('0 results for 1 items');
  });

  it('property: any interleaving of calls gets exactly its own result, whatever the batches', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer(), fc.nat(3)), { maxLength: 40 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), async (calls, parallel, maxBatch) => {
        let running = 0;
        let peak = 0;
        const call = groupCommit(
          async (items: readonly number[]) => {
            running++;
            peak = Math.max(peak, running);
            await new Promise((r) => setTimeout(r, items.length % 2));
            running--;
            return items.map((x) => `r${x}`);
          },
          { parallel, maxBatch },
        );
        const pending: Promise<string>[] = [];
        for (const [x, pause] of calls) {
          pending.push(call(x));
          for (let i = 0; i < pause; i++) await new Promise((r) => setImmediate(r));
        }
        expect(await Promise.all(pending)).toEqual(calls.map(([x]) => `r${x}`));
        expect(peak).toBeLessThanOrEqual(parallel);
      }),
      { numRuns: 60 },
    );
  });
});
