"""bb.compress.lz4: open lz4-compressed files through the `lz4` program."""


def open(filename, mode="rb", encoding=None, errors=None, newline=None, *, num_threads=1, compresslevel=1):
    from bb.compress import _pipe
    return _pipe.open(["lz4", "-%d" % compresslevel], filename, mode,
                      encoding=encoding, errors=errors, newline=newline)
