"""Files and paths: searching a path list, creating, removing, moving and copying files.

Where BitBake shells out (rm -rf, /bin/mv, /bin/cp) kiln uses the standard library, so these
work under Pyodide; only moving or copying special files (devices, fifos) still needs a
subprocess, and fails with a warning (False/None, as BitBake reports failures) where there is none.
"""

import contextlib
import errno
import os
import re
import shutil
import stat

import bb


def which(path, item, direction=0, history=False, executable=False):
    """The first "<dir>/item" that exists (or, with executable=True, is an executable regular
    file) along the colon-separated path; "" when none does. direction != 0 searches from the
    end. A hit is made absolute. history=True returns (hit or "", every candidate tried)."""
    if executable:
        def usable(candidate):
            return os.path.isfile(candidate) and os.access(candidate, os.X_OK)
    else:
        usable = os.path.exists
    tried = []
    dirs = (path or "").split(":")
    if direction != 0:
        dirs.reverse()
    for directory in dirs:
        candidate = os.path.join(directory, item)
        tried.append(candidate)
        if usable(candidate):
            if not os.path.isabs(candidate):
                candidate = os.path.abspath(candidate)
            return (candidate, tried) if history else candidate
    return ("", tried) if history else ""


def mkdirhier(directory):
    """mkdir -p: create directory and its parents; an existing directory is fine.
    A name holding "${" is refused with bb.fatal (an unexpanded variable)."""
    if "${" in str(directory):
        bb.fatal("Directory name {} contains unexpanded bitbake variable. This may cause build "
                 "failures and WORKDIR polution.".format(directory))
    try:
        os.makedirs(directory)
    except OSError as e:
        if e.errno != errno.EEXIST:
            raise
        if os.path.isdir(directory):
            return
        # NFS can report EEXIST from a stale attribute cache; listing the parent refreshes it.
        os.listdir(os.path.dirname(directory))
        if os.path.isdir(directory):
            return
        # (BitBake's message really has a literal "%s".)
        bb.warn("mkdir: %s is not a directory?")
        raise


def _is_dangerous_to_delete(path):
    # A guard against mistakes, not a security measure: the root, /home, any /home/<user> and
    # $HOME (inserted into the pattern as it is, like BitBake does).
    home = os.environ.get("HOME", "")
    pattern = "(/|//|/home|/home/[^/]*%s)$" % ("|" + home if home else "")
    return re.match(pattern, os.path.abspath(path)) is not None


def _remove_tree_or_file(name):
    # What "rm -rf name" does: a directory (not a link to one) goes with its contents.
    if os.path.isdir(name) and not os.path.islink(name):
        shutil.rmtree(name)
        return
    try:
        os.unlink(name)
    except FileNotFoundError:
        pass


def remove(path, recurse=False, ionice=False):
    """rm -f (or rm -rf with recurse=True) of every file matching the glob pattern path.
    Without recurse a directory raises the OS error. ionice is accepted and ignored."""
    import glob
    if not path:
        return
    if recurse:
        matches = glob.glob(path)
        for name in matches:
            if _is_dangerous_to_delete(name):
                raise Exception('bb.utils.remove: called with dangerous path "%s" and recurse=True, '
                                'refusing to delete!' % name)
        for name in matches:
            _remove_tree_or_file(name)
        return
    for name in glob.glob(path):
        try:
            os.unlink(name)
        except OSError as e:
            if e.errno != errno.ENOENT:
                raise


def prunedir(topdir, ionice=False):
    """Delete topdir and everything below it (refusing /, /home, /home/<user> and $HOME)."""
    if _is_dangerous_to_delete(topdir):
        raise Exception('bb.utils.prunedir: called with dangerous path "%s", refusing to delete!'
                        % topdir)
    remove(topdir, recurse=True, ionice=ionice)


def prune_suffix(var, suffixes, d):
    """var without the first of suffixes it ends with (empty suffixes are skipped)."""
    for suffix in suffixes:
        if suffix and var.endswith(suffix):
            return var[:-len(suffix)]
    return var


