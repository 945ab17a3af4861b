"""Crossing between Python and JavaScript, the same way under both of kiln's embeddings.

Under Pyodide (sys.platform "emscripten") JavaScript containers arrive as proxies that convert
with to_py(); under kiln's native addon they arrive converted. In both, a Python list, tuple,
set or bytes crosses into JavaScript as a Python object unless wrapped with to_js().
"""

import sys

NATIVE = sys.platform != "emscripten"

if NATIVE:
    from _kiln_native import JsException, to_js  # noqa: F401
else:
    from pyodide.ffi import JsException, to_js  # noqa: F401


def to_py(value, depth=-1):
    """A JavaScript container as the Python one (already one under the native addon)."""
    convert = getattr(value, "to_py", None)
    return convert(depth=depth) if convert is not None else value


class _LineWriter:
    """sys.stdout/sys.stderr handing complete lines to a JavaScript function."""

    def __init__(self, write):
        self._write = write
        self._partial = ""

    def write(self, text):
        text = str(text)
        *lines, self._partial = (self._partial + text).split("\n")
        for line in lines:
            self._write(line)
        return len(text)

    def flush(self):
        if self._partial:
            self._write(self._partial)
            self._partial = ""

    def isatty(self):
        return False

    @property
    def encoding(self):
        return "utf-8"


def redirect_output(write):
    """Send print() and stray output to `write` (one call per line), as Pyodide's batched
    stdout does."""
    if isinstance(sys.stdout, _LineWriter):
        sys.stdout.flush()
    sys.stdout = sys.stderr = _LineWriter(write)
