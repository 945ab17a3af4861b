"""Lock files (flock). fcntl is imported only when a lock is taken, so importing bb works
where it is missing. Under Pyodide flock() succeeds without locking anything, so there the
files are created and removed as usual but exclude no one."""

import contextlib
import errno
import os
import sys

import bb
from bb._files import mkdirhier


def _lock_error(name, reason):
    # BitBake logs and exits the process when a lock can never be taken.
    bb.error("Unable to acquire lock '%s', %s" % (name, reason))
    sys.exit(1)


def lockfile(name, shared=False, retry=True, block=False):
    """Take the lock file name (exclusive, or shared with shared=True), creating its directory.
    Returns an open file to hand to unlockfile(), or None when retry and block are both False
    and someone else holds the lock. A base name over 255 characters is shortened, keeping its
    extension."""
    import fcntl

    basename = os.path.basename(name)
    if len(basename) > 255:
        root, ext = os.path.splitext(basename)
        basename = root[:255 - len(ext)] + ext
    dirname = os.path.dirname(name)
    mkdirhier(dirname)
    name = os.path.join(dirname, basename)
    if not os.access(dirname, os.W_OK):
        _lock_error(name, "directory is not writable")

    op = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    if not retry and not block:
        op |= fcntl.LOCK_NB

    while True:
        # Lock files are removed by unlockfile(); someone may delete ours between our open() and
        # flock(), so the lock counts only if the path still names the file we locked.
        lf = None
        try:
            lf = open(name, "a+")
            fcntl.flock(lf.fileno(), op)
            held = os.fstat(lf.fileno())
            if os.path.exists(lf.name) and os.stat(lf.name).st_ino == held.st_ino:
                return lf
            lf.close()
        except OSError as e:
            if e.errno in (errno.EACCES, errno.ENAMETOOLONG):
                # (BitBake's message has the reason and the name the other way round.)
                _lock_error(e.strerror, name)
            if lf is not None:
                lf.close()
        if not retry:
            return None


def unlockfile(lf):
    """Release a lock from lockfile(), deleting the file when no one else holds it."""
    import fcntl
    try:
        # Only an exclusive holder may delete the file; a shared holder tries to upgrade first.
        fcntl.flock(lf.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.unlink(lf.name)
    except OSError:
        pass
    fcntl.flock(lf.fileno(), fcntl.LOCK_UN)
    lf.close()


@contextlib.contextmanager
def fileslocked(files, *args, **kwargs):
    """Hold lockfile(f, *args, **kwargs) for each of files during the with-block; locks that
    could not be taken (None) are skipped. Released in reverse order."""
    locks = []
    for name in files or []:
        lock = bb.utils.lockfile(name, *args, **kwargs)
        if lock is not None:
            locks.append(lock)
    try:
        yield
    finally:
        for lock in reversed(locks):
            bb.utils.unlockfile(lock)


def nonblockingfd(fd):
    """Put a file descriptor into non-blocking mode."""
    import fcntl
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
