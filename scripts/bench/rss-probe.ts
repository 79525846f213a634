// Child process for the memory baseline: open the embedded database the way the app does, print maxRSS in KB.
import { createPgliteDb } from '../../src/db/pglite.js';

const db = await createPgliteDb();
await db.query('select 1');
await db.close();
process.stdout.write(`${process.resourceUsage().maxRSS}\n`);
