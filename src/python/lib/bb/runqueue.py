"""bb.runqueue: task identifiers ("tids") as metadata handles them.

A tid is "[mc:<mc>:]<recipe file>:<task>"; the recipe file may itself be "virtual:<class>:<path>".
kiln's scheduler lives in TypeScript; these helpers are what metadata (OpenEmbedded's sstatesig)
uses to take tids apart.
"""


def fn_from_tid(tid):
    return tid.rsplit(":", 1)[0]


def taskname_from_tid(tid):
    return tid.rsplit(":", 1)[1]


def mc_from_tid(tid):
    if tid.startswith("mc:") and tid.count(":") >= 2:
        return tid.split(":")[1]
    return ""


def split_mc(name):
    """"mc:<mc>:<rest>" into (mc, rest); anything else is in the default multiconfig ""."""
    if name.startswith("mc:") and name.count(":") >= 2:
        _, mc, rest = name.split(":", 2)
        return (mc, rest)
    return ("", name)


def split_tid_mcfn(tid):
    """A tid into (mc, fn, taskname, mcfn) where mcfn keeps the "mc:<mc>:" prefix."""
    if tid.startswith("mc:") and tid.count(":") >= 2:
        parts = tid.split(":")
        mc = parts[1]
        fn = ":".join(parts[2:-1])
        return (mc, fn, parts[-1], "mc:" + mc + ":" + fn)
    fn, taskname = tid.rsplit(":", 1)
    return ("", fn, taskname, fn)


def split_tid(tid):
    mc, fn, taskname, _ = split_tid_mcfn(tid)
    return (mc, fn, taskname)


def build_tid(mc, fn, taskname):
    if mc:
        return "mc:" + mc + ":" + fn + ":" + taskname
    return fn + ":" + taskname
