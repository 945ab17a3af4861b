"""Checksums of files, as hex strings."""

import hashlib


def _digest(h, filename):
    with open(filename, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def md5_file(filename):
    try:
        h = hashlib.new("MD5", usedforsecurity=False)
    except TypeError:  # builds whose hashlib.new() takes no usedforsecurity
        h = hashlib.new("MD5")
    return _digest(h, filename)


def sha1_file(filename):
    return _digest(hashlib.sha1(), filename)


def sha256_file(filename):
    return _digest(hashlib.sha256(), filename)


def sha384_file(filename):
    return _digest(hashlib.sha384(), filename)


def sha512_file(filename):
    return _digest(hashlib.sha512(), filename)


def goh1_file(filename):
    """The hex form of Go's "h1" dirhash: SHA-256 over lines "<sha256>  <name>\\n".
    A zip archive contributes one line per member (sorted by name); any other file is hashed
    as a lone "go.mod". As in BitBake, a zip that turns out unreadable part way keeps the lines
    already made and then gets the go.mod line too."""
    import zipfile
    lines = []
    hashed_members = False
    if zipfile.is_zipfile(filename):
        try:
            with zipfile.ZipFile(filename) as archive:
                for member in sorted(archive.namelist()):
                    lines.append("%s  %s\n" % (hashlib.sha256(archive.read(member)).hexdigest(), member))
            hashed_members = True
        except zipfile.BadZipFile:
            hashed_members = False
    if not hashed_members:
        lines.append("%s  go.mod\n" % sha256_file(filename))
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
