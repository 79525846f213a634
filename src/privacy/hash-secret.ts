/**
 * HASH_SECRET, the key of the chat-id hashes (logger.ts hashId). Given in the environment it is used as is (config
 * checks ≥ 32 characters). Unset, it is read from DATA_DIR/hash-secret, which the first start creates with a random
 * 256-bit key (mode 0600), so a zero-config run keeps stable hashes across restarts without anyone choosing a key.
 * Several workers on one PostgreSQL must share it: set HASH_SECRET (or give them the same DATA_DIR).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

const HASH_SECRET_FILE = 'hash-secret';

export async function resolveHashSecret(config: { HASH_SECRET?: string; DATA_DIR: string }, logger: Logger): Promise<string> {
  if (config.HASH_SECRET) return config.HASH_SECRET;
  const path = join(config.DATA_DIR, HASH_SECRET_FILE);
  const read = async () => (await readFile(path, 'utf8')).trim();
  try {
    const existing = await read();
    if (existing.length < 32) {
      throw new AppError('config:invalid', { message: `${path}: the stored HASH_SECRET is shorter than 32 characters; delete the file or set HASH_SECRET` });
    }
    return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(config.DATA_DIR, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  try {
    // 'wx': two processes starting together on one DATA_DIR — the second reads what the first wrote.
    await writeFile(path, secret + '\n', { mode: 0o600, flag: 'wx' });
    logger.info({ path }, 'HASH_SECRET generated and stored in DATA_DIR (set HASH_SECRET to share it between workers)');
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return read();
    throw new AppError('config:invalid', { message: `${path}: cannot store a generated HASH_SECRET; set HASH_SECRET`, cause: err });
  }
}
