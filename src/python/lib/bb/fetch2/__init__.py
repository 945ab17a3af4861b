"""bb.fetch2: what metadata Python sees of the fetcher while recipes are parsed.

Source URLs as objects (URI, decodeurl/encodeurl), the per-URL data BitBake derives from
SRC_URI (FetchData, Fetch) with the fetch method chosen by scheme, local file lookup along
FILESPATH, SRCREV handling (get_srcrev, AUTOREV) and the fetcher's exceptions. Downloading
itself is kiln's TypeScript fetch stage; methods here answer the parse-time questions only.
"""

import collections
import os
import re
import urllib.parse

import bb

__version__ = "2"

CHECKSUM_LIST = ["goh1", "md5", "sha256", "sha1", "sha384", "sha512"]
SHOWN_CHECKSUM_LIST = ["sha256"]
# Schemes whose downloads must carry checksums from SRC_URI flags.
_CHECKSUMMED_SCHEMES = ["http", "https", "ftp", "ftps", "sftp", "s3", "az", "crate", "gs", "gomod", "npm"]
sha1_re = re.compile(r"^[0-9a-f]{40}$")


# ---- exceptions ----------------------------------------------------------------------------

class BBFetchException(Exception):
    """Base of every fetcher error."""

    def __init__(self, message):
        self.msg = message
        Exception.__init__(self, message)

    def __str__(self):
        return self.msg


class UntrustedUrl(BBFetchException):
    def __init__(self, url, message=""):
        msg = message or "The URL: '%s' is not trusted and cannot be used" % url
        self.url = url
        BBFetchException.__init__(self, msg)
        self.args = (url,)


class MalformedUrl(BBFetchException):
    def __init__(self, url, message=""):
        msg = message or "The URL: '%s' is invalid and cannot be interpreted" % url
        self.url = url
        BBFetchException.__init__(self, msg)
        self.args = (url,)


class FetchError(BBFetchException):
    def __init__(self, message, url=None):
        msg = "Fetcher failure for URL: '%s'. %s" % (url, message) if url else "Fetcher failure: %s" % message
        self.url = url
        BBFetchException.__init__(self, msg)
        self.args = (message, url)


class ChecksumError(FetchError):
    def __init__(self, message, url=None, checksum=None):
        self.checksum = checksum
        FetchError.__init__(self, message, url)


class NoChecksumError(FetchError):
    """A download has no checksum to verify it against."""


class UnpackError(BBFetchException):
    def __init__(self, message, url):
        self.url = url
        BBFetchException.__init__(self, "Unpack failure for URL: '%s'. %s" % (url, message))
        self.args = (message, url)


class NoMethodError(BBFetchException):
    def __init__(self, url):
        self.url = url
        BBFetchException.__init__(self, "Could not find a fetcher which supports the URL: '%s'" % url)
        self.args = (url,)


class MissingParameterError(BBFetchException):
    def __init__(self, missing, url):
        self.url = url
        self.missing = missing
        BBFetchException.__init__(self, "URL: '%s' is missing the required parameter '%s'" % (url, missing))
        self.args = (missing, url)


class ParameterError(BBFetchException):
    def __init__(self, message, url):
        self.url = url
        BBFetchException.__init__(self, "URL: '%s' has invalid parameters. %s" % (url, message))
        self.args = (message, url)


class NetworkAccess(BBFetchException):
    def __init__(self, url, cmd):
        self.url = url
        self.cmd = cmd
        BBFetchException.__init__(self, "Network access disabled through BB_NO_NETWORK (or set indirectly due to "
                                        "use of BB_FETCH_PREMIRRORONLY) but access requested with command %s "
                                        "(for url %s)" % (cmd, url))
        self.args = (url, cmd)


class NonLocalMethod(Exception):
    def __init__(self):
        Exception.__init__(self)


class MissingChecksumEvent(bb.event.Event):
    def __init__(self, url, **checksums):
        self.url = url
        self.checksums = checksums
        bb.event.Event.__init__(self)


# ---- URLs ----------------------------------------------------------------------------------

