"""bb.codeparser: what a piece of metadata code reads and runs, as task signatures see it.

PythonParser is kiln_codeparser (Python's ast, in this interpreter); ShellParser asks kiln's
shell parser (tree-sitter-bash, src/tasks/shell.ts) through the runtime. Both answer as kiln's
own signatures do, so scripts that call them (recipetool, bbvars.py) see kiln's view.
"""

import kiln_codeparser

from bb import _host

# BitBake records here the dependencies of functions in Python modules (@bb.parse.vardeps);
# kiln's signatures do not follow module code, so it stays empty.
modulecode_deps = {}


class PythonParser:
    """parse_python(code) fills references (variables read by literal name), execs (dotted
    names called) and contains ({variable: items looked for by bb.utils.contains & co})."""

    def __init__(self, name, log):
        self.name = name
        self.log = log
        self.references = set()
        self.execs = set()
        self.contains = {}

    def parse_python(self, node, lineno=0, filename="<string>"):
        if not node or not node.strip():
            return
        refs, execs, contains = kiln_codeparser.analyse(node, kiln_codeparser.literal_expansion_refs)
        self.references.update(refs)
        self.execs.update(execs)
        for var, items in contains.items():
            self.contains.setdefault(var, set()).update(items)


class ShellParser:
    """parse_shell(text) returns (and keeps in execs) the commands the shell text runs, less
    the functions it defines itself."""

    def __init__(self, name, log):
        self.name = name
        self.log = log
        self.execs = set()

    def parse_shell(self, value):
        self.execs = set(_host.tool("codeparser.shell", text=value))
        return self.execs
