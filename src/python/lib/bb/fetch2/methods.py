"""The fetch methods, one per kind of source, as far as parsing needs them: which URLs each
handles, what it derives from a URL (local file name, revision), and where the download would
be. Downloading, unpacking and checksumming are kiln's TypeScript fetch stage."""

import collections
import os
import urllib.parse

import bb
from bb import fetch2


class FetchMethod(object):
    """Base class: a method supports some URL schemes."""

    schemes = ()

    def __init__(self, urls=None):
        self.urls = []

    def supports(self, ud, d):
        return ud.type in self.schemes

    def localpath(self, ud, d):
        return os.path.join(d.getVar("DL_DIR"), ud.localfile)

    def supports_checksum(self, ud):
        if ud.localpath is None or os.path.isdir(ud.localpath):
            return False
        return True

    def recommends_checksum(self, ud):
        return False

    def cleanup_upon_failure(self):
        return True

    def verify_donestamp(self, ud, d):
        return os.path.exists(ud.donestamp) if ud.donestamp else True

    def update_donestamp(self, ud, d):
        if ud.donestamp:
            open(ud.donestamp, "w").close()

    def need_update(self, ud, d):
        return not os.path.exists(ud.localpath)

    def try_mirrors(self, fetch, ud, d, mirrors):
        return False

    def supports_srcrev(self):
        return False

    def _revision_key(self, ud, d, name):
        return "%s-%s" % (self.__class__.__name__.lower(), ud.url)

    def generate_revision_key(self, ud, d, name):
        return self._revision_key(ud, d, name)

    def latest_revision(self, ud, d, name):
        if not hasattr(self, "_latest_revision"):
            raise fetch2.ParameterError("The fetcher for this URL does not support _latest_revision", ud.url)
        return self._latest_revision(ud, d, name)

    def sortable_revision(self, ud, d, name):
        return True, str(self._build_revision(ud, d, name))

    def _build_revision(self, ud, d, name):
        return ud.revision

    def implicit_urldata(self, ud, d):
        return []


class Local(FetchMethod):
    """file:// URLs: files found along FILESPATH (or absolute paths)."""

    schemes = ("file",)

    def urldata_init(self, ud, d):
        # Local files need no download: localfile stays empty.
        ud.basename = os.path.basename(ud.path)
        ud.basepath = ud.path
        ud.needdonestamp = False
        if "*" in ud.path:
            raise fetch2.ParameterError("file:// urls using globbing are no longer supported. Please place the "
                                        "files in a directory and reference that instead.", ud.url)

    def localpath(self, ud, d):
        return self.localfile_searchpaths(ud, d)[-1]

    def localfile_searchpaths(self, ud, d):
        """Every candidate path tried, the found one (or the last tried) last."""
        path = ud.path
        if path[0] == "/":
            return [path]
        searched = []
        filespath = d.getVar("FILESPATH")
        if filespath:
            _, tried = bb.utils.which(filespath, path, history=True)
            searched.extend(tried)
        return searched

    def need_update(self, ud, d):
        return False


class Wget(FetchMethod):
    """http(s)/ftp(s) downloads."""

    schemes = ("http", "https", "ftp", "ftps")

    def recommends_checksum(self, ud):
        return True

    def urldata_init(self, ud, d):
        if "protocol" in ud.parm and ud.parm["protocol"] == "git":
            raise fetch2.ParameterError("Invalid protocol - if you wish to fetch from a git repository using http, "
                                        "you need to instead use the git:// prefix with protocol=http", ud.url)
        if "downloadfilename" in ud.parm:
            ud.basename = ud.parm["downloadfilename"]
        else:
            ud.basename = os.path.basename(ud.path)
        ud.localfile = d.expand(urllib.parse.unquote(ud.basename))
        if not ud.localfile:
            ud.localfile = d.expand(urllib.parse.unquote(ud.host + ud.path).replace("/", "."))


