"""Which layer (collection) a file belongs to, from BBFILE_COLLECTIONS and BBFILE_PATTERN_*."""

import fnmatch
import re


def get_collection_res(d):
    """{collection: its BBFILE_PATTERN_<collection> regex (or "")}."""
    patterns = {}
    for collection in (d.getVar("BBFILE_COLLECTIONS") or "").split():
        patterns[collection] = d.getVar("BBFILE_PATTERN_%s" % collection) or ""
    return patterns


def get_file_layer(filename, d, collection_res={}):
    """The collection holding filename, or None.

    If filename matches (fnmatch) an entry of BBFILES_PRIORITIZED, that entry's text is what is
    matched against the collections' patterns; otherwise (a class, say) the filename itself is.
    Of the patterns that match at the start, the longest wins (nested layers); on equal
    lengths the first in collection order wins."""
    if not collection_res:
        collection_res = get_collection_res(d)

    def layer_of(path):
        best, best_len = None, 0
        for collection, pattern in collection_res.items():
            if len(pattern) > best_len and re.match(pattern, path):
                best, best_len = collection, len(pattern)
        return best

    for entry in (d.getVar("BBFILES_PRIORITIZED") or "").split():
        if fnmatch.fnmatchcase(filename, entry):
            return layer_of(entry)
    return layer_of(filename)
