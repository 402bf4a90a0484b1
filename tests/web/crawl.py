"""Crawl the back office and the portal as one user, through the links the pages offer, and read
each page's visible text: what the no-identifier test (and the browser checks) look at.

Visible text = the page without <script>/<style>, without the support-staff detail
(``details.lt-tech``), without data marked ``translate="no"`` (login names) and without attributes; links are followed on this site only, at most a
few pages per URL route, never to logout, downloads, the API or the admin's change forms."""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

from django.urls import Resolver404, resolve

SKIP = (
    "/logout/",
    "/api/",
    "/static/",
    "/media/",
    "/metrics",
    "/healthz",
    "/readyz",
    "export",
    "download",
    "/admin/",
)
# code, commands and file names typed as they are (code/pre/kbd/samp) are literal, not words of the page
SKIP_TEXT_TAGS = {"script", "style", "template", "noscript", "code", "pre", "kbd", "samp"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._skip = 0  # inside script/style
        self._tech = 0  # inside details.lt-tech (depth counter of details)
        self._details_stack: list[bool] = []
        self._data_tags: list[str] = []  # open elements marked translate="no" (login names: data)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in SKIP_TEXT_TAGS:
            self._skip += 1
        if a.get("translate") == "no":
            self._data_tags.append(tag)
            self._skip += 1
        if tag == "details":
            tech = "lt-tech" in (a.get("class") or "").split()
            self._details_stack.append(tech)
            if tech:
                self._tech += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag):
        if tag in SKIP_TEXT_TAGS and self._skip:
            self._skip -= 1
        if self._data_tags and self._data_tags[-1] == tag:
            self._data_tags.pop()
            self._skip -= 1
        if tag == "details" and self._details_stack:
            if self._details_stack.pop():
                self._tech -= 1

    def handle_data(self, data):
        if not self._skip and not self._tech and data.strip():
            self.text.append(data.strip())


def read(html: str) -> tuple[str, list[str]]:
    p = _Page()
    p.feed(html)
    return "\n".join(p.text), p.links


def crawl(
    client, starts: list[str], *, always: tuple[str, ...] = (), per_route: int = 2, limit: int = 160
) -> dict[str, str]:
    """{url: visible text} of the pages reachable from ``starts`` (GET, status 200, HTML);
    ``always`` are read whatever their route (a case page of every state)."""
    seen: set[str] = set()
    per: dict[str, int] = defaultdict(int)
    queue = list(always) + list(starts)
    forced = set(always)
    out: dict[str, str] = {}
    while queue and len(out) < limit:
        url = queue.pop(0)
        parsed = urlparse(url)
        if parsed.netloc and parsed.netloc not in ("testserver",):
            continue
        path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        if path in seen or any(s in parsed.path for s in SKIP):
            continue
        seen.add(path)
        try:
            route = resolve(parsed.path).route
        except Resolver404:
            continue
        key = route + ("?" if parsed.query else "")
        if per[key] >= per_route and path not in forced:
            continue
        per[key] += 1
        r = client.get(path)
        if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
            continue
        text, links = read(r.content.decode())
        out[path] = text
        for href in links:
            if href.startswith(("#", "mailto:", "javascript:")):
                continue
            queue.append(urljoin(path, href))
    return out


#: Rule IDs of RULES.md as they would leak into a page.
RULE_ID = re.compile(r"\b(?:APL|ACL|G118|G27|WD|DISC|PIPL|SAMR|NMG)-[0-9A-Z]")
#: snake_case or dotted keys (decision.limit, review_route, transfer_accepted) and Python reprs
KEY = re.compile(r"(?<![\w@/.-])[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+(?![\w@/-])")
PY = re.compile(r"\{'|\bNone\b|\bTrue\b|\bFalse\b|\[\]|\{\}")