class URI(object):
    """A URL as BitBake reads SRC_URI entries: scheme, user info, host, port, path, query and
    ";name=value" parameters. "file://relative/path" and "git:relative" are relative URIs;
    file:// never has a host. str() gives the URL back."""

    _relative_schemes = ["file", "git"]
    _netloc_forbidden = ["file"]

    def __init__(self, uri=None):
        self.scheme = ""
        self.userinfo = ""
        self.hostname = ""
        self.port = None
        self._path = ""
        self.params = {}
        self.query = {}
        self.relative = False
        if not uri:
            return
        uri, param_str = (uri.split(";", 1) + [None])[:2]
        parsed = urllib.parse.urlparse(uri)
        self.scheme = parsed.scheme
        reparse = False
        if self.scheme not in urllib.parse.uses_netloc:
            # Make urlparse treat the scheme like one with parameters (as BitBake does), once:
            # urlparse searches the list on every call.
            if self.scheme not in urllib.parse.uses_params:
                urllib.parse.uses_params.append(self.scheme)
            reparse = True
        if parsed.scheme in self._netloc_forbidden:
            # file://foo.diff is read as file:foo.diff
            uri = re.sub(r"(?<=:)//(?!/)", "", uri, count=1)
            reparse = True
        if reparse:
            parsed = urllib.parse.urlparse(uri)
        if parsed.scheme in self._relative_schemes and re.match(r"^\w+:(?!//)", uri):
            self.relative = True
        if not self.relative:
            self.hostname = parsed.hostname or ""
            self.port = parsed.port
            self.userinfo += parsed.username or ""
            if parsed.password:
                self.userinfo += ":%s" % parsed.password
        self.path = urllib.parse.unquote(parsed.path)
        if param_str:
            self.params = self._split(param_str, ";")
        if parsed.query:
            self.query = self._split(parsed.query, "&")

    def __str__(self):
        userinfo = self.userinfo + "@" if self.userinfo else ""
        return "%s:%s%s%s%s%s%s" % (self.scheme, "" if self.relative else "//", userinfo, self.hostport,
                                    self.path_quoted, self._query_str(), self._param_str())

    def _param_str(self):
        return ";" + self._join(self.params, ";") if self.params else ""

    def _query_str(self):
        return "?" + self._join(self.query, "&") if self.query else ""

    @staticmethod
    def _split(text, sep, kvsep="="):
        out = collections.OrderedDict()
        for item in text.split(sep):
            if not item:
                continue
            key, value = item.split(kvsep, 1) if kvsep in item else (item, None)
            out[key] = value
        return out

    @staticmethod
    def _join(items, sep, kvsep="="):
        return sep.join(kvsep.join([k, v]) if v else k for k, v in items.items())

    @property
    def hostport(self):
        return "%s:%d" % (self.hostname, self.port) if self.port else self.hostname

    @property
    def path_quoted(self):
        return urllib.parse.quote(self.path)

    @path_quoted.setter
    def path_quoted(self, path):
        self.path = urllib.parse.unquote(path)

    @property
    def path(self):
        return self._path

    @path.setter
    def path(self, path):
        self._path = path
        self.relative = bool(path) and not path.startswith("/")

    @property
    def username(self):
        return self.userinfo.split(":", 1)[0] if self.userinfo else ""

    @username.setter
    def username(self, username):
        password = self.password
        self.userinfo = username
        if password:
            self.userinfo += ":%s" % password

    @property
    def password(self):
        if self.userinfo and ":" in self.userinfo:
            return self.userinfo.split(":", 1)[1]
        return ""

    @password.setter
    def password(self, password):
        self.userinfo = "%s:%s" % (self.username, password)


def decodeurl(url):
    """URL into (scheme, host[:port], path, user, password, parameters)."""
    uri = URI(url)
    return uri.scheme, uri.hostport, uri.path or "/", uri.username, uri.password, uri.params


def encodeurl(decoded):
    """(scheme, host, path, user, password, parameters) into a URL."""
    scheme, host, path, user, password, params = decoded
    if not scheme:
        raise MissingParameterError("type", "encoded from the data %s" % str(decoded))
    uri = URI()
    uri.scheme = scheme
    if user and scheme != "file":
        uri.username = user
        if password:
            uri.password = password
    if host and scheme != "file":
        uri.hostname = host
    if path:
        while "//" in path:
            path = path.replace("//", "/")
        uri.path = path
        if scheme == "file":
            uri.relative = False
    if params:
        uri.params = params
    return str(uri)


