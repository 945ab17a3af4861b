// The environment, working directory and umask kiln's process started with. In a build process
// with native Python, each task's Python functions run with the task's environment, directory and
// umask, which are then the process's own (Python's os.environ, os.chdir and os.umask are the C
// library's): code that means kiln's own reads them here, not from process.env and friends.

export const STARTING_ENV: Readonly<NodeJS.ProcessEnv> = Object.freeze({ ...process.env });
export const STARTING_CWD = process.cwd();
export const STARTING_UMASK = process.umask();
