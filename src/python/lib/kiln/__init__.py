"""kiln: services of the kiln build system that meta-kiln's classes call from Python.

These are kiln built-ins where OpenEmbedded-Core has large Python functions of its own.
"""

import kiln_runtime


def apply_patches(d, urls=None, source_dir=None):
    """Apply the patches among SRC_URI (or `urls`) in order, in ${S} (or `source_dir`):
    *.patch / *.diff or apply=yes; striplevel= and patchdir= honoured; patches found already
    applied are skipped, so a rerun after an interruption is safe."""
    urls = urls if urls is not None else (d.getVar("SRC_URI") or "").split()
    kiln_runtime.host_call("fetch.patch", d, urls=list(urls), sourceDir=source_dir or d.getVar("S"))


# ---- packaging -------------------------------------------------------------------------------

import json
import os
import subprocess

import bb


def _words(d, name):
    return (d.getVar(name) or "").split()


def _deps(d, name):
    """A dependency variable as a list of entries, version constraints kept: "foo (>= 1.0)"."""
    out = []
    for dep, versions in bb.utils.explode_dep_versions2(d.getVar(name) or "").items():
        out.extend(["%s (%s)" % (dep, v) for v in versions] or [dep])
    return out


def _write_json(path, value):
    bb.utils.mkdirhier(os.path.dirname(path))
    with open(path + ".tmp", "w") as f:
        json.dump(value, f, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)


def _read_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def _with_postinst_ontarget(d, pkg, postinst):
    """pkg_postinst_ontarget:PKG runs on the target only: appended to the postinst behind a test
    that, when the image is built ($D set), asks for the whole script to run at first boot
    instead (OpenEmbedded's delay_to_first_boot intercept, which kiln's root filesystem step
    provides) and stops there."""
    ontarget = d.getVar("pkg_postinst_ontarget:" + pkg)
    if not ontarget:
        return postinst
    defer = (
        '\nif [ -n "$D" ]; then\n'
        "    $INTERCEPT_DIR/postinst_intercept delay_to_first_boot %s mlprefix=%s\n"
        "    exit 0\n"
        "fi\n" % (pkg, d.getVar("MLPREFIX") or "")
    )
    return (postinst or "") + defer + ontarget


