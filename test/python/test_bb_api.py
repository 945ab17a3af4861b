"""The public surface of kiln's bb against BitBake's: every public function and class of bb,
bb.utils, bb.data, bb.parse and bb.build is either provided, with the same signature, or named
here with the reason it is left out."""

import importlib
import inspect
import os
import unittest
import warnings

from ._support import DifferentialCase, bb

RUNTIME = "provided by kiln's runtime (kiln_runtime), not the bb package"
SERVER = "BitBake server, process or logging machinery; nothing for metadata to call"
EXECUTOR = "task execution belongs to kiln's executor"
PARSER = "file parsing belongs to kiln's TypeScript parser"
CODEPARSER = "needs BitBake's code parser (bb.codeparser)"

NOT_PROVIDED = {
    "bb": {
        "BBLogger": SERVER, "BBLoggerAdapter": SERVER, "BBLoggerMixin": SERVER, "NullHandler": SERVER,
        "PrefixLoggerAdapter": SERVER,
        "TaskData": "runqueue record, not used by metadata",
    },
    "bb.utils": {
        "better_compile": RUNTIME, "better_exec": RUNTIME, "better_eval": RUNTIME, "simple_exec": RUNTIME,
        "get_referenced_vars": "needs an empty datastore and the code parser to find references "
                               "inside inline Python",
        "edit_metadata": "layer tooling (devtool/bitbake-layers), not metadata",
        "edit_metadata_file": "layer tooling (devtool/bitbake-layers), not metadata",
        "edit_bblayers_conf": "layer tooling (devtool/bitbake-layers), not metadata",
        "export_proxies": "needs bb.fetch2.get_fetcher_environment",
        "check_system_locale": SERVER, "profile_function": SERVER, "process_profilelog": SERVER,
        "signal_on_parent_exit": SERVER, "ioprio_set": SERVER, "set_process_name": SERVER,
        "enable_loopback_networking": SERVER, "disable_network": SERVER, "load_plugins": SERVER,
        "LogCatcher": SERVER, "lock_timeout": SERVER, "lock_timeout_nocheck": SERVER,
        "PrCtlError": SERVER, "is_path_on_nfs": "needs bb.process and the stat tool",
    },
    "bb.data": {
        "init": RUNTIME, "init_db": RUNTIME, "expandKeys": RUNTIME,
        "emit_func": CODEPARSER, "emit_func_python": CODEPARSER, "build_dependencies": CODEPARSER,
        "generate_dependencies": CODEPARSER, "generate_dependency_hash": CODEPARSER,
    },
    "bb.parse": {"handle": PARSER, "init": PARSER, "init_parser": PARSER, "supports": PARSER},
    "bb.build": {
        name: EXECUTOR for name in (
            "LogTee", "StdoutNoopContextManager", "TaskBase", "TaskFailed", "TaskFailedSilent",
            "TaskInvalid", "TaskProgress", "TaskStarted", "TaskSucceeded", "clean_stamp",
            "clean_stamp_mcfn", "create_progress_handler", "exec_func", "exec_func_python",
            "exec_func_shell", "exec_task", "find_stale_stamps", "make_stamp", "make_stamp_mcfn",
            "shell_trap_code", "write_taint")
    },
}

# BitBake's default for d is a fresh empty datastore; kiln has none to give, so d=None.
DEFAULT_DIFFERS = {("bb.data", "emit_var"), ("bb.data", "emit_env")}


class ApiOracle(DifferentialCase):

    def test_surface(self):
        from ._support import oracle
        api = oracle().ask({"describe": True})
        for modname, names in api.items():
            mod = importlib.import_module(modname)
            skipped = NOT_PROVIDED.get(modname, {})
            for name, signature in names.items():
                with self.subTest(name="%s.%s" % (modname, name)):
                    if name in skipped:
                        self.assertFalse(hasattr(mod, name), "listed as not provided but present")
                        continue
                    self.assertTrue(hasattr(mod, name), "missing and not listed as skipped")
                    if signature in ("class", "?") or (modname, name) in DEFAULT_DIFFERS:
                        continue
                    self.assertEqual(str(inspect.signature(getattr(mod, name))), signature)
            for name in skipped:
                self.assertIn(name, names, "%s.%s no longer exists in BitBake" % (modname, name))


class ImportFacts(unittest.TestCase):

    def test_submodules_are_attributes(self):
        for name in ("utils", "parse", "data", "build"):
            self.assertTrue(hasattr(bb, name))
        self.assertEqual(bb.__version__, "2.19.0")

    def test_no_module_needs_fcntl_or_threads_at_import(self):
        # Pyodide lacks working fcntl/threads: nothing may import them at module level.
        # (subprocess is fine: kiln's runtime routes it through a synchronous spawn.)
        libdir = os.path.dirname(bb.__file__)
        for name in os.listdir(libdir):
            if not name.endswith(".py"):
                continue
            with open(os.path.join(libdir, name)) as f:
                top_level = [line for line in f if line.startswith(("import ", "from "))]
            for line in top_level:
                for banned in ("fcntl", "threading", "multiprocessing", "ctypes"):
                    self.assertNotIn(banned, line.split("#")[0], "%s: %s" % (name, line))

    def test_deprecated(self):
        def old(x):
            return x * 2
        wrapped = bb.deprecated(old, advice="use new")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.assertEqual(wrapped(2), 4)
        self.assertEqual(str(caught[0].message), "Call to deprecated function old: use new.")
        self.assertIs(caught[0].category, DeprecationWarning)
        self.assertEqual(wrapped.__name__, "old")


if __name__ == "__main__":
    unittest.main()
