"""The BitBake side of the differential tests: a subprocess with BitBake's lib/ on sys.path.

Usage: python3 _oracle.py /path/to/bitbake. Reads one JSON job per line on stdin, answers one
JSON result per line (see _jobs.py). A line {"describe": true} asks for the public API instead.
"""

import contextlib
import inspect
import json
import logging
import os
import sys

sys.path.insert(0, os.path.join(sys.argv[1], "lib"))
sys.path.insert(1, os.path.dirname(os.path.abspath(__file__)))

import bb  # noqa: E402  (BitBake's)
import bb.build  # noqa: E402
import bb.data  # noqa: E402
import bb.parse  # noqa: E402
import bb.utils  # noqa: E402

import _jobs  # noqa: E402

# BitBake's log levels as kiln's handler names them.
_LEVELS = {logging.WARNING: "warn", logging.ERROR: "error", logging.CRITICAL: "fatal",
           logging.INFO: "note", logging.INFO + 1: "plain", logging.INFO + 2: "verbnote"}


class _Collector(logging.Handler):
    def __init__(self):
        logging.Handler.__init__(self, 1)
        self.sink = None

    def emit(self, record):
        if self.sink is None:
            return
        try:
            message = record.getMessage()
        except Exception:
            return  # some BitBake calls pass logging arguments it cannot format
        self.sink.append([_LEVELS.get(record.levelno, "debug"), message])


_collector = _Collector()
logging.getLogger("BitBake").addHandler(_collector)


@contextlib.contextmanager
def capture_logs(sink):
    _collector.sink = sink
    try:
        yield
    finally:
        _collector.sink = None


def describe():
    """{module: {name: signature or "class"}} for the public callables of the modules kiln
    reimplements (defined in that module, not imported into it)."""
    api = {}
    for mod in (bb, bb.utils, bb.data, bb.parse, bb.build):
        names = {}
        for name, obj in vars(mod).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
                continue
            if inspect.isclass(obj):
                names[name] = "class"
            elif callable(obj):
                try:
                    names[name] = str(inspect.signature(obj))
                except (TypeError, ValueError):
                    names[name] = "?"
        api[mod.__name__] = names
    return api


def main():
    for line in sys.stdin:
        job = json.loads(line)
        if job.get("describe"):
            answer = describe()
        else:
            answer = _jobs.run_job(bb, bb.data.init, capture_logs, job)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
