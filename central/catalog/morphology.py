"""Words of a search query and their Russian/English forms. Pure.

Snowball stemmers keep the fleeting vowel apart: «кроссовки» stems to «кроссовк» but
«кроссовок» (genitive plural) to «кроссовок», so neither finds the other. A query word is
therefore searched as itself OR its form with the vowel put in (or taken out); the indexed text
is left as the stemmer makes it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

MAX_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)
_CONSONANTS = "бвгджзклмнпрстфхцчшщ"
# кроссовк-и / носк-ами / платк-а: a stem ending in consonant + к, then an ending.
_WITHOUT_VOWEL = re.compile(rf"^(\w*[{_CONSONANTS}])к(и|а|у|е|ам|ами|ах|ой|ом|ов)?$")
# кроссов-ок / плат-ок / замоч-ек: consonant + о/е + к at the end of the word.
_WITH_VOWEL = re.compile(rf"^(\w*[{_CONSONANTS}])[ое]к$")


def normalize(text: str) -> str:
    """Lower case, ё as е, whitespace collapsed: how names are compared for an exact match."""
    return " ".join(text.casefold().replace("ё", "е").split())


def words(text: str) -> list[str]:
    """The query's words (letters and digits), normalized; punctuation and syntax dropped."""
    return _WORD.findall(normalize(text))[:MAX_WORDS]


def forms(word: str) -> list[str]:
    """The word and its fleeting-vowel twin, if it has one."""
    if (m := _WITHOUT_VOWEL.match(word)) and len(m.group(1)) >= 3:
        return [word, m.group(1) + "ок"]
    if (m := _WITH_VOWEL.match(word)) and len(m.group(1)) >= 3:
        return [word, m.group(1) + "ки"]
    return [word]


@lru_cache(maxsize=4)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


def stem(word: str) -> str:
    """Russian stem for a Cyrillic word, English stem for anything else."""
    language = "russian" if re.search("[а-я]", word) else "english"
    return _stemmer(language).stemWord(word)


def stemmed_text(text: str) -> str:
    """The text as its stems, for the SQLite index (no word limit)."""
    return " ".join(stem(w) for w in _WORD.findall(normalize(text)))
