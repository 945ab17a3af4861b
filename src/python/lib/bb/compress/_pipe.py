"""Compressed files through an external (de)compressor: data is piped through `cmd` (-c to
compress to stdout, -dc to decompress)."""

import io
import subprocess


def open(cmd, filename, mode="rb", encoding=None, errors=None, newline=None):
    binary = "b" in mode
    if "r" in mode:
        proc = subprocess.run(cmd + ["-dc", filename], stdout=subprocess.PIPE, check=True)
        raw = io.BytesIO(proc.stdout)
        return raw if binary else io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline=newline)
    return _Writer(cmd, filename, "a" in mode, binary, encoding, errors, newline)


class _Writer(io.BytesIO):
    def __init__(self, cmd, filename, append, binary, encoding, errors, newline):
        super().__init__()
        self._cmd, self._filename, self._append = cmd, filename, append
        self._text = None if binary else io.TextIOWrapper(self, encoding=encoding, errors=errors, newline=newline)

    def write(self, data):
        if isinstance(data, str):
            return self._text.write(data)
        return super().write(data)

    def close(self):
        if self.closed:
            return
        if self._text is not None:
            self._text.flush()
        data = self.getvalue()
        out = subprocess.run(self._cmd + ["-c"], input=data, stdout=subprocess.PIPE, check=True).stdout
        import builtins
        with builtins.open(self._filename, "ab" if self._append else "wb") as f:
            f.write(out)
        super().close()

    def __exit__(self, *exc):
        self.close()
