"""The site's root sitemap lists the pages of every language, the English ones (in ``en/``) too.

Each language's build writes its own sitemap (when the site has a ``site_url``: see the theme's
sitemap.xml); a search engine reads the one at the root, so the pages of a language built in a
folder are added to it, and its gzipped copy is written again, with the date it had.
"""

from __future__ import annotations

import gzip
from pathlib import Path

SITEMAP = "sitemap.xml"
END = "</urlset>"


def include(site: Path, folder: str) -> None:
    """Add the pages of ``site/folder``'s sitemap to ``site``'s, if both have one."""
    root, other = site / SITEMAP, site / folder / SITEMAP
    if not (root.is_file() and other.is_file()):
        return
    theirs = other.read_text(encoding="utf-8")
    urls = theirs[theirs.index(">", theirs.index("<urlset")) + 1:theirs.rindex(END)]
    ours = root.read_text(encoding="utf-8")
    merged = ours[:ours.rindex(END)] + urls.strip("\n") + "\n" + END + "\n"
    root.write_text(merged, encoding="utf-8")
    packed = root.with_name(SITEMAP + ".gz")
    with gzip.open(packed) as f:
        f.read(1)  # the header, with the date MkDocs gave it
        mtime = f.mtime
    with open(packed, "wb") as f, gzip.GzipFile(fileobj=f, filename=str(packed), mode="wb", mtime=mtime) as gz:
        gz.write(merged.encode("utf-8"))