def decodemirrorurl(url):
    """A mirror URL (as in PREMIRRORS/MIRRORS) into the same tuple as decodeurl."""
    m = re.match(r"(?P<type>[^:]*)://((?P<user>[^/;]+)@)?(?P<location>[^;]+)(;(?P<parm>.*))?", url)
    if not m or not m.group("location"):
        raise MalformedUrl(url)
    scheme, location, user, parm = m.group("type"), m.group("location"), m.group("user"), m.group("parm")
    slash = location.find("/")
    if slash != -1 and scheme.lower() != "file":
        host, path = location[:slash], location[slash:]
    elif scheme.lower() == "file":
        host, path = "", location
        if user:
            path, user = user + "@" + path, ""
    else:
        host, path = location, "/"
    password = ""
    if user:
        um = re.match(r"(?P<user>[^:]+)(:?(?P<pswd>.*))", user)
        if um:
            user, password = um.group("user"), um.group("pswd")
    else:
        user = ""
    params = collections.OrderedDict()
    for item in (parm or "").split(";"):
        if not item:
            continue
        if "=" not in item:
            raise MalformedUrl(url, "The URL: '%s' is invalid: parameter %s does not specify a value (missing '=')"
                               % (url, item))
        key, value = item.split("=", 1)
        params[key] = value
    return scheme, host, urllib.parse.unquote(path), user, password, params


def mirror_from_string(data):
    """"find replace find replace ..." (newlines allowed as \\n) into [[find, replace], ...]."""
    parts = (data or "").replace("\\n", " ").split()
    if len(parts) % 2 != 0:
        bb.warn("Invalid mirror data %s, should have paired members." % data)
    return list(zip(*[iter(parts)] * 2))


# ---- source revisions ----------------------------------------------------------------------

def mark_recipe_nocache(d):
    if d.getVar("BB_SRCREV_POLICY") != "cache":
        d.setVar("BB_DONT_CACHE", "1")


def get_autorev(d):
    """What SRCREV = "${AUTOREV}" expands to; remembers that the recipe asked for it."""
    mark_recipe_nocache(d)
    d.setVar("__BBAUTOREV_SEEN", True)
    return "AUTOINC"


def srcrev_internal_helper(ud, d, name):
    """The revision for a URL: SRCREV_<name>:pn-<pn>, SRCREV_<name>, SRCREV:pn-<pn>, SRCREV, or
    the URL's rev=/tag= parameter; "AUTOINC" asks the method for the latest revision."""
    pn = d.getVar("PN")
    attempts = []
    if name != "" and pn:
        attempts.append("SRCREV_%s:pn-%s" % (name, pn))
    if name != "":
        attempts.append("SRCREV_%s" % name)
    if pn:
        attempts.append("SRCREV:pn-%s" % pn)
    attempts.append("SRCREV")
    srcrev = None
    for a in attempts:
        srcrev = d.getVar(a)
        if srcrev and srcrev != "INVALID":
            break
    if "rev" in ud.parm:
        parmrev = ud.parm["rev"]
        if srcrev == "INVALID" or not srcrev:
            return parmrev
        if srcrev != parmrev:
            raise FetchError("Conflicting revisions (%s from SRCREV and %s from the url) found, please specify one "
                             "valid value" % (srcrev, parmrev))
        return parmrev
    if "tag" in ud.parm and (srcrev == "INVALID" or not srcrev):
        return ud.parm["tag"]
    if srcrev == "INVALID" or not srcrev:
        raise FetchError("Please set a valid SRCREV for url %s (possible key names are %s, or use a ;rev=X URL "
                         "parameter)" % (str(attempts), ud.url), ud.url)
    if srcrev == "AUTOINC":
        d.setVar("__BBAUTOREV_ACTED_UPON", True)
        srcrev = ud.method.latest_revision(ud, d, name)
    return srcrev


def _get_srcrev(d, method_name="sortable_revision"):
    d.setVar("__BBSRCREV_SEEN", "1")
    if d.getVar("__BBINSRCREV"):
        raise FetchError("There are recursive references in fetcher variables, likely through SRC_URI")
    d.setVar("__BBINSRCREV", True)
    fetcher = Fetch(d.getVar("SRC_URI").split(), d)
    urldata = fetcher.ud
    scms = [u for u in urldata if urldata[u].method.supports_srcrev()]
    revs = []
    if not scms:
        d.delVar("__BBINSRCREV")
        return "", revs
    if len(scms) == 1:
        ud = urldata[scms[0]]
        autoinc, rev = getattr(ud.method, method_name)(ud, d, ud.name)
        revs.append(rev)
        d.delVar("__BBINSRCREV")
        rev = rev[:10]
        return ("AUTOINC+" + rev if autoinc else rev), revs
    fmt = d.getVar("SRCREV_FORMAT")
    if not fmt:
        raise FetchError("The SRCREV_FORMAT variable must be set when multiple SCMs are used.\nThe SCMs are:\n%s"
                         % "\n".join(scms))
    name_to_rev = {}
    seen_autoinc = False
    for scm in scms:
        ud = urldata[scm]
        autoinc, rev = getattr(ud.method, method_name)(ud, d, ud.name)
        revs.append(rev)
        seen_autoinc = seen_autoinc or autoinc
        name_to_rev[ud.name] = rev[:10]
    # Longest names first, so that one name being a prefix of another does no harm.
    for name in sorted(name_to_rev.keys(), key=len, reverse=True):
        fmt = fmt.replace(name, name_to_rev[name])
    if seen_autoinc:
        fmt = "AUTOINC+" + fmt
    d.delVar("__BBINSRCREV")
    return fmt, revs


