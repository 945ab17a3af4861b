# Import a binary package from Debian: DEBIAN_PACKAGE names it; its .deb is looked for in
# DEBIAN_PACKAGES_DIR (filled once, while online, by scripts/setup-example.sh with
# `apt-get download`), so builds stay offline. The .deb is fetched (and checksummed into the
# task signature) like any local file and extracted by bin_package. PV is the package's version.
# Without the .deb the recipe is skipped with a reason that says how to get it.
#
# With DEBIAN_IMPORT_DEPENDS = "1" the import also brings what the package depends on (the
# shared libraries its programs need): Depends and Pre-Depends are followed, transitively, through
# the Debian package metadata in DEBIAN_PACKAGES_DIR/Packages (an apt Packages index; the first
# alternative present wins, virtual names are resolved through Provides). Packages that other
# recipes import already (DEBIAN_IMPORT_PROVIDED) are left to them: the shared-library
# dependencies found at packaging time point at those recipes' packages.
# DEBIAN_IMPORT_IGNORE names packages not followed at all: the tools Debian's maintainer scripts
# use (kiln does not run an import's maintainer scripts). DEBIAN_PACKAGE may then name several
# packages (the first gives PV). DEBIAN_IMPORT_PACKAGES is set to the Debian packages imported.
inherit bin_package

DEBIAN_PACKAGE ?= "${BPN}"
DEBIAN_PACKAGES_DIR ?= "${TOPDIR}/debian-packages"
DEBIAN_ARCH ?= "${DPKG_ARCH}"
DEBIAN_IMPORT_DEPENDS ?= "0"
DEBIAN_IMPORT_PROVIDED ?= "libc6"
DEBIAN_IMPORT_IGNORE ?= "debconf debconf-2.0 cdebconf adduser passwd dpkg install-info init-system-helpers \
    lsb-base sensible-utils systemd-sysv systemd"
INHIBIT_PACKAGE_STRIP = "1"

def debian_import_find(d):
    import glob, os
    name = (d.getVar('DEBIAN_PACKAGE') or '').split()[0]
    arch = d.getVar('DEBIAN_ARCH')
    found = sorted(glob.glob(os.path.join(d.getVar('DEBIAN_PACKAGES_DIR'), '%s_*_%s.deb' % (name, arch))) +
                   glob.glob(os.path.join(d.getVar('DEBIAN_PACKAGES_DIR'), '%s_*_all.deb' % name)))
    return found[-1] if found else None

def debian_import_read_index(path, arch):
    """The stanzas of an apt Packages file for ARCH (and 'all'): {name: stanza} and
    {virtual name: [names providing it]}. A stanza is a dict of its fields."""
    packages, providers = {}, {}
    with open(path) as f:
        text = f.read()
    for block in text.split('\n\n'):
        fields, key = {}, None
        for line in block.splitlines():
            if line[:1] in (' ', '\t') and key:
                fields[key] += '\n' + line.strip()
            elif ':' in line:
                key, value = line.split(':', 1)
                fields[key] = value.strip()
        if fields.get('Architecture') not in (arch, 'all') or 'Package' not in fields:
            continue
        name = fields['Package']
        known = packages.get(name)
        if known and bb.utils.vercmp_string(known['Version'], fields['Version']) >= 0:
            continue
        packages[name] = fields
        for item in fields.get('Provides', '').split(','):
            virtual = item.split('(')[0].strip()
            if virtual:
                providers.setdefault(virtual, []).append(name)
    return packages, providers

def debian_import_depends(stanza):
    """A stanza's run-time dependencies: a list of alternatives lists of package names."""
    import re
    result = []
    for field in ('Pre-Depends', 'Depends'):
        for item in stanza.get(field, '').split(','):
            names = [re.sub(r'\(.*?\)|\[.*?\]|<.*?>', '', alt).strip().split(':')[0] for alt in item.split('|')]
            names = [n for n in names if n]
            if names:
                result.append(names)
    return result

def debian_import_closure(roots, packages, providers, stop=()):
    """The packages ROOTS need, transitively, not going into STOP. Returns (names in the order
    reached, None) or (None, message) when a dependency has no package here."""
    reached, order, todo = set(roots), list(roots), list(roots)
    while todo:
        name = todo.pop(0)
        for alternatives in debian_import_depends(packages[name]):
            if any(alt in stop for alt in alternatives):
                continue
            choice = None
            for alt in alternatives:
                if alt in packages:
                    choice = alt
                elif providers.get(alt):
                    choice = providers[alt][0]
                if choice:
                    break
            if not choice:
                return None, '%s depends on %s, which is not in the package index' % (name, ' | '.join(alternatives))
            if choice in reached or choice in stop:
                continue
            reached.add(choice)
            order.append(choice)
            todo.append(choice)
    return order, None

def debian_import_dependencies(d, names):
    """The .deb files to extract for the packages NAMES with what they depend on, or raise SkipRecipe."""
    import os
    top = d.getVar('DEBIAN_PACKAGES_DIR')
    index = os.path.join(top, 'Packages')
    bb.parse.mark_dependency(d, index)
    if not os.path.exists(index):
        raise bb.parse.SkipRecipe("no Debian package index %s to resolve %s's dependencies from; run scripts/setup-example.sh once while online" % (index, ' '.join(names)))
    packages, providers = debian_import_read_index(index, d.getVar('DEBIAN_ARCH'))
    for name in names:
        if name not in packages:
            raise bb.parse.SkipRecipe("Debian package %s is not in %s" % (name, index))
    provided = [p for p in (d.getVar('DEBIAN_IMPORT_PROVIDED') or '').split() if p in packages]
    ignored = set((d.getVar('DEBIAN_IMPORT_IGNORE') or '').split())
    imported, problem = debian_import_closure(names, packages, providers, set(provided) | ignored)
    if problem:
        raise bb.parse.SkipRecipe("cannot import Debian package %s: %s" % (names[0], problem))
    names = imported
    d.setVar('DEBIAN_IMPORT_PACKAGES', ' '.join(names))
    return [os.path.normpath(os.path.join(top, packages[n]['Filename'])) for n in names]

python () {
    # Parse again when packages appear in (or leave) the directory.
    bb.parse.mark_dependency(d, d.getVar('DEBIAN_PACKAGES_DIR'))
    deb = debian_import_find(d)
    if not deb:
        raise bb.parse.SkipRecipe("Debian package %s (%s) not found in %s; run scripts/setup-example.sh once while online"
                                  % (d.getVar('DEBIAN_PACKAGE'), d.getVar('DEBIAN_ARCH'), d.getVar('DEBIAN_PACKAGES_DIR')))
    import os
    version = os.path.basename(deb).split('_')[1].replace('%3a', ':')
    d.setVar('PV', version.split(':')[-1])
    debs = [deb]
    if bb.utils.to_boolean(d.getVar('DEBIAN_IMPORT_DEPENDS')):
        debs = debian_import_dependencies(d, d.getVar('DEBIAN_PACKAGE').split())
    d.setVar('SRC_URI', ' '.join('file://' + p.replace('%', '%25') for p in debs))
    d.setVar('BIN_PACKAGE_DEBS', ' '.join(debs))
}

# Debian puts libraries in multiarch directories (/usr/lib/x86_64-linux-gnu/...).
# An import ships what the Debian packages ship: what no other package of the recipe takes.
FILES:${PN} += "${libdir}/*/lib*.so.* ${base_libdir}/*/lib*.so.* /*"
