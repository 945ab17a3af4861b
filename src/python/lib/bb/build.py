"""bb.build: declaring tasks from metadata Python (addtask/deltask).

Semantics (shared with kiln's parser): a task name gets a "do_" prefix when it lacks one; its
[task] flag becomes 1 and it joins __BBTASKS once; "after" names are appended to its [deps];
for each "before" name the task is put first in that task's [deps]. deltask removes the task
from __BBTASKS (dropping its [task] flag), drops its [deps], and removes it from every other
task's [deps].
"""


def _prefixed(name):
    return name if name[:3] == "do_" else "do_" + name


def addtask(task, before, after, d):
    task = _prefixed(task)
    d.setVarFlag(task, "task", 1)
    tasks = d.getVar("__BBTASKS", False) or []
    if task not in tasks:
        tasks.append(task)
    d.setVar("__BBTASKS", tasks)
    deps = d.getVarFlag(task, "deps", False) or []
    for entry in (after or "").split() if after is not None else []:
        entry = _prefixed(entry)
        if entry not in deps:
            deps.append(entry)
    d.setVarFlag(task, "deps", deps)
    for entry in (before.split() if before is not None else []):
        later = _prefixed(entry)
        existing = d.getVarFlag(later, "deps", False) or []
        if task not in existing:
            d.setVarFlag(later, "deps", [task] + existing)


def deltask(task, d):
    task = _prefixed(task)
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