def get_hashvalue(d, method_name="sortable_revision"):
    pkgv, revs = _get_srcrev(d, method_name=method_name)
    return " ".join(revs)


def get_pkgv_string(d, method_name="sortable_revision"):
    pkgv, revs = _get_srcrev(d, method_name=method_name)
    return pkgv


def get_srcrev(d, method_name="sortable_revision"):
    pkgv, revs = _get_srcrev(d, method_name=method_name)
    if not pkgv:
        raise FetchError("SRCREV was used yet no valid SCM was found in SRC_URI")
    return pkgv


# ---- environment and commands --------------------------------------------------------------

FETCH_EXPORT_VARS = [
    "HOME", "PATH", "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
    "FTPS_PROXY", "ftps_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "GIT_CONFIG_GLOBAL",
    "GIT_PROXY_COMMAND", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSL_CAINFO", "GIT_SMART_HTTP", "SSH_AUTH_SOCK",
    "SSH_AGENT_PID", "SOCKS5_USER", "SOCKS5_PASSWD", "DBUS_SESSION_BUS_ADDRESS", "P4CONFIG", "SSL_CERT_FILE",
    "NODE_EXTRA_CA_CERTS", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_DEFAULT_REGION",
    "AWS_SESSION_TOKEN", "GIT_CACHE_PATH", "REMOTE_CONTAINERS_IPC", "GITHUB_TOKEN", "SSL_CERT_DIR",
]


def get_fetcher_environment(d):
    """The variables a fetch command needs from the metadata or the original environment."""
    env = {}
    origenv = d.getVar("BB_ORIGENV")
    for name in FETCH_EXPORT_VARS:
        value = d.getVar(name)
        if not value and origenv:
            value = origenv.getVar(name)
        if value:
            env[name] = value
    return env


def check_network_access(d, info, url):
    """Refuse network access when BB_NO_NETWORK is set (or the URL is not allowed)."""
    if bb.utils.to_boolean(d.getVar("BB_NO_NETWORK")):
        raise NetworkAccess(url, info)


def runfetchcmd(cmd, d, quiet=False, cleanup=None, log=None, workdir=None, extraenv=None):
    """Run a fetch command with the fetcher environment; FetchError if it fails."""
    env = dict(os.environ)
    env.update(get_fetcher_environment(d))
    if extraenv:
        env.update(extraenv)
    try:
        output, _ = bb.process.run(cmd, log=log, shell=True, stderr=bb.process.subprocess.STDOUT,
                                   env=env, cwd=workdir)
        return output
    except bb.process.ExecutionError as e:
        raise FetchError("Fetch command %s failed with exit code %s, output:\n%s" % (e.command, e.exitcode,
                                                                                    e.stdout or ""))
    except bb.process.NotFoundError as e:
        raise FetchError("Fetch command %s failed: command not found" % e.command)


# ---- per-URL data --------------------------------------------------------------------------

