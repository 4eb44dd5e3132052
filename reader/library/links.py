"""The one link policy: which addresses ``reader`` keeps, opens or copies, and how it names them.

The parser (front matter and ``+ Link:`` lines), the app's ``o`` / ``y`` keys and links clicked
in an article body all ask :func:`refusal`, so a link the parser would drop can never be opened
another way. A link is something a person opens in a browser with one key press, so only
``http``/``https`` addresses pass, and none that could mislead: user info
(``https://google.com:443@evil.example/`` goes to evil.example), or a control character
(an 8-bit CSI U+009B would reach the browser's command line or the terminal raw).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
_CONTROL = re.compile("[\x00-\x20\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff\ud800-\udfff]")
# Control characters end a URL: an ESC inside a "link" is a terminal escape, not an address.
# The URL may hold balanced parentheses, as Wikipedia's do: (…/Conti_(ransomware)).
_URL_CHAR = r"[^()\s<>\x00-\x1f\x7f\ud800-\udfff]"
# Linear on any input (tests/unit/test_regex_linear.py): the link text may not hold "[" (else a
# run of 60,000 "[" is tried from each one, quadratic), the scheme starts where a word does,
# and the groups are possessive, so nothing is ever tried twice.
_MD_LINK = re.compile(
    rf"\[[^\[\]]*+\]\(\s*+<?((?:{_URL_CHAR}++|\({_URL_CHAR}*+\))++)>?(?:\s++\"[^\"]*+\")?\s*+\)"
)
_PLAIN_WEB = re.compile(r"[Hh][Tt][Tt][Pp](?:[Ss])?+://[A-Za-z0-9.-]++(?:[/?#]|\Z)")
"""``http(s)://host`` with a host of letters, digits, dots and hyphens only (no user info, no
port, no brackets), then a path, query, fragment or nothing: what ``urlsplit`` would accept
below, known in ~0.3 µs instead of ~5 µs. Every clipping has a link."""
_URL = re.compile(r"(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]*+:[^\s<>\"\x00-\x1f\x7f\ud800-\udfff]++")


def address_in(value: str) -> str:
    """The address a metadata field names: ``[article](url)``, ``<url>`` or a bare URL; else ``""``.

    Not yet checked: ask :func:`refusal` before keeping it.
    """
    match = _MD_LINK.search(value)
    url = match.group(1) if match else ""
    if not url:
        match = _URL.search(value.strip("<>"))
        url = match.group(0) if match else ""
    return url


def refusal(url: str) -> str | None:
    """Why ``url`` must not be kept or opened, or ``None`` when it is a plain web address."""
    if _CONTROL.search(url):
        return "it holds a control or invisible character"
    if _PLAIN_WEB.match(url) is not None:
        return None
    return _parsed_refusal(url)


def _parsed_refusal(url: str) -> str | None:
    """:func:`refusal` decided by ``urlsplit`` (its fast path, :data:`_PLAIN_WEB`, must agree)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "it is not a valid address"
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        return f"only http and https links are opened, not '{scheme[:20]}:'" if scheme else "it has no http(s) scheme"
    if "@" in parts.netloc:
        return "it holds user info before an '@' (the real host is after it)"
    if not parts.hostname:
        return "it has no host"
    return None


def real_host(url: str) -> str:
    """The host a browser will contact, in ASCII: a look-alike ``gооgle.com`` (Cyrillic о)
    shows as ``xn--ggle-55da.com``, so the notice tells the truth about where the link goes."""
    host = urlsplit(url).hostname or ""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host.encode("ascii", "backslashreplace").decode("ascii")


def describe(url: str) -> str:
    """``url`` for a notice: cut to a readable length, with its real host when it is not plain ASCII."""
    shown = url if len(url) < 80 else url[:77] + "…"
    host = urlsplit(url).hostname or ""
    ascii_host = real_host(url)
    return f"{shown} (host {ascii_host})" if ascii_host != host else shown
