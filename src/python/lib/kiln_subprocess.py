"""Running programs from metadata Python through kiln (Pyodide cannot fork, and kiln puts its
sandbox before the programs a task runs).

kiln's runtime gives Python a synchronous spawn (Node's spawnSync) and this module makes
`subprocess` use it: Popen runs the program to completion when its result is first needed
(communicate, wait, poll) or, for output sent to a file or inherited, at once. Pipes are
therefore buffers: all input is given up front, all output arrives at the end. That is what
metadata run at parse time needs (`git rev-parse`, `uname`, `which ...`); interactive use of a
child process is not possible.
"""

import io
import os
import subprocess

from kiln_ffi import to_js, to_py

_spawn = None  # set by install(): fn(argv, cwd, env_json, input_bytes, shell) -> JS result


def install(spawn):
    """Replace subprocess's process machinery with kiln's synchronous spawn (which may be
    given later, once the bridge to JavaScript exists)."""
    global _spawn
    if spawn is not None:
        _spawn = spawn
    subprocess.Popen = Popen


def _to_bytes(data, text, encoding, errors):
    if data is None:
        return None
    if isinstance(data, str):
        return data.encode(encoding or "utf-8", errors or "strict")
    return bytes(data)


class _Pipe(io.BytesIO):
    """The reading end of a pipe whose data is already complete."""


class Popen(object):
    """subprocess.Popen over a synchronous spawn."""

    def __init__(self, args, bufsize=-1, executable=None, stdin=None, stdout=None, stderr=None,
                 preexec_fn=None, close_fds=True, shell=False, cwd=None, env=None,
                 universal_newlines=None, startupinfo=None, creationflags=0, restore_signals=True,
                 start_new_session=False, pass_fds=(), *, user=None, group=None, extra_groups=None,
                 encoding=None, errors=None, text=None, umask=-1, pipesize=-1, process_group=None):
        self.args = args
        self.returncode = None
        self.pid = None
        self._text = bool(text or universal_newlines or encoding or errors)
        self._encoding = encoding or ("utf-8" if self._text else None)
        self._errors = errors
        self._shell = shell
        self._cwd = os.fspath(cwd) if cwd is not None else os.getcwd()
        self._env = dict(env) if env is not None else dict(os.environ)
        self._stdin_arg, self._stdout_arg, self._stderr_arg = stdin, stdout, stderr
        self._stdin_data = b""
        if stdin is not None and stdin not in (subprocess.PIPE, subprocess.DEVNULL):
            self._stdin_data = _read_source(stdin)
        self.stdin = _StdinBuffer(self) if stdin == subprocess.PIPE else None
        self.stdout = None
        self.stderr = None
        self._done = False
        if executable is not None:
            self._argv0 = executable
        if stdout != subprocess.PIPE and stderr != subprocess.PIPE and stdin != subprocess.PIPE:
            self._run()

    def _argv(self):
        if isinstance(self.args, (str, bytes)):
            cmd = self.args if isinstance(self.args, str) else self.args.decode()
            return ["/bin/sh", "-c", cmd] if self._shell else [cmd]
        argv = [os.fspath(a) if not isinstance(a, bytes) else a.decode() for a in self.args]
        return ["/bin/sh", "-c"] + argv if self._shell else argv

    def _run(self, extra_input=None):
        if self._done:
            return
        self._done = True
        import json
        data = self._stdin_data + (extra_input or b"")
        result = to_py(_spawn(to_js(self._argv()), self._cwd, json.dumps(self._env), to_js(data)))
        if result.get("error"):
            code = result["error"]
            if code == "ENOENT":
                raise FileNotFoundError(2, "No such file or directory", self._argv()[0])
            if code == "EACCES":
                raise PermissionError(13, "Permission denied", self._argv()[0])
            raise OSError(code)
        self.returncode = result["status"] if result["status"] is not None else -int(result.get("signal") or 9)
        out, err = bytes(result["stdout"]), bytes(result["stderr"])
        if self._stderr_arg == subprocess.STDOUT:
            out, err = out + err, b""
        self._out = self._deliver(self._stdout_arg, out, "stdout")
        self._err = self._deliver(self._stderr_arg, err, "stderr")

    def _deliver(self, target, data, name):
        """Put output where the caller asked: a pipe buffer, a file, nowhere, or our own stream."""
        if target == subprocess.PIPE:
            pipe = _Pipe(data)
            setattr(self, name, io.TextIOWrapper(pipe, encoding=self._encoding, errors=self._errors)
                    if self._text else pipe)
            return data
        if target == subprocess.DEVNULL or target == subprocess.STDOUT:
            return None
        if target is None:
            import sys
            stream = sys.stderr
            stream.write(data.decode("utf-8", "replace"))
            return None
        if isinstance(target, int):
            os.write(target, data)
        else:
            try:
                target.write(data)
            except TypeError:
                target.write(data.decode(self._encoding or "utf-8", "replace"))
            target.flush()
        return None

    def communicate(self, input=None, timeout=None):
        extra = _to_bytes(input, self._text, self._encoding, self._errors)
        if self.stdin is not None:
            extra = self.stdin.getvalue() + (extra or b"")
        self._run(extra)
        out = self._out if self._stdout_arg == subprocess.PIPE else None
        err = self._err if self._stderr_arg == subprocess.PIPE else None
        if self._text:
            out = out.decode(self._encoding, self._errors or "strict") if out is not None else None
            err = err.decode(self._encoding, self._errors or "strict") if err is not None else None
        return out, err

    def wait(self, timeout=None):
        self._run(self.stdin.getvalue() if self.stdin is not None else None)
        return self.returncode

    def poll(self):
        return self.wait()

    def kill(self):
        return None

    terminate = kill

    def send_signal(self, sig):
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.wait()


class _StdinBuffer(io.BytesIO):
    """What is written to a child's stdin before it runs."""

    def __init__(self, proc):
        super().__init__()
        self._proc = proc

    def write(self, data):
        if isinstance(data, str):
            data = data.encode(self._proc._encoding or "utf-8")
        return super().write(data)

    def close(self):
        # The data must survive close(): the child reads it when it runs.
        self.getvalue = (lambda v: (lambda: v))(super().getvalue())


def _read_source(src):
    if isinstance(src, int):
        chunks = []
        while True:
            block = os.read(src, 65536)
            if not block:
                break
            chunks.append(block)
        return b"".join(chunks)
    data = src.read()
    return data.encode() if isinstance(data, str) else data
