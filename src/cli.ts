// motcua command line: `npm run cli -- <command>`. The program is src/cli/program.ts.
import { runCli } from './cli/program.js';

process.exitCode = await runCli(process.argv);