def rename(src, dst):
    """os.rename, falling back to a copying move across filesystems."""
    try:
        os.rename(src, dst)
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
        shutil.move(src, dst)


def _lchown(path, sstat):
    # Keep the owner, as BitBake does. Pyodide's os has no lchown (and no users to speak of), so
    # there the step is skipped instead of failing every copy.
    if hasattr(os, "lchown"):
        os.lchown(path, sstat.st_uid, sstat.st_gid)


def _run_tool(argv):
    # Special files need mv/cp; there is no subprocess under Pyodide, which counts as failure.
    try:
        import subprocess
        return subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    except Exception:
        return False


def _dest_stat(dest):
    """(stat of dest, True) or, when dest is missing, (stat of its directory, False).
    A dangling symlink at dest is removed first, as BitBake does, and then counts as missing."""
    try:
        dstat = os.lstat(dest)
    except Exception:
        # Like BitBake, a missing parent directory is an error here (not a False/None result).
        return os.lstat(os.path.dirname(dest)), False
    if stat.S_ISLNK(dstat.st_mode):
        try:
            os.unlink(dest)
            return dstat, False
        except Exception:
            pass
    return dstat, True


def movefile(src, dest, newmtime=None, sstat=None):
    """Move src to dest (into dest when it is a directory), across filesystems too, keeping
    mode, owner and times. Returns the new mtime (newmtime, or src's whole-second mtime), the
    lstat of dest when src is a symlink (moved as a link), or None on failure."""
    if not sstat:
        try:
            sstat = os.lstat(src)
        except Exception as e:
            bb.warn("movefile: stating source file %s failed: %s" % (src, e))
            return None
    dstat, dest_exists = _dest_stat(dest)

    if stat.S_ISLNK(sstat.st_mode):
        try:
            target = os.readlink(src)
            if dest_exists and not stat.S_ISDIR(dstat.st_mode):
                os.unlink(dest)
            os.symlink(target, dest)
            os.unlink(src)
            return os.lstat(dest)
        except Exception as e:
            bb.warn("movefile: failed to properly create symlink %s: %s" % (dest, e))
            return None

    destpath = os.path.join(dest, os.path.basename(src)) if os.path.isdir(dest) else dest
    moved = False
    if sstat.st_dev == dstat.st_dev:
        try:
            rename(src, destpath)
            moved = True
        except Exception as e:
            if getattr(e, "errno", None) != errno.EXDEV:
                bb.warn("movefile: failed to move %s to %s: %s" % (src, dest, e))
                return None

    if not moved:
        copied = False
        if stat.S_ISREG(sstat.st_mode):
            # Copy beside the target, then rename over it, so dest is never half-written.
            try:
                shutil.copyfile(src, destpath + "#new")
                rename(destpath + "#new", destpath)
                copied = True
            except Exception as e:
                bb.warn("movefile: copy %s -> %s failed: %s" % (src, dest, e))
                return None
        elif not _run_tool(["/bin/mv", "-f", src, dest]):
            bb.warn("movefile: failed to move special file %s to %s" % (src, dest))
            return None
        if copied:
            try:
                _lchown(destpath, sstat)
                os.chmod(destpath, stat.S_IMODE(sstat.st_mode))  # chown clears sticky bits
                os.unlink(src)
            except Exception as e:
                bb.warn("movefile: failed to chown/chmod/unlink %s: %s" % (dest, e))
                return None

    if newmtime:
        os.utime(destpath, (newmtime, newmtime))
        return newmtime
    # Whole seconds, as BitBake (it reads the integer fields of the stat result).
    os.utime(destpath, (sstat[stat.ST_ATIME], sstat[stat.ST_MTIME]))
    return sstat[stat.ST_MTIME]


