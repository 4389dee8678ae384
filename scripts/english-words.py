#!/usr/bin/env python3
"""Builds data/english-words.txt from Debian's wamerican word list (SCOWL).

Spelling correction uses the list to leave real English words alone ("paris" is not a typo of
"parts"). Run it once after `apt-get install wamerican`; the output is committed, so a fresh clone
builds with no extra step. The list's licence travels with it in data/english-words.COPYRIGHT.

Usage: python3 scripts/english-words.py [/usr/share/dict/american-english]
"""
import shutil
import sys
import unicodedata
from pathlib import Path

# Words shorter than this are never corrected (see src/language/spelling.rs), so the list
# need not hold them.
MIN_LEN = 4

source = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/dict/american-english")
root = Path(__file__).resolve().parent.parent
words = set()
for line in source.read_text(encoding="utf-8").splitlines():
    word = line.strip()
    if not word or "'" in word:
        continue  # possessives ("abbot's") add nothing to the plain forms
    # The same form calcibot compares in: accents dropped, lowercase, letters only.
    word = "".join(
        c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
    ).lower()
    if len(word) >= MIN_LEN and word.isascii() and word.isalpha():
        words.add(word)
out = root / "data" / "english-words.txt"
out.write_text("".join(w + "\n" for w in sorted(words)), encoding="ascii")
shutil.copyfile("/usr/share/doc/wamerican/copyright", root / "data" / "english-words.COPYRIGHT")
print(f"{out}: {len(words)} words")
