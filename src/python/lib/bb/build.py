"""bb.build: declaring tasks from metadata Python, and asking about the tasks of a recipe.

Task bookkeeping lives in the datastore, and kiln's parser (src/parse/tasks.ts) keeps the same
records, so both must agree on these exact semantics (BitBake's):

  ensure_task_prefix(name): name unchanged if it starts with "do_", else "do_" + name.

  addtask(task, before, after, d), task/before/after prefixed as above, before/after split on
  whitespace (None meaning none):
    1. d.setVarFlag(task, "task", 1)
    2. __BBTASKS (unexpanded list, [] if unset) gets task appended unless present; it is
       always set again.
    3. task[deps] (unexpanded list, [] if unset) gets each "after" name appended unless present,
       in order; task[deps] is always set again (even to []).
    4. for each "before" name B: unless task is already in B[deps], B[deps] becomes
       [task] + B[deps] (so the newest "before" comes first). B is NOT added to __BBTASKS and
       gets no [task] flag.

  deltask(task, d):
    1. if task is in __BBTASKS: remove it, delete its [task] flag, set __BBTASKS again.
    2. delete task[deps] (whether or not it was a task).
    3. for each task T still in __BBTASKS whose [deps] contains task: remove the first
       occurrence and set T[deps] again.

Running tasks (exec_func, exec_task, stamps, task events) is kiln's executor, not this module.
"""

import os
import stat

import bb


def ensure_task_prefix(name):
    if name[:3] != "do_":
        name = "do_" + name
    return name


def addtask(task, before, after, d):
    task = ensure_task_prefix(task)

    d.setVarFlag(task, "task", 1)
    tasks = d.getVar("__BBTASKS", False) or []
    if task not in tasks:
        tasks.append(task)
    d.setVar("__BBTASKS", tasks)

    deps = d.getVarFlag(task, "deps", False) or []
    for name in after.split() if after is not None else []:
        name = ensure_task_prefix(name)
        if name not in deps:
            deps.append(name)
    d.setVarFlag(task, "deps", deps)

    for name in before.split() if before is not None else []:
        name = ensure_task_prefix(name)
        later = d.getVarFlag(name, "deps", False) or []
        if task not in later:
            d.setVarFlag(name, "deps", [task] + later)


def deltask(task, d):
    task = ensure_task_prefix(task)

    tasks = d.getVar("__BBTASKS", False) or []
    if task in tasks:
        tasks.remove(task)
        d.delVarFlag(task, "task")
        d.setVar("__BBTASKS", tasks)

    d.delVarFlag(task, "deps")
    for other in d.getVar("__BBTASKS", False) or []:
        deps = d.getVarFlag(other, "deps", False) or []
        if task in deps:
            deps.remove(task)
            d.setVarFlag(other, "deps", deps)


# Flags add_tasks() copies (expanded) into _task_deps[flag][task].
_TASK_DEP_FLAGS = ("mcdepends", "depends", "rdepends", "deptask", "rdeptask", "recrdeptask",
                   "recideptask", "nostamp", "fakeroot", "noexec", "umask")


def add_tasks(tasklist, d):
    """Finalisation step: mark each (expanded) task name in tasklist as a task and record its
    dependency flags and [deps] ("parents") in the _task_deps dict."""
    task_deps = d.getVar("_task_deps", False) or {}
    task_deps.setdefault("tasks", [])
    task_deps.setdefault("parents", {})

    for task in tasklist:
        task = d.expand(task)
        d.setVarFlag(task, "task", 1)
        if task not in task_deps["tasks"]:
            task_deps["tasks"].append(task)

        flags = d.getVarFlags(task)
        for flag in _TASK_DEP_FLAGS:
            per_task = task_deps.setdefault(flag, {})
            if flag in flags:
                value = d.expand(flags[flag])
                if flag in ("noexec", "fakeroot", "nostamp") and value != "1":
                    bb.warn("In a future version of BitBake, setting the '{}' flag to something other "
                            "than '1' will result in the flag not being set. See YP bug #13808."
                            .format(flag))
                per_task[task] = value

        parents = task_deps["parents"][task] = []
        if "deps" in flags:
            for dep in flags["deps"]:
                parents.append(d.expand(dep))

    # Set again: the datastore may have handed out a copy.
    d.setVar("_task_deps", task_deps)