class Git(FetchMethod):
    """git:// URLs (any protocol), pinned to SRCREV."""

    schemes = ("git",)

    def supports_checksum(self, ud):
        return False

    def supports_srcrev(self):
        return True

    def urldata_init(self, ud, d):
        if "protocol" in ud.parm:
            ud.proto = ud.parm["protocol"]
        elif not ud.host:
            ud.proto = "file"
        else:
            ud.proto = "git"
        if ud.host == "github.com" and ud.proto == "git":
            ud.proto = "https"
            bb.warn("URL: %s uses git protocol which is no longer supported by github. Please change to "
                    ";protocol=https in the url." % ud.url)
        if ud.proto not in ("git", "file", "ssh", "http", "https", "rsync"):
            raise fetch2.ParameterError("Invalid protocol type: '%s'" % ud.proto, ud.url)
        ud.nocheckout = ud.parm.get("nocheckout", "0") == "1"
        ud.rebaseable = ud.parm.get("rebaseable", "0") == "1"
        ud.nobranch = ud.parm.get("nobranch", "0") == "1"
        ud.usehead = ud.parm.get("usehead", "0") == "1"
        if ud.usehead:
            if ud.proto != "file":
                raise fetch2.ParameterError("The usehead option is only for use with local ('protocol=file') git "
                                            "repositories", ud.url)
            ud.nobranch = 1
        ud.bareclone = ud.parm.get("bareclone", "0") == "1"
        if ud.bareclone:
            ud.nocheckout = 1
        ud.branch = ud.parm.get("branch", "")
        if not ud.branch and not ud.nobranch:
            raise fetch2.ParameterError("The url does not set any branch parameter or set nobranch=1.", ud.url)
        ud.unresolvedrev = ud.branch
        ud.noshared = d.getVar("BB_GIT_NOSHARED") == "1"
        ud.shallow = d.getVar("BB_GIT_SHALLOW") == "1"
        ud.shallow_extra_refs = (d.getVar("BB_GIT_SHALLOW_EXTRA_REFS") or "").split()
        if "tag" in ud.parm:
            ud.shallow_extra_refs.append("refs/tags/" + ud.parm["tag"])
        depth_default = self._depth(d.getVar("BB_GIT_SHALLOW_DEPTH"), "BB_GIT_SHALLOW_DEPTH", 1)
        ud.shallow_depths = collections.defaultdict(lambda: depth_default)
        own_depth = d.getVar("BB_GIT_SHALLOW_DEPTH_%s" % ud.name)
        if own_depth is not None:
            ud.shallow_depths[ud.name] = self._depth(own_depth, "BB_GIT_SHALLOW_DEPTH_%s" % ud.name, 0)
        revs = d.getVar("BB_GIT_SHALLOW_REVS_%s" % ud.name)
        revs_default = d.getVar("BB_GIT_SHALLOW_REVS")
        ud.shallow_revs = (revs if revs is not None else revs_default or "").split()
        if ud.shallow and not ud.shallow_revs and ud.shallow_depths[ud.name] == 0:
            ud.shallow = False
        if ud.usehead:
            ud.unresolvedrev = "HEAD"
        ud.basecmd = d.getVar("FETCHCMD_git") or ("git -c gc.autoDetach=false -c core.pager=cat -c "
                                                   "safe.bareRepository=all -c clone.defaultRemoteName=origin")
        ud.setup_revisions(d)
        if not fetch2.sha1_re.match(ud.revision or ""):
            if ud.revision:
                ud.unresolvedrev = ud.revision
            ud.revision = self.latest_revision(ud, d, ud.name)
        name = "%s%s" % (ud.host.replace(":", "."), ud.path.replace("/", ".").replace("*", ".")
                         .replace(" ", "_").replace("(", "_").replace(")", "_"))
        if name.startswith("."):
            name = name[1:]
        if ud.rebaseable:
            name = name + "_" + ud.revision
        dl_dir = d.getVar("DL_DIR")
        ud.clonedir = os.path.join(d.getVar("GITDIR") or (dl_dir + "/git2"), name)
        ud.localfile = ud.clonedir
        ud.fullmirror = os.path.join(dl_dir, "git2_%s.tar.gz" % name)
        ud.mirrortarballs = ["git2_%s.tar.gz" % name]

    @staticmethod
    def _depth(value, name, default):
        if value is None:
            return default
        try:
            depth = int(value or 0)
        except ValueError:
            raise fetch2.FetchError("Invalid depth for %s: %s" % (name, value))
        if depth < 0:
            raise fetch2.FetchError("Invalid depth for %s: %s" % (name, value))
        return depth

    def localpath(self, ud, d):
        return ud.clonedir

    def _revision_key(self, ud, d, name):
        return "git:" + ud.host + ud.path.replace("/.git", "") + ud.unresolvedrev

    def _latest_revision(self, ud, d, name):
        """The commit a branch or tag points to: asks the remote (not allowed with BB_NO_NETWORK)."""
        repo = "%s://%s%s" % (ud.proto, ud.host, ud.path)
        cmd = "%s ls-remote %s %s" % (ud.basecmd, repo, ud.unresolvedrev)
        fetch2.check_network_access(d, cmd, repo)
        output = fetch2.runfetchcmd(cmd, d, True)
        for line in output.splitlines():
            sha, _, ref = line.partition("\t")
            if ref.endswith((ud.unresolvedrev, "refs/tags/%s^{}" % ud.unresolvedrev)):
                return sha
        raise fetch2.FetchError("Unable to resolve '%s' in upstream git repository in git ls-remote output for %s"
                                % (ud.unresolvedrev, ud.host + ud.path))


class GitSM(Git):
    """gitsm:// — a git repository with its submodules."""

    schemes = ("gitsm",)


class SchemeMethod(FetchMethod):
    """Sources kiln knows by scheme only so far (their parse-time data is the URL itself)."""

    def __init__(self, *schemes, srcrev=False, checksum=False):
        super().__init__()
        self.schemes = schemes
        self._srcrev = srcrev
        self._checksum = checksum

    def supports_srcrev(self):
        return self._srcrev

    def recommends_checksum(self, ud):
        return self._checksum

    def urldata_init(self, ud, d):
        ud.basename = os.path.basename(ud.path) or ud.host
        ud.localfile = d.expand(urllib.parse.unquote(ud.parm.get("downloadfilename", ud.basename)))
        if self._srcrev:
            ud.setup_revisions(d)


# Searched in this order, as BitBake's own list is.
methods = [
    Local(),
    Wget(),
    SchemeMethod("svn", srcrev=True),
    Git(),
    GitSM(),
    SchemeMethod("gitannex", srcrev=True),
    SchemeMethod("cvs"),
    SchemeMethod("ssh"),
    SchemeMethod("sftp", checksum=True),
    SchemeMethod("s3", checksum=True),
    SchemeMethod("p4", srcrev=True),
    SchemeMethod("bzr", srcrev=True),
    SchemeMethod("hg", srcrev=True),
    SchemeMethod("osc"),
    SchemeMethod("repo"),
    SchemeMethod("ccrc"),
    SchemeMethod("npm", checksum=True),
    SchemeMethod("npmsw"),
    SchemeMethod("az", checksum=True),
    SchemeMethod("crate", checksum=True),
    SchemeMethod("gs", checksum=True),
    SchemeMethod("gomod", checksum=True),
    SchemeMethod("gomodgit", srcrev=True),
]
