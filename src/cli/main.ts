// kiln's executable entry: hand the command to this build directory's resident server when one
// is running (and it is not a server command), otherwise run it here. The commands themselves
// (and the Python runtime they pull in) are loaded only when they run in this process, so the
// client side of a server request starts quickly.

import { runThroughServer } from "../server/index.js";

const args = process.argv.slice(2);
if (args[0] !== "server" && !process.env.KILN_NO_SERVER) {
  const code = await runThroughServer({ argv: args, cwd: process.cwd(), env: process.env });
  if (code !== undefined) process.exit(code);
}
const { buildProgram } = await import("./program.js");
await buildProgram().parseAsync(process.argv);
