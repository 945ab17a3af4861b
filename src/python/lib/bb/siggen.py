"""bb.siggen: the signature generator classes metadata extends.

OpenEmbedded's lib/oe/sstatesig.py subclasses these classes when it is imported at parse time
and registers its generators here. kiln computes task signatures in its own task graph (not
through these classes), so only what importing and subclassing needs is provided: the class
hierarchy, the generator names, and the module-level hooks metadata assigns.
"""

import json


class SetEncoder(json.JSONEncoder):
    def default(self, obj):
        if isinstance(obj, (set, frozenset)):
            return dict(_set_object=sorted(obj))
        return json.JSONEncoder.default(self, obj)


def SetDecoder(dct):
    if "_set_object" in dct:
        return frozenset(dct["_set_object"])
    return dct


def build_pnid(mc, pn, taskname):
    if mc:
        return "mc:" + mc + ":" + pn + ":" + taskname
    return pn + ":" + taskname


class SignatureGenerator(object):
    """The generator used when no signatures are wanted ("noop")."""

    name = "noop"

    def __init__(self, data):
        self.basehash = {}
        self.taskhash = {}
        self.unihash = {}
        self.runtaskdeps = {}
        self.file_checksum_values = {}
        self.taints = {}
        self.unitaskhashes = {}
        self.tidtopn = {}
        self.setscenetasks = set()

    def finalise(self, fn, d, variant):
        return

    def postparsing_clean_cache(self):
        return

    def setup_datacache(self, datacaches):
        self.datacaches = datacaches

    def set_setscene_tasks(self, setscene_tasks):
        self.setscenetasks = set(setscene_tasks)

    def get_taskdata(self):
        return (self.runtaskdeps, self.taskhash, self.unihash, self.file_checksum_values, self.taints,
                self.basehash, self.unitaskhashes, self.tidtopn, self.setscenetasks)

    def set_taskdata(self, data):
        (self.runtaskdeps, self.taskhash, self.unihash, self.file_checksum_values, self.taints,
         self.basehash, self.unitaskhashes, self.tidtopn, self.setscenetasks) = data

    def reset(self, data):
        self.__init__(data)

    def exit(self):
        return


class SignatureGeneratorBasic(SignatureGenerator):
    """Signatures from the variables and functions a task depends on ("basic")."""

    name = "basic"

    def __init__(self, data):
        SignatureGenerator.__init__(self, data)
        self.basehash_ignore_vars = set((data.getVar("BB_BASEHASH_IGNORE_VARS") or "").split())
        self.taskhash_ignore_tasks = None
        self.init_rundepcheck(data)

    def init_rundepcheck(self, data):
        self.taskhash_ignore_tasks = data.getVar("BB_TASKHASH_IGNORE_TASKS") or None

    def rundep_check(self, fn, recipename, task, dep, depname, dataCaches):
        return True


class SignatureGeneratorBasicHash(SignatureGeneratorBasic):
    """Basic signatures, with the hash in stamp file names ("basichash")."""

    name = "basichash"


class SignatureGeneratorUniHashMixIn(object):
    """Adds a hash equivalence server's unified hashes to a generator."""

    def __init__(self, data):
        self.extramethod = {}
        self.unihash_exists_cache = set()
        self.username = None
        self.password = None
        self.env = {}
        super().__init__(data)


class SignatureGeneratorTestEquivHash(SignatureGeneratorUniHashMixIn, SignatureGeneratorBasicHash):
    name = "TestEquivHash"


def find_siginfo(pn, taskname, taskhashlist, d):
    """Signature data files of a task; none are written by kiln yet."""
    return {}


find_siginfo.__annotations__ = {}


def find_siginfo_version():
    return 1
