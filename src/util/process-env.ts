// The environment and working directory kiln's process started with. In a build process with
// native Python, each task's Python functions run with the task's environment and directory,
// which are then the process's own (Python's os.environ and os.chdir are the C library's): code
// that means kiln's own environment reads it here, not from process.env.

export const STARTING_ENV: Readonly<NodeJS.ProcessEnv> = Object.freeze({ ...process.env });
export const STARTING_CWD = process.cwd();