def package(d):
    """do_package: split ${D} into PACKAGES, add shared-library dependencies, and record what
    other recipes and do_package_write_* need in ${PKGDESTWORK}."""
    pn = d.getVar("PN")
    packages = _words(d, "PACKAGES")
    specs = [{"name": p, "files": _words(d, "FILES:" + p), "allowEmpty": d.getVar("ALLOW_EMPTY:" + p) == "1"}
             for p in packages]
    dbg = pn + "-dbg" if pn + "-dbg" in packages else None
    # The target's binutils (aarch64-linux-gnu-strip, ... when cross-compiling); the host's if unset.
    tools = {}
    for key, var in (("strip", "STRIP"), ("objcopy", "OBJCOPY"), ("readelf", "READELF")):
        words = _words(d, var)
        if words:
            tools[key] = words[0]
    result = kiln_runtime.host_call(
        "package.split", d, installDir=d.getVar("D"), pkgdDir=d.getVar("PKGD"), splitDir=d.getVar("PKGDEST"),
        packages=specs, strip=d.getVar("INHIBIT_PACKAGE_STRIP") != "1", debugPackage=dbg, tools=tools)
    for path in result.get("unshipped", []):
        bb.warn("%s: %s was installed but is not shipped in any package (FILES)" % (pn, path))

    # Shared libraries: which package provides each SONAME (this recipe's first, then the
    # recipes this one depends on, whose packagedata is in PKGDATA_DIR).
    providers = {}
    pkgdata = d.getVar("PKGDATA_DIR")
    if os.path.isdir(pkgdata):
        for other in sorted(os.listdir(pkgdata)):
            providers.update(_read_json(os.path.join(pkgdata, other, "shlibs.json"), {}))
    own = {}
    for pkg, sonames in result.get("shlibProvides", {}).items():
        for soname in sonames:
            own[soname] = pkg
    providers.update(own)

    work = d.getVar("PKGDESTWORK")
    written = []
    version = d.getVar("PKGV") + "-" + d.getVar("PKGR")
    if d.getVar("PKGE"):
        version = d.getVar("PKGE") + ":" + version
    for info in result["packages"]:
        pkg = info["name"]
        if info["empty"]:
            continue
        rdepends = _deps(d, "RDEPENDS:" + pkg)
        names = [r.split()[0] for r in rdepends]
        for soname in result.get("shlibNeeds", {}).get(pkg, []):
            provider = providers.get(soname)
            if provider and provider != pkg and provider not in names:
                rdepends.append(provider)
                names.append(provider)
            elif not provider:
                bb.note("%s: no package provides %s (needed by %s)" % (pn, soname, pkg))
        scripts = {}
        for script in ("preinst", "postinst", "prerm", "postrm"):
            body = d.getVar("pkg_%s:%s" % (script, pkg))
            if script == "postinst":
                body = _with_postinst_ontarget(d, pkg, body)
            if body:
                scripts[script] = "#!/bin/sh\nset -e\n" + body.strip() + "\n"
        control = {
            "name": pkg,
            "version": version,
            "architecture": d.getVar("PACKAGE_ARCH"),
            "maintainer": d.getVar("MAINTAINER"),
            "description": d.getVar("SUMMARY:" + pkg) or d.getVar("SUMMARY") or pkg,
            "section": d.getVar("SECTION:" + pkg) or d.getVar("SECTION") or "base",
            "license": d.getVar("LICENSE:" + pkg) or d.getVar("LICENSE"),
            "homepage": d.getVar("HOMEPAGE") or "",
            "depends": rdepends,
            "recommends": _deps(d, "RRECOMMENDS:" + pkg),
            "provides": _deps(d, "RPROVIDES:" + pkg),
            "conflicts": _deps(d, "RCONFLICTS:" + pkg),
            "replaces": _deps(d, "RREPLACES:" + pkg),
            "conffiles": _words(d, "CONFFILES:" + pkg),
            "scripts": scripts,
            "sourceDateEpoch": int(d.getVar("SOURCE_DATE_EPOCH") or 0),
        }
        _write_json(os.path.join(work, "runtime", pkg + ".json"), control)
        written.append(pkg)
    _write_json(os.path.join(work, "packages.json"), written)
    _write_json(os.path.join(work, "shlibs.json"), own)


def package_write(d, kind):
    """do_package_write_ipk / _deb: one package file per non-empty package of do_package."""
    work = d.getVar("PKGDESTWORK")
    outdir = d.getVar("PKGWRITEDIRIPK" if kind == "ipk" else "PKGWRITEDIRDEB")
    for pkg in _read_json(os.path.join(work, "packages.json"), []):
        control = _read_json(os.path.join(work, "runtime", pkg + ".json"))
        arch = control["architecture"]
        if kind == "deb":
            control = dict(control, architecture={"x86_64": "amd64", "aarch64": "arm64"}.get(arch, arch))
        kiln_runtime.host_call("package.write", d, kind=kind, root=os.path.join(d.getVar("PKGDEST"), pkg),
                               control=control, outDir=os.path.join(outdir, arch))


# ---- sysroots --------------------------------------------------------------------------------

def populate_sysroot(d):
    """do_populate_sysroot: the parts of ${D} others build against, and this recipe's DEPENDS
    (so that a recipe sysroot includes what its dependencies need in turn)."""
    dest = d.getVar("SYSROOT_DESTDIR")
    installed = d.getVar("D")
    for directory in _words(d, "SYSROOT_DIRS"):
        src = installed + directory
        if os.path.isdir(src):
            bb.utils.mkdirhier(dest + directory)
            subprocess.run(["cp", "-a", "--no-preserve=ownership", src + "/.", dest + directory + "/"], check=True)
    with open(os.path.join(dest, ".kiln-depends"), "w") as f:
        f.write(" ".join(_words(d, "DEPENDS")) + "\n")


