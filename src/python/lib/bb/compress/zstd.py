"""bb.compress.zstd: open zstd-compressed files. Uses Python's own zstd support (3.14+) when
present, otherwise the `zstd` program through a pipe."""


def open(filename, mode="rb", encoding=None, errors=None, newline=None, *, num_threads=1, compresslevel=3):
    try:
        from compression import zstd as _zstd
    except ImportError:
        _zstd = None
    if _zstd is not None:
        level = compresslevel if "w" in mode or "a" in mode or "x" in mode else None
        return _zstd.open(filename, mode, level=level, encoding=encoding, errors=errors, newline=newline)
    from bb.compress import _pipe
    return _pipe.open(["zstd", "-T%d" % num_threads, "-%d" % compresslevel], filename, mode,
                      encoding=encoding, errors=errors, newline=newline)
