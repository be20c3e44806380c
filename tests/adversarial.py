"""Adversarial documents for the fuzz test (``tests/test_fuzz.py``) and bench (``bench/fuzz.py``).

:func:`documents` yields ``(file name, bytes)`` pairs, deterministic for a seed. Each document
mixes sentences of the genre (so that extraction finds entities and facts to write) with one or
more kinds of trouble:

random Unicode from every plane, right-to-left text and bidi controls, zero-width characters,
emoji, characters that break IRIs or Turtle (``<>"{}|\\^``, backslashes, quotes), unbalanced
quotation marks, control characters, a very long sentence, many tiny lines, broken HTML with
scripts and comments, names made of punctuation, text that is almost empty, or invalid UTF-8.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

__all__ = ["KINDS", "documents"]

_GENRE = [
    "The Independent Office for Police Conduct investigated PC {name} of {org}.",
    "{name}, a detective sergeant with {org}, was dismissed for gross misconduct.",
    '"We failed the victims," said {name}, chief constable of {org}.',
    "{org} apologised after a panel found a case to answer for misconduct.",
    "Five officers of {org} received final written warnings.",
    "Prosecutors charged {name} with assault; {name} pleaded guilty in March 2021.",
    "An inquiry into {org}, chaired by {name}, criticised its leadership.",
    "The complainant, {name}, alleged that {org} ignored 14 reports of abuse.",
]
_NAMES = ["Ann Lee", "José Núñez", "Zoë O'Brien-Ćirić", "李小龍", "محمد علي", "Ōta Jun", "A<B>C"]
_ORGS = ["Eastmoor Police", "Police {}|^ Service", 'The "Quoted" Trust', "Ñandú Council"]
_ORGS += ["דוגמה Police", "Back\\slash Constabulary", "Emoji 🚓 Force"]
_BREAKERS = "<>\"{}|\\^`'\t"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
#: Ranges of code points drawn from: ASCII, the rest of the BMP's scripts, emoji, other planes.
_PLANES = [(0x20, 0x7F), (0xA0, 0x3000), (0x1F300, 0x1FAFF), (0x10000, 0x10FFFF)]
_CONTROLS = "".join(chr(c) for c in (1, 2, 3, 7, 8, 11, 12, 27, 127))


def _genre(rng: random.Random, k: int) -> str:
    out = []
    for _ in range(k):
        t = rng.choice(_GENRE)
        out.append(t.format(name=rng.choice(_NAMES), org=rng.choice(_ORGS)))
    return " ".join(out)


def _unicode(rng: random.Random, n: int) -> str:
    chars = []
    while len(chars) < n:
        low, high = rng.choice(_PLANES)
        c = rng.randrange(low, high)
        if not 0xD800 <= c <= 0xDFFF:
            chars.append(chr(c))
    return "".join(chars)


def _sprinkle(rng: random.Random, text: str, alphabet: str, rate: float) -> str:
    return "".join(ch + (rng.choice(alphabet) if rng.random() < rate else "") for ch in text)


def _title(rng: random.Random) -> str:
    return _genre(rng, 1).upper()[:80]


def _random_unicode(rng):
    return f"{_title(rng)}\n\n{_genre(rng, 3)} {_unicode(rng, 400)} {_genre(rng, 2)}\n"


def _rtl(rng):
    rtl = "هذا نص عربي عن الشرطة. זהו טקסט בעברית על המשטרה. "
    return f"{_title(rng)}\n\n{rtl}{_sprinkle(rng, _genre(rng, 4), _BIDI, 0.05)} {rtl}\n"


def _zero_width(rng):
    return f"{_title(rng)}\n\n{_sprinkle(rng, _genre(rng, 6), _ZERO_WIDTH, 0.1)}\n"


def _breakers(rng):
    return f"{_title(rng)}\n\n{_sprinkle(rng, _genre(rng, 6), _BREAKERS, 0.08)}\n"


def _quotes(rng):
    body = _genre(rng, 5).replace('"', "") + ' "' + _genre(rng, 2) + " \u201c" + _genre(rng, 1)
    return f"{_title(rng)}\n\n{body}\n\n\u201d\u201d \"'\n"


def _controls(rng):
    return f"{_title(rng)}\n\n{_sprinkle(rng, _genre(rng, 6), _CONTROLS, 0.03)}\n"


def _long_sentence(rng):
    clause = ", and " + _genre(rng, 1).rstrip(".")
    return f"{_title(rng)}\n\n{_genre(rng, 1).rstrip('.')}{clause * rng.randrange(40, 120)}.\n"


def _tiny_lines(rng):
    words = _genre(rng, 8).split()
    return "\n".join(rng.choice(["", w, w + ".", "-", "•"]) for w in words * 3) + "\n"


def _emoji(rng):
    return f"{_title(rng)} 🚨\n\n{_sprinkle(rng, _genre(rng, 5), '🚓👮🏽‍♀️😡🇬🇧', 0.05)}\n"


def _punctuation_names(rng):
    return f"{_title(rng)}\n\nPC ... of --- Police said \"!!\". {_genre(rng, 3)} ((( ))) ;;; 'x'\n"


def _almost_empty(rng):
    return rng.choice([".", "\n\n\n-\n", "A", '"', "\u200b x \u200b", "1\n2\n"])


KINDS = {
    "unicode": (_random_unicode, ".txt"),
    "rtl": (_rtl, ".txt"),
    "zero-width": (_zero_width, ".txt"),
    "iri-breakers": (_breakers, ".md"),
    "quotes": (_quotes, ".txt"),
    "controls": (_controls, ".txt"),
    "long-sentence": (_long_sentence, ".txt"),
    "tiny-lines": (_tiny_lines, ".txt"),
    "emoji": (_emoji, ".txt"),
    "punctuation": (_punctuation_names, ".txt"),
    "almost-empty": (_almost_empty, ".txt"),
}


def _broken_html(rng: random.Random) -> bytes:
    body = _sprinkle(rng, _genre(rng, 5), "<>&", 0.02)
    page = (
        f"<html><head><title>{_title(rng)}</title><script>alert('x')</script></head>"
        f"<body><h1>{_title(rng)}<p>{body}<p><!-- unclosed <div><table><tr><td>"
        f"{_genre(rng, 2)}</td><script>document.write('<p>')</script><p>{_genre(rng, 2)}"
    )
    return page[: rng.randrange(len(page) // 2, len(page) + 1)].encode("utf-8")


def documents(n: int, seed: int = 0) -> Iterator[tuple[str, bytes]]:
    """``n`` adversarial documents as ``(file name, bytes)``, the same for the same seed.

    Examples
    --------
    >>> docs = list(documents(30, seed=1))
    >>> len(docs), len({name for name, _ in docs}), docs == list(documents(30, seed=1))
    (30, 30, True)
    """
    rng = random.Random(seed)
    names = sorted(KINDS)
    for i in range(n):
        pick = rng.random()
        if pick < 0.08:
            yield f"fuzz-{i:05d}-html.html", _broken_html(rng)
        elif pick < 0.10:  # invalid UTF-8 or UTF-16: refused in one line
            data = _genre(rng, 2).encode(rng.choice(["latin-1", "utf-16"]), "replace") + b"\xff\xfe"
            yield f"fuzz-{i:05d}-bytes.txt", data
        else:
            kind = names[i % len(names)]
            make, ext = KINDS[kind]
            yield f"fuzz-{i:05d}-{kind}{ext}", make(rng).encode("utf-8", "surrogatepass")
