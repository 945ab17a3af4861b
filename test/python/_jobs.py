"""One test job, run against whichever `bb` package it is given.

The same code runs in-process against kiln's bb and in the oracle subprocess against BitBake's,
so a differential test compares like with like. Imports nothing from bb itself.

A job is a dict:
  vars:  {name: value}                 set in a fresh datastore first
  flags: [[var, flag, value], ...]     then these flags
  env:   {name: value or None}         environment changes while the job runs
  cwd:   directory to run in
  ops:   [{"call": "bb.utils.which", "args": [...], "kwargs": {...}}, ...]
         optional "list", "sorted", "str": true post-process the value
         an argument "$d" is the datastore, "$out" a StringIO whose text is reported
  dump:  [["var", name] | ["flag", name, flag] | ["flags", name], ...]  read at the end
The result holds, per op, its value or exception, its output and the messages logged.
"""

import io
import os


def jsonable(value):
    """A JSON form that keeps the distinctions tests care about (tuple vs list, bool vs int,
    dict type and order, exception vs value)."""
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, os.stat_result):  # before tuple: it is a tuple subclass
        return {"stat_result": True}
    if value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return {"float": value}
    if isinstance(value, dict):
        return {"dict": type(value).__name__, "items": [[jsonable(k), jsonable(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [jsonable(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"set": sorted((jsonable(v) for v in value), key=repr)}
    return {"object": type(value).__name__}


def _resolve(bbmod, dotted):
    obj = bbmod
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def _set_env(changes):
    saved = {}
    for name, value in changes.items():
        saved[name] = os.environ.get(name)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    return saved


def run_job(bbmod, make_d, capture_logs, job):
    """Run job with bbmod as `bb`; make_d() makes an empty datastore; capture_logs(list) is a
    context manager appending [level, message] for each message logged."""
    d = make_d()
    for name, value in job.get("vars", {}).items():
        d.setVar(name, value)
    for var, flag, value in job.get("flags", []):
        d.setVarFlag(var, flag, value)

    saved_env = _set_env(job.get("env", {}))
    old_cwd = os.getcwd()
    if job.get("cwd"):
        os.chdir(job["cwd"])
    results = []
    try:
        for op in job.get("ops", []):
            out = io.StringIO()
            args = [d if a == "$d" else out if a == "$out" else a for a in op.get("args", [])]
            kwargs = {k: (d if v == "$d" else out if v == "$out" else v)
                      for k, v in op.get("kwargs", {}).items()}
            logs = []
            entry = {}
            with capture_logs(logs):
                try:
                    value = _resolve(bbmod, op["call"])(*args, **kwargs)
                    if op.get("list"):  # materialise generators
                        value = list(value)
                    if op.get("sorted"):  # for results whose order follows d.keys()
                        value = sorted(value)
                    if op.get("str"):  # e.g. an exception object's message
                        value = str(value)
                    entry["value"] = jsonable(value)
                except BaseException as e:  # SystemExit too (lockfile)
                    entry["exc"] = [type(e).__name__, str(e)]
            entry["out"] = out.getvalue()
            entry["logs"] = logs
            results.append(entry)
    finally:
        os.chdir(old_cwd)
        _set_env(saved_env)

    dump = []
    for item in job.get("dump", []):
        try:
            if item[0] == "var":
                dump.append(jsonable(d.getVar(item[1], False)))
            elif item[0] == "flag":
                dump.append(jsonable(d.getVarFlag(item[1], item[2], False)))
            else:
                dump.append(jsonable(d.getVarFlags(item[1])))
        except Exception as e:
            dump.append({"exc": type(e).__name__})
    return {"ops": results, "dump": dump}
