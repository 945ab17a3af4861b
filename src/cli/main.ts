// kiln's executable entry: hand the command to this build directory's resident server when one
// is running (and it is not a server command), otherwise run it here.

import { runThroughServer } from "../server/index.js";
import { buildProgram } from "./program.js";

const args = process.argv.slice(2);
if (args[0] !== "server" && !process.env.KILN_NO_SERVER) {
  const code = await runThroughServer({ argv: args, cwd: process.cwd(), env: process.env });
  if (code !== undefined) process.exit(code);
}
await buildProgram().parseAsync(process.argv);
