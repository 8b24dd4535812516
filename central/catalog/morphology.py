"""Words of a search query and their Russian/English forms. Pure.

Snowball stemmers keep the fleeting vowel apart: «кроссовки» stems to «кроссовк» but
«кроссовок» (genitive plural) to «кроссовок», so neither finds the other. A query word is
therefore searched as itself OR its form with the vowel put in (or taken out); the indexed text
is left as the stemmer makes it.
"""

from __future__ import annotations

import re
import threading

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


_local = threading.local()


def _stemmer(language: str) -> snowballstemmer.stemmer:
    """This thread's stemmer: one keeps the word it is working on in itself, so two threads
    stemming with the same one corrupt each other's word (IndexError from inside it)."""
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(language)
    return stemmers[language]


def stem(word: str) -> str:
    """Russian stem for a Cyrillic word, English stem for anything else."""
    language = "russian" if re.search("[а-я]", word) else "english"
    return _stemmer(language).stemWord(word)


def stemmed_text(text: str) -> str:
    """The text as its stems, for the SQLite index (no word limit)."""
    return " ".join(stem(w) for w in _WORD.findall(normalize(text)))
