/**
 * In-process work queue keyed by chat: tasks of one chat run one after another (answers arrive in the order the
 * questions were asked), different chats run concurrently up to `concurrency` at once. The database statements of
 * concurrent tasks are grouped (src/db/group-commit.ts), so more tasks at once means larger batches, not more
 * connections. Bounded, so a flood is refused instead of eating memory.
 */
export interface ChatQueue {
  /** Queues a task; false when the queue is full (the caller should refuse the delivery so it is retried later). */
  push(key: string, task: () => Promise<void>): boolean;
  /** Resolves when every queued task has finished. */
  idle(): Promise<void>;
  readonly pending: number;
}

export interface ChatQueueOptions {
  /** Tasks queued or running at once, across all chats. */
  maxPending?: number;
  /** Tasks running at once across chats (default 48). */
  concurrency?: number;
  onError?: (err: unknown, key: string) => void;
}

export function createChatQueue(options: ChatQueueOptions = {}): ChatQueue {
  const maxPending = options.maxPending ?? 5000;
  const tails = new Map<string, Promise<void>>();
  let pending = 0;
  let waiters: (() => void)[] = [];
  const concurrency = Math.max(1, options.concurrency ?? 48);
  let running = 0;
  const slots: (() => void)[] = [];
  const acquire = () =>
    running < concurrency ? (running++, Promise.resolve()) : new Promise<void>((resolve) => slots.push(resolve));
  const release = () => {
    const next = slots.shift();
    if (next) next();
    else running--;
  };

  return {
    get pending() {
      return pending;
    },
    push(key, task) {
      if (pending >= maxPending) return false;
      pending++;
      const run = async () => {
        await acquire();
        try {
          await task();
        } catch (err) {
          options.onError?.(err, key);
        } finally {
          release();
        }
      };
      const tail = (tails.get(key) ?? Promise.resolve()).then(run);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
        pending--;
        if (pending === 0) {
          const w = waiters;
          waiters = [];
          for (const resolve of w) resolve();
        }
      });
      return true;
    },
    idle() {
      if (pending === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
