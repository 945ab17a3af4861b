"""bb.data_smart: the names metadata uses from BitBake's datastore module.

The datastore itself is kiln's (TypeScript, src/data); its `d` objects are kiln_runtime's
DataSmart class, which is what bb.data_smart.DataSmart names (for isinstance() checks; a new,
empty datastore is bb.data.init()). ExpansionError is what a failing ${...} or ${@...}
expansion raises, as metadata catches it (OpenEmbedded's lib/oe/data.py does).
"""


class ExpansionError(Exception):
    """Expanding `varname` (None for a bare expression) failed on `expression` with
    `exception`; varlist is the chain of variables being expanded, innermost first."""

    def __init__(self, varname, expression, exception):
        self.expression = expression
        self.variablename = varname
        self.exception = exception
        self.varlist = [varname or expression or ""]
        kind = type(exception).__name__
        if varname and expression:
            self.msg = "Failure expanding variable %s, expression was %s which triggered exception %s: %s" % (
                varname, expression, kind, exception)
        elif varname:
            self.msg = "Failure expanding variable %s: %s: %s" % (varname, kind, exception)
        else:
            self.msg = "Failure expanding expression %s which triggered exception %s: %s" % (
                expression, kind, exception)
        Exception.__init__(self, self.msg)
        self.args = (varname, expression, exception)

    def addVar(self, varname):
        if varname:
            self.varlist.append(varname)

    def __str__(self):
        chain = "\nThe variable dependency chain for the failure is: " + " -> ".join(self.varlist)
        return self.msg + chain


def __getattr__(name):
    # kiln_runtime imports bb, so its DataSmart is looked up on first use, not at import.
    if name == "DataSmart":
        from kiln_runtime import DataSmart

        return DataSmart
    raise AttributeError("module 'bb.data_smart' has no attribute '%s'" % name)
