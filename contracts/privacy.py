"""What may be kept of names a caller chooses: parameter keys, unknown paths, app names, bounded.

Keys and path segments that look like values (e-mails, numbers, UUIDs, long or high-entropy
strings, anything outside a plain identifier) become placeholders; nothing here keeps a value.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

KEY_PLACEHOLDER = "<key>"
MAX_KEY_CHARS = 40
MAX_TEMPLATE_CHARS = 200
MAX_NAME_CHARS = 100
NAME_PLACEHOLDER = "<unnamed>"
MAX_KEPT_KEYS = 4096  # the memo of kept key names; keys are the caller's, so it is bounded

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_\-]*")
_SEGMENT_WORD = re.compile(r"_?[a-z][a-z_\-]*|v\d{1,2}")  # path literals: words, API versions
_NUMBER = re.compile(r"[+-]?\d[\d.,_\-]*")
_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
_DIGITS = re.compile(r"\d")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def looks_like_value(text: str) -> bool:
    """True for e-mails, numbers, UUIDs, long or high-entropy strings, and non-identifiers."""
    if not text or len(text) > MAX_KEY_CHARS or not _IDENTIFIER.fullmatch(text):
        return True
    if _UUID.fullmatch(text) or _NUMBER.fullmatch(text):
        return True
    digits = len(_DIGITS.findall(text))
    if digits >= 4 or digits * 4 > len(text):
        return True
    if len(text) < 20 or digits == 0:
        return False
    return any(c.isupper() for c in text[1:]) and any(c.islower() for c in text)


# Key names already judged to name a field, each mapped to itself. Only kept names enter (the
# names a ledger row stores anyway): a value-like key (an e-mail) is judged again each time
# rather than outliving its call in memory. Full, the memo starts over, so a body of many
# distinct keys costs what it cost without the memo, and at most MAX_KEPT_KEYS short strings.
_kept: dict[str, str] = {}
# A key's name when already judged kept, else None, without judging: the walk of a body calls
# it per key. Bound to the one dict, which is only ever cleared, never replaced.
known_param_key = _kept.get


def forget_param_keys() -> None:
    """Empty the memo of kept key names (a first-seen key's cost, measured by the benchmark)."""
    _kept.clear()


def remembered_param_keys() -> int:
    """How many key names the memo holds (at most ``MAX_KEPT_KEYS``)."""
    return len(_kept)


def param_key(key: Any) -> str:
    """A JSON key as a parameter name: itself when it names a field, else ``<key>``."""
    kept = _kept.get(key) if type(key) is str else None
    if kept is not None:
        return kept
    text = key if isinstance(key, str) else str(key)
    if looks_like_value(text):
        return KEY_PLACEHOLDER
    if type(key) is str:  # kept, so at most MAX_KEY_CHARS long
        if len(_kept) >= MAX_KEPT_KEYS:
            _kept.clear()
        _kept[key] = key
    return text


def path_segment(segment: str) -> str:
    text = unquote(segment, errors="replace")
    if _NUMBER.fullmatch(text):
        return "{n}"
    if "@" in text:
        return "{email}"
    if _SEGMENT_WORD.fullmatch(text) and len(text) <= 32:
        return text
    if _UUID.fullmatch(text) or len(text) >= 20:
        return "{id}"
    return "{value}"


def path_template(path: str) -> str:
    """An unknown path as a bounded template.

    ``/v1/1/customers/a@b.c`` gives ``/v1/{n}/customers/{email}``; at most 200 characters.
    """
    raw = path.split("?", 1)[0].split("#", 1)[0]
    segments = [path_segment(s) if s else "" for s in raw.split("/")]
    template = "/".join(segments) or "/"
    if len(template) > MAX_TEMPLATE_CHARS:
        template = template[: MAX_TEMPLATE_CHARS - 3] + "..."
    return template


def bounded_name(value: Any) -> str | None:
    """An app name as bounded text: a string stays (trimmed), anything else gives a placeholder."""
    if value is None:
        return None
    if not isinstance(value, str):
        return NAME_PLACEHOLDER
    text = _CONTROL.sub("", value.encode("utf-8", "replace").decode("utf-8")).strip()
    if not text:
        return None
    return text[: MAX_NAME_CHARS - 3] + "..." if len(text) > MAX_NAME_CHARS else text
