"""Page furniture: photo captions, credits and "Read more" lines.

They stay in the document text (so offsets hold) but produce no story facts. Found on the raw text,
line by line:

- a line that starts with "Read more", "Related", "Watch", "Image", "Photo" or "Picture" and a
  colon;
- a line that ends with a credit in brackets, "(PA)", "(Reuters)", "(Getty Images)", unless it
  is a dateline ("LIMA, Peru (AP)": a place in capitals and a comma first, or "SAN
  ESTEBAN (AP)": a place in capitals and the agency alone);
- a credit such as "REUTERS/Jane Doe" and everything after it on its line;
- a line printed twice (a caption repeated as image alt text): every copy.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import TextSpan

__all__ = ["find_furniture"]

_LEAD = re.compile(
    r"^\s*(read more|related|watch|image|photo|picture|video|listen|sign up)\b[^:\n]{0,20}:",
    re.I,
)
_END_CREDIT = re.compile(r"(?:^|[.!?”\"’']\s*|\s)\((?:[A-Z][\w.&-]*\s?){1,3}\)\s*$")
#: "LIMA, Peru (AP)"; "SAN ESTEBAN (AP)" alone or before a dash
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)*,"
    r"|^\s*[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3} \([A-Z][\w-]*\)\s*(?:$|[-\u2013\u2014])"
)
_INLINE_CREDIT = re.compile(r"\b[A-Z]{2,}/[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+)*")
_MIN_REPEAT = 20


def find_furniture(text: str) -> list[TextSpan]:
    """Spans of ``text`` that are captions, credits or navigation, in text order.

    >>> text = "Story.\\nA crowd at the gates. (AP)\\nMore story."
    >>> [s.of(text) for s in find_furniture(text)]
    ['A crowd at the gates. (AP)']
    """
    spans: list[TextSpan] = []
    lines: list[tuple[int, int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        stripped = raw.strip()
        if stripped:
            lines.append((start, end, stripped))
    repeats = Counter(s for _, _, s in lines if len(s) >= _MIN_REPEAT)
    for start, end, stripped in lines:
        raw = text[start:end]
        credit = _END_CREDIT.search(raw) and not _DATELINE.match(raw)
        if _LEAD.match(raw) or credit or repeats[stripped] > 1:
            spans.append(TextSpan(start, end))
            continue
        m = _INLINE_CREDIT.search(raw)
        if m:
            spans.append(TextSpan(start + m.start(), end))
    return spans
