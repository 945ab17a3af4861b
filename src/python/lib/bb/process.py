"""bb.process: running commands from metadata, with BitBake's exceptions and defaults
(stdin/stdout/stderr piped, a string command run by the shell)."""

import subprocess


class CmdError(RuntimeError):
    def __init__(self, command, msg=None):
        self.command = command
        self.msg = msg

    def __str__(self):
        cmd = self.command if isinstance(self.command, str) else subprocess.list2cmdline(self.command)
        text = "Execution of '%s' failed" % cmd
        if self.msg:
            text += ": %s" % self.msg
        return text


class NotFoundError(CmdError):
    def __str__(self):
        return CmdError.__str__(self) + ": command not found"


class ExecutionError(CmdError):
    def __init__(self, command, exitcode, stdout=None, stderr=None):
        CmdError.__init__(self, command)
        self.exitcode = exitcode
        self.stdout = stdout
        self.stderr = stderr
        self.extra_message = None

    def __str__(self):
        output = (self.stderr or "") + (self.stdout or "")
        if output:
            output = ":\n" + output
        return CmdError.__str__(self) + " with exit code %s" % self.exitcode + output + (self.extra_message or "")


def subprocess_setup():
    import signal
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)


class Popen(subprocess.Popen):
    defaults = {
        "close_fds": True,
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
        "stdin": subprocess.PIPE,
        "shell": False,
    }

    def __init__(self, *args, **kwargs):
        options = dict(self.defaults)
        options.update(kwargs)
        subprocess.Popen.__init__(self, *args, **options)


def run(cmd, input=None, log=None, extrafiles=None, **options):
    """Run cmd and return (stdout, stderr) as text; ExecutionError if it exits non-zero,
    NotFoundError if it cannot be found. With `log`, output is also written there."""
    if isinstance(cmd, str) and "shell" not in options:
        options["shell"] = True
    try:
        pipe = Popen(cmd, **options)
    except OSError as exc:
        if exc.errno == 2:
            raise NotFoundError(cmd)
        raise CmdError(cmd, exc)
    if isinstance(input, str):
        input = input.encode("utf-8")
    stdout, stderr = pipe.communicate(input)
    if stdout is not None:
        stdout = stdout.decode("utf-8")
    if stderr is not None:
        stderr = stderr.decode("utf-8")
    if log:
        log.write((stdout or "") + (stderr or ""))
        log.flush()
    if pipe.returncode != 0:
        if log:
            raise ExecutionError(cmd, pipe.returncode, None, None)
        raise ExecutionError(cmd, pipe.returncode, stdout, stderr)
    return stdout, stderr