def prepare_recipe_sysroot(d):
    """do_prepare_recipe_sysroot: ${RECIPE_SYSROOT} from the shared sysroot components of DEPENDS,
    and of their DEPENDS, recursively (names without a component, such as -native tools the
    build machine provides, are skipped)."""
    components = d.getVar("COMPONENTS_DIR")
    sysroot = d.getVar("RECIPE_SYSROOT")
    seen = set()
    todo = list(_words(d, "DEPENDS"))
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        comp = os.path.join(components, name)
        if not os.path.isdir(comp):
            continue
        subprocess.run(["cp", "-a", comp + "/.", sysroot + "/"], check=True)
        try:
            with open(os.path.join(comp, ".kiln-depends")) as f:
                todo.extend(f.read().split())
        except OSError:
            pass


# ---- images ----------------------------------------------------------------------------------

def _feed_dirs(d):
    if "package_deb" in _words(d, "PACKAGE_CLASSES")[:1]:
        top, kind = d.getVar("DEPLOY_DIR_DEB"), "deb"
    else:
        top, kind = d.getVar("DEPLOY_DIR_IPK"), "ipk"
    dirs = [os.path.join(top, a) for a in sorted(os.listdir(top))] if os.path.isdir(top) else []
    return [p for p in dirs if os.path.isdir(p)], kind


def rootfs(d):
    """do_rootfs: install PACKAGE_INSTALL and what it needs from the feed into ${IMAGE_ROOTFS},
    then users and groups, the hostname, and ROOTFS_POSTPROCESS_COMMAND."""
    feeds, kind = _feed_dirs(d)
    groups = []
    for entry in _words(d, "EXTRA_GROUPS"):
        name, _, gid = entry.partition(":")
        groups.append({"name": name, "gid": int(gid)} if gid else {"name": name})
    users = []
    for entry in _words(d, "EXTRA_USERS"):
        parts = entry.split(":")
        user = {"name": parts[0]}
        if len(parts) > 1 and parts[1]:
            user["uid"] = int(parts[1])
        if len(parts) > 2 and parts[2]:
            user["gid"] = parts[2]
        if len(parts) > 3 and parts[3]:
            user["home"] = parts[3]
        if len(parts) > 4 and parts[4]:
            user["shell"] = parts[4]
        users.append(user)
    kiln_runtime.host_call(
        "image.rootfs", d, rootfs=d.getVar("IMAGE_ROOTFS"), feedDirs=feeds, kind=kind,
        install=_words(d, "PACKAGE_INSTALL"), noRecommends=d.getVar("NO_RECOMMENDATIONS") == "1",
        exclude=_words(d, "PACKAGE_EXCLUDE"), groups=groups, users=users,
        hostname=d.getVar("IMAGE_HOSTNAME") or "")
    for func in (d.getVar("ROOTFS_POSTPROCESS_COMMAND") or "").replace(";", " ").split():
        bb.build.exec_func(func, d)


def image(d, fstypes=None):
    """do_image: one file per IMAGE_FSTYPES entry (or per entry of `fstypes`) in
    ${IMGDEPLOYDIR} (deployed to ${DEPLOY_DIR_IMAGE})."""
    outdir = d.getVar("IMGDEPLOYDIR")
    name, link = d.getVar("IMAGE_NAME"), d.getVar("IMAGE_LINK_NAME")
    for fstype in _words(d, "IMAGE_FSTYPES") if fstypes is None else fstypes:
        output = os.path.join(outdir, "%s.%s" % (name, fstype))
        extra = {"oci": _oci_settings(d)} if fstype == "oci" else {}
        kiln_runtime.host_call(
            "image.make", d, rootfs=d.getVar("IMAGE_ROOTFS"), type=fstype, output=output,
            sourceDateEpoch=int(d.getVar("SOURCE_DATE_EPOCH") or 0),
            extraSpaceMiB=int(d.getVar("IMAGE_ROOTFS_EXTRA_SPACE") or 16), label=d.getVar("IMAGE_BASENAME")[:16],
            **extra)
        if link and link != name:
            os.symlink(os.path.basename(output), os.path.join(outdir, "%s.%s" % (link, fstype)))


