"""Writes ignore_case_pairs.txt: for every character with a case partner, each partner and
whether Python's `re` matches it under `(?i)` (`re.fullmatch`). Read by the browser test
`ignore_case_matches_as_python_on_every_pair` in tests/web.rs.

    python3 tests/data/ignore_case_pairs.py > tests/data/ignore_case_pairs.txt
"""

import re
import sys
from collections import defaultdict

from _sre import unicode_tolower  # what `re` compares under (?i)
from re._casefix import _EXTRA_CASES  # the pairs `re` adds to it, such as ı and i

chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
by_lower = defaultdict(set)
for ch in chars:
    by_lower[chr(unicode_tolower(ord(ch)))].add(ch)

print(f"# Python {sys.version.split()[0]}: character, partner, 1 if (?i) matches")
for ch in chars:
    partners = set()
    simple_lower = chr(unicode_tolower(ord(ch)))
    for form in (ch.upper(), ch.lower(), ch.title(), ch.casefold(), simple_lower):
        if len(form) == 1:
            partners |= {form} | by_lower[chr(unicode_tolower(ord(form)))]
    for partner in list(partners) + [ch]:
        for extra in _EXTRA_CASES.get(unicode_tolower(ord(partner)), ()):
            partners |= {chr(extra)} | by_lower[chr(extra)]
    partners.discard(ch)
    pattern = re.compile("(?i)" + re.escape(ch))
    for partner in sorted(partners):
        print(f"{ord(ch):x} {ord(partner):x} {int(bool(pattern.fullmatch(partner)))}")
