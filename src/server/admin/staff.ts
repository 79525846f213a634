/**
 * Named staff accounts for the dashboard (table staff_accounts, migration 011). ADMIN_TOKEN stays for scripts and
 * first access (it acts as an admin); people log in with their own name and password, hashed with scrypt from
 * node:crypto, compared in constant time. Roles: viewers read; editors also correct answers, write centre notes and
 * answer in the inbox; admins also manage accounts.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/db.js';
import { readJson, type AppEnv } from '../app.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../../catalog/audit.js';

const staffRoles = ['viewer', 'editor', 'admin'] as const;
export type StaffRole = (typeof staffRoles)[number];
const staffRoleSchema = z.enum(staffRoles);

const rank: Record<StaffRole, number> = { viewer: 0, editor: 1, admin: 2 };
/** Whether `role` may do what `needed` may. */
export const hasRole = (role: StaffRole, needed: StaffRole): boolean => rank[role] >= rank[needed];

const staffNameSchema = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}._-]{2,40}$/u, 'a name of 2-40 letters, digits, dots, dashes or underscores');

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

/** "scrypt$N$r$p$salt$hash" (base64url): the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await scrypt(password, Buffer.from(m[4]!, 'base64url'), expected.length, { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]), maxmem: 64 * 1024 * 1024 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Hash of a password nobody has: an unknown name costs the same time as a wrong password. */
let dummyHash: Promise<string> | undefined;

export interface StaffAccount {
  name: string;
  role: StaffRole;
  createdAt: string;
}

export interface StaffStore {
  /** Creates or replaces (role and password) an account. Throws http:validation naming the field. */
  add(input: { name: string; role: string; password: string; actor: string }): Promise<StaffAccount>;
  list(): Promise<StaffAccount[]>;
  remove(name: string, actor: string): Promise<boolean>;
  /** The account when name and password match; undefined otherwise (same time either way). */
  verify(name: string, password: string): Promise<{ name: string; role: StaffRole } | undefined>;
  /** The account's current role (undefined once removed): a session follows role changes and removal at once. */
  roleOf(name: string): Promise<StaffRole | undefined>;
}

export const MIN_PASSWORD = 10;

export function createStaffStore(db: Db): StaffStore {
  return {
    async add({ name, role, password, actor }) {
      const n = staffNameSchema.safeParse(name);
      if (!n.success) throw new AppError('http:validation', { message: `name: ${n.error.issues[0]?.message}` });
      const r = staffRoleSchema.safeParse(role);
      if (!r.success) throw new AppError('http:validation', { message: 'role: viewer, editor or admin' });
      if (password.length < MIN_PASSWORD) throw new AppError('http:validation', { message: `password: at least ${MIN_PASSWORD} characters` });
      const hash = await hashPassword(password);
      return db.transaction(async (tx) => {
        const [row] = await tx.query<{ name: string; role: StaffRole; created_at: Date | string }>(
          `INSERT INTO staff_accounts (name, role, password_hash) VALUES ($1, $2, $3)
           ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, password_hash = EXCLUDED.password_hash
           RETURNING name, role, created_at`,
          [n.data, r.data, hash],
        );
        await recordAudit(tx, { actor, action: 'staff.add', target: n.data, details: { role: r.data } });
        return { name: row!.name, role: row!.role, createdAt: new Date(row!.created_at).toISOString() };
      });
    },
    async list() {
      const rows = await db.query<{ name: string; role: StaffRole; created_at: Date | string }>(`SELECT name, role, created_at FROM staff_accounts ORDER BY name`);
      return rows.map((r) => ({ name: r.name, role: r.role, createdAt: new Date(r.created_at).toISOString() }));
    },
    async remove(name, actor) {
      return db.transaction(async (tx) => {
        const rows = await tx.query(`DELETE FROM staff_accounts WHERE name = $1 RETURNING name`, [name]);
        if (rows.length) await recordAudit(tx, { actor, action: 'staff.remove', target: name });
        return rows.length > 0;
      });
    },
    async verify(name, password) {
      const [row] = await db.query<{ name: string; role: StaffRole; password_hash: string }>(
        `SELECT name, role, password_hash FROM staff_accounts WHERE name = $1`,
        [name.trim().slice(0, 40)],
      );
      const ok = await verifyPassword(password, row?.password_hash ?? (await (dummyHash ??= hashPassword(randomBytes(16).toString('hex')))));
      return row && ok ? { name: row.name, role: row.role } : undefined;
    },
    async roleOf(name) {
      const [row] = await db.query<{ role: StaffRole }>(`SELECT role FROM staff_accounts WHERE name = $1`, [name]);
      return row?.role;
    },
  };
}

const newAccountBody = z.object({ name: z.string(), role: z.string(), password: z.string().optional() });

/** A password to print once when staff are added without choosing one. */
export const generatePassword = () => randomBytes(15).toString('base64url');

/** Account management (admins only: routes.ts requires the admin role under /api/staff). */
export function createStaffRoutes(store: StaffStore, actorOf: (c: Context) => string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/api/staff', async (c) => c.json({ staff: await store.list() }));
  app.post('/api/staff', async (c) => {
    const body = await readJson(c, newAccountBody);
    const password = body.password ?? generatePassword();
    const account = await store.add({ name: body.name, role: body.role, password, actor: actorOf(c) });
    // A generated password is shown this once and never stored in clear.
    return c.json({ account, ...(body.password ? {} : { password }) }, 201);
  });
  app.delete('/api/staff/:name', async (c) => {
    if (!(await store.remove(c.req.param('name'), actorOf(c)))) throw new AppError('http:not_found', { message: `no staff account ${c.req.param('name').slice(0, 40)}` });
    return c.body(null, 204);
  });
  return app;
}