def copyfile(src, dest, newmtime=None, sstat=None):
    """Copy src to the path dest (not into a directory), keeping mode, owner and times.
    Returns the new mtime (newmtime, or src's whole-second mtime), the lstat of dest when src is
    a symlink (copied as a link), or False on failure."""
    if not sstat:
        try:
            sstat = os.lstat(src)
        except Exception as e:
            bb.warn("copyfile: stat of %s failed (%s)" % (src, e))
            return False
    dstat, dest_exists = _dest_stat(dest)

    if stat.S_ISLNK(sstat.st_mode):
        try:
            target = os.readlink(src)
            if dest_exists and not stat.S_ISDIR(dstat.st_mode):
                os.unlink(dest)
            os.symlink(target, dest)
            _lchown(dest, sstat)
            return os.lstat(dest)
        except Exception as e:
            bb.warn("copyfile: failed to create symlink %s (%s)" % (dest, e))
            return False

    if stat.S_ISREG(sstat.st_mode):
        made_readable = False
        try:
            if not os.access(src, os.R_OK):
                made_readable = True
                os.chmod(src, sstat.st_mode | stat.S_IRUSR)
            shutil.copyfile(src, dest + "#new")
            rename(dest + "#new", dest)
        except Exception as e:
            bb.warn("copyfile: copy %s to %s failed (%s)" % (src, dest, e))
            return False
        finally:
            if made_readable:
                os.chmod(src, sstat.st_mode)
                os.utime(src, (sstat[stat.ST_ATIME], sstat[stat.ST_MTIME]))
    elif not _run_tool(["/bin/cp", "-f", src, dest]):
        bb.warn("copyfile: failed to copy special file %s to %s" % (src, dest))
        return False

    try:
        _lchown(dest, sstat)
        os.chmod(dest, stat.S_IMODE(sstat.st_mode))  # chown clears sticky bits
    except Exception as e:
        bb.warn("copyfile: failed to chown/chmod %s (%s)" % (dest, e))
        return False

    if newmtime:
        os.utime(dest, (newmtime, newmtime))
        return newmtime
    os.utime(dest, (sstat[stat.ST_ATIME], sstat[stat.ST_MTIME]))
    return sstat[stat.ST_MTIME]


def break_hardlinks(src, sstat=None):
    """Make src the only link to its data (by copying it over itself). True/False."""
    if not sstat:
        try:
            sstat = os.lstat(src)
        except Exception as e:
            bb.warn("break_hardlinks: stat of %s failed (%s)" % (src, e))
            return False
    if sstat[stat.ST_NLINK] == 1:
        return True
    return copyfile(src, src, sstat=sstat)


def path_is_descendant(descendant, ancestor):
    """Whether descendant is ancestor or below it, comparing directories by identity (so links
    and bind mounts count). Quirk kept: "/" is never found, since the walk up stops before it.
    Errors from os.stat() propagate."""
    target = os.stat(ancestor)
    current = os.path.abspath(descendant).rstrip("/")
    while current:
        if os.path.samestat(os.stat(current), target):
            return True
        current = os.path.dirname(current).rstrip("/")
    return False


def to_filemode(input):
    """A file mode from an octal string; an int (but not a bool) is returned as it is."""
    if type(input) is int:
        return input
    return int(input, 8)


@contextlib.contextmanager
def umask(new_mask):
    """Run the with-block under new_mask, restoring the previous umask afterwards."""
    previous = os.umask(new_mask)
    try:
        yield
    finally:
        os.umask(previous)


_ENTROPY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890"


def mkstemp(suffix=None, prefix=None, dir=None, text=False):
    """tempfile.mkstemp() with 20 random characters added to the prefix, so that parallel
    builds sharing a directory (over NFS, say) do not collide. Returns (fd, name)."""
    import random
    import tempfile
    entropy = "".join(random.choices(_ENTROPY_CHARS, k=20))
    prefix = (prefix or tempfile.gettempprefix()) + entropy
    return tempfile.mkstemp(suffix=suffix, prefix=prefix, dir=dir, text=text)