class FetchData(object):
    """Everything derived from one SRC_URI entry."""

    def __init__(self, url, d, localonly=False):
        self.donestamp = None
        self.needdonestamp = True
        self.localfile = ""
        self.localpath = None
        self.lockfile = None
        self.mirrortarballs = []
        self.basename = None
        self.basepath = None
        (self.type, self.host, self.path, self.user, self.pswd, self.parm) = decodeurl(d.expand(url))
        self.date = self.getSRCDate(d)
        self.url = url
        if not self.user and "user" in self.parm:
            self.user = self.parm["user"]
        if not self.pswd and "pswd" in self.parm:
            self.pswd = self.parm["pswd"]
        self.setup = False
        self.name = self.parm.get("name", "default")
        self.names = self.name.split(",")
        self.method = next((m for m in methods if m.supports(self, d)), None)
        if not self.method:
            raise NoMethodError(url)
        if localonly and not isinstance(self.method, Local):
            raise NonLocalMethod()
        if self.parm.get("proto", None) and "protocol" not in self.parm:
            bb.warn('Consider updating %s recipe to use "protocol" not "proto" in SRC_URI.' % d.getVar("PN"))
            self.parm["protocol"] = self.parm.get("proto", None)
        if hasattr(self.method, "urldata_init"):
            self.method.urldata_init(self, d)
        for checksum_id in CHECKSUM_LIST:
            self._configure_checksum(checksum_id, d)
        self.ignore_checksums = False
        if "localpath" in self.parm:
            self.localpath = self.parm["localpath"]
            self.basename = os.path.basename(self.localpath)
        elif self.localfile:
            self.localpath = self.method.localpath(self, d)
        dldir = d.getVar("DL_DIR")
        if not self.needdonestamp:
            return
        if self.localpath and self.localpath.startswith(dldir):
            basepath = self.localpath
        elif self.localpath:
            basepath = dldir + os.sep + os.path.basename(self.localpath)
        elif self.basepath or self.basename:
            basepath = dldir + os.sep + (self.basepath or self.basename)
        else:
            bb.fatal("Can't determine lock path for url %s" % url)
        self.donestamp = basepath + ".done"
        self.lockfile = basepath + ".lock"

    def _configure_checksum(self, checksum_id, d):
        plain = "%ssum" % checksum_id
        named = "%s.%ssum" % (self.parm["name"], checksum_id) if "name" in self.parm else plain
        if named in self.parm:
            expected = self.parm[named]
        elif plain in self.parm:
            expected, named = self.parm[plain], plain
        elif self.type not in _CHECKSUMMED_SCHEMES:
            expected = None
        else:
            expected = d.getVarFlag("SRC_URI", named)
        setattr(self, "%s_name" % checksum_id, named)
        setattr(self, "%s_expected" % checksum_id, expected)

    def setup_revisions(self, d):
        self.revision = srcrev_internal_helper(self, d, self.name)

    def setup_localpath(self, d):
        if not self.localpath:
            self.localpath = self.method.localpath(self, d)

    def getSRCDate(self, d):
        if "srcdate" in self.parm:
            return self.parm["srcdate"]
        pn = d.getVar("PN")
        if pn:
            return d.getVar("SRCDATE_%s" % pn) or d.getVar("SRCDATE") or d.getVar("DATE")
        return d.getVar("SRCDATE") or d.getVar("DATE")


class Fetch(object):
    """The URLs of a recipe (SRC_URI by default) with their FetchData."""

    def __init__(self, urls, d, cache=True, localonly=False, connection_cache=None):
        if localonly and cache:
            raise Exception("bb.fetch2.Fetch.__init__: cannot set cache and localonly at same time")
        if not urls:
            urls = d.getVar("SRC_URI").split()
        self.urls = urls
        self.d = d
        self.ud = {}
        self.connection_cache = connection_cache
        for url in urls:
            if url not in self.ud:
                try:
                    self.ud[url] = FetchData(url, d, localonly)
                except NonLocalMethod:
                    if localonly:
                        self.ud[url] = None

    def localpath(self, url):
        if url not in self.urls:
            self.ud[url] = FetchData(url, self.d)
        self.ud[url].setup_localpath(self.d)
        return self.ud[url].localpath

    def localpaths(self):
        paths = []
        for url in self.urls:
            ud = self.ud[url]
            ud.setup_localpath(self.d)
            paths.append(ud.localpath)
        return paths

    def expanded_urldata(self, urls=None):
        return [self.ud[u] for u in (urls or self.urls)]

    def download(self, urls=None):
        """Download into DL_DIR (kiln's fetch stage does it: checksums, mirrors, done stamps)."""
        import kiln_runtime
        kiln_runtime.host_call("fetch.download", self.d, urls=list(urls or self.urls))

    def unpack(self, root, urls=None):
        """Unpack the downloaded URLs below `root`."""
        import kiln_runtime
        kiln_runtime.host_call("fetch.unpack", self.d, urls=list(urls or self.urls), root=root)


def localpath(url, d):
    return Fetch([url], d).localpath(url)


def get_checksum_file_list(d):
    """"path:exists" for every local file of SRC_URI (what task signatures checksum)."""
    fetch = Fetch([], d, cache=False, localonly=True)
    files = []
    for url in fetch.urls:
        ud = fetch.ud[url]
        if ud and isinstance(ud.method, Local):
            found = False
            for path in ud.method.localfile_searchpaths(ud, d):
                if os.path.exists(path):
                    found = True
                files.append(path + ":" + str(os.path.exists(path)))
            if not found:
                bb.fatal(("Unable to get checksum for %s SRC_URI entry %s: file could not be found"
                          "\nThe following paths were searched:\n%s")
                         % (d.getVar("PN"), os.path.basename(ud.path), "\n".join(files)))
    return " ".join(files)


from bb.fetch2.methods import FetchMethod, Local, methods  # noqa: E402,F401
