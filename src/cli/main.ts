// kiln's executable entry: hand the command to this build directory's resident server when one
// is running (and it is not a server command), otherwise run it here. The commands themselves
// (and the Python runtime they pull in) are loaded only when they run in this process, so the
// client side of a server request starts quickly.

import { runThroughServer } from "../server/index.js";

// A reader that stops early (`kiln layers show-recipes | head`) closes the pipe: stop quietly
// with the status a process killed by SIGPIPE has, as other command-line tools do.
const EXIT_BROKEN_PIPE = 128 + 13;
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(EXIT_BROKEN_PIPE);
    throw e;
  });
}

const args = process.argv.slice(2);
if (args[0] !== "server" && !process.env.KILN_NO_SERVER) {
  const code = await runThroughServer({ argv: args, cwd: process.cwd(), env: process.env });
  if (code !== undefined) process.exit(code);
}
const { buildProgram } = await import("./program.js");
await buildProgram().parseAsync(process.argv);