def preceedtask(task, with_recrdeptasks, d):
    """The tasks task runs after: its [deps] and, if asked, the words of its [recrdeptask]
    (which may include task itself). Empty for a name that is not in __BBTASKS."""
    preceding = set()
    if task not in d.getVar("__BBTASKS", False):
        return preceding
    preceding.update(d.getVarFlag(task, "deps") or [])
    if with_recrdeptasks:
        recrdeptask = d.getVarFlag(task, "recrdeptask")
        if recrdeptask:
            preceding.update(recrdeptask.split())
    return preceding


def tasksbetween(task_start, task_end, d):
    """Tasks on dependency chains leading from task_start to task_end (both included), in the
    order the depth-first walk meets them. A cycle is fatal."""
    found = []
    keys_with_flag = getattr(d, "keys_with_flag", None)
    if keys_with_flag is not None:
        tasks = keys_with_flag("task")
    else:
        tasks = [key for key in d.keys() if d.getVarFlag(key, "task")]
    # Nothing changes the datastore during the walk: read each task's deps once.
    deps = {task: d.getVarFlag(task, "deps", False) for task in tasks}

    def follow(task, chain):
        if task in chain:
            bb.fatal("Circular task dependencies as %s depends on itself via the chain %s"
                     % (task, " -> ".join(chain)))
        chain.append(task)
        for other in tasks:
            if other == task:
                continue
            if task == task_end:
                for member in chain:
                    if member not in found:
                        found.append(member)
            elif task in deps[other]:
                follow(other, chain)
        chain.pop()

    follow(task_start, [])
    return found


def listtasks(d):
    """The recipe's tasks (__BBTASKS) as a tuple."""
    return tuple(d.getVar("__BBTASKS", False) or ())


# Stamp-file mtimes, in whole seconds; 0 for files that cannot be stat'ed (not cached).
_mtime_cache = {}


def cached_mtime_noerror(f):
    if f not in _mtime_cache:
        try:
            _mtime_cache[f] = os.stat(f)[stat.ST_MTIME]
        except OSError:
            return 0
    return _mtime_cache[f]


def reset_cache():
    _mtime_cache.clear()


# ---- running functions (kiln's executor does the work) ---------------------------------------

class FuncFailed(Exception):
    """A function a task ran failed (kept for metadata that catches it)."""


def exec_func(func, d, dirs=None):
    """Run the metadata function `func`: Python ones here, with `d`; shell ones through kiln's
    executor, which writes the run script and its output to the task's log, as the task does.
    [dirs] are created first and the last one is the working directory (or `dirs`)."""
    import kiln_runtime

    flags = d.getVarFlags(func) or {}
    if dirs is None:
        dirs = (d.expand(flags.get("dirs") or "")).split()
    here = os.getcwd()
    for cleandir in (d.expand(flags.get("cleandirs") or "")).split():
        # The embedded interpreter's file system refuses to remove the working directory.
        if here == cleandir or here.startswith(cleandir.rstrip("/") + "/"):
            os.chdir("/")
        bb.utils.remove(cleandir, True)
        bb.utils.mkdirhier(cleandir)
    for adir in dirs:
        bb.utils.mkdirhier(adir)
    if flags.get("python"):
        if dirs:
            os.chdir(dirs[-1])
        try:
            kiln_runtime.run_function(func, d._h)
        finally:
            os.chdir(here if os.path.isdir(here) else "/")
    else:
        kiln_runtime.host_call("exec.shell", d, func=func, cwd=dirs[-1] if dirs else None)