def _oci_settings(d):
    """The OCI image's configuration from meta-virtualization's OCI_IMAGE_* variables:
    ENTRYPOINT (the program), ENTRYPOINT_ARGS (its default arguments), ENV_VARS (NAME=value
    words), WORKINGDIR, RUNTIME_UID, PORTS ("8080/tcp"), LABELS (name=value words), AUTHOR,
    STOPSIGNAL, TAG (default "latest"), TAR_OUTPUT ("1": also the layout as a .tar)."""
    labels = {}
    for word in _words(d, "OCI_IMAGE_LABELS"):
        key, _, value = word.partition("=")
        labels[key] = value
    arch = d.getVar("TARGET_ARCH")
    config = {"architecture": {"x86_64": "amd64", "aarch64": "arm64"}.get(arch, arch), "os": "linux"}
    for key, var, split in (("entrypoint", "OCI_IMAGE_ENTRYPOINT", True), ("cmd", "OCI_IMAGE_ENTRYPOINT_ARGS", True),
                            ("env", "OCI_IMAGE_ENV_VARS", True), ("exposedPorts", "OCI_IMAGE_PORTS", True),
                            ("workingDir", "OCI_IMAGE_WORKINGDIR", False), ("user", "OCI_IMAGE_RUNTIME_UID", False),
                            ("author", "OCI_IMAGE_AUTHOR", False), ("stopSignal", "OCI_IMAGE_STOPSIGNAL", False)):
        value = d.getVar(var)
        if value:
            config[key] = value.split() if split else value
    if labels:
        config["labels"] = labels
    return {"tag": d.getVar("OCI_IMAGE_TAG") or "latest", "archive": d.getVar("OCI_IMAGE_TAR_OUTPUT") == "1",
            "config": config}


def oci_bundle(d, layout, dest, hostname, tag=None):
    """Unpack the OCI image layout LAYOUT into the runtime bundle DEST (rootfs/ and config.json,
    ready for `crun run -b DEST` or `runc run -b DEST`), owned as the image says (under the
    recipe's fakeroot state)."""
    extra = {"tag": tag} if tag else {}
    return kiln_runtime.host_call("oci.bundle", d, layout=layout, dest=dest, hostname=hostname, **extra)


def kernel_config_check(d, config, fragments, builtin=False):
    """Check the kernel configuration file CONFIG against the fragment files FRAGMENTS: a dict
    with "satisfied", "summary" (one line) and "unmet" (option, status, wanted, found, fragment)."""
    return kiln_runtime.host_call("kernel.config_check", d, config=config, fragments=list(fragments),
                                  builtin=bool(builtin))


def warn_unmet_kernel_config(d, config, fragments, purpose):
    """A warning naming what the kernel configuration CONFIG lacks for PURPOSE (e.g. "containers"),
    if anything; nothing when the kernel's configuration is not there to check."""
    if not os.path.exists(config):
        bb.note("no kernel configuration at %s to check for %s" % (config, purpose))
        return True
    result = kernel_config_check(d, config, fragments)
    if result["satisfied"]:
        return True
    lines = ["  %s: %s (wanted %s, found %s; %s)" % (u["option"], u["status"], u["wanted"], u["found"],
                                                     os.path.basename(u["fragment"])) for u in result["unmet"]]
    bb.warn("The kernel (%s) lacks what %s need: %s\n%s" % (config, purpose, result["summary"], "\n".join(lines)))
    return False
