"""Where the gateway may send someone back to: a path on this site, never another site.

Every redirect whose target comes from the person (`next` after sign-in) goes
through `local_url`."""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from werkzeug.urls import iri_to_uri

# Longer than any page address of ours; a huge target would also outgrow the cookie
# it waits in during sign-in, and the sign-in would then fail without a word.
MAX_LENGTH = 2000
# Control and format characters, line and paragraph separators.  Browsers and
# Werkzeug drop some of them (tab, newline) while writing or reading a URL, so a
# target that passed the checks could change after them ("/\t/evil" → "//evil").
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def local_url(target: str | None) -> str | None:
    """`target` as it will be written in the Location header, if it is a path on this
    site (with its query and fragment); None otherwise.

    It is normalised first (non-ASCII and unsafe characters percent-encoded, as
    Werkzeug writes the header) and then checked, so what is checked is what the
    browser gets: no scheme, no authority, a single leading slash."""
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return None
    if "\\" in target or any(unicodedata.category(ch) in _INVISIBLE for ch in target):
        return None  # browsers read a backslash as a slash: "/\evil" is "//evil"
    url = iri_to_uri(target)
    parts = urlsplit(url)
    # Before and after: normalising rewrites "///evil" as "/evil" and "////evil" as "//evil".
    if parts.scheme or parts.netloc or any(not u.startswith("/") or u.startswith("//") for u in (target, url)):
        return None
    return url
