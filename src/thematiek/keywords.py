"""Lexicon matching (compound-aware, on lemmas) and keyphrase extraction."""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from thematiek.records import Keyphrase, KeywordHit

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from thematiek.taxonomy import Taxonomy

# Pieces that may glue two parts of a Dutch compound together (klant-en-service,
# tevredenheid-s-onderzoek) and derivational endings that may follow a term
# (klantgericht-heid, motiveer-ing). Terms shorter than this never match inside words.
_LINKERS = ("", "s", "en", "e", "n", "er")
_DERIVATIONS = frozenset(
    [
        "heid",
        "heden",
        "ig",
        "ige",
        "lijk",
        "lijke",
        "isch",
        "ische",
        "ing",
        "ingen",
        "schap",
        "baar",
        "bare",
        "loos",
        "loze",
        "achtig",
        "tje",
        "je",
        "jes",
        "tjes",
        "er",
        "ers",
        "st",
        "ste",
        "e",
        "en",
        "s",
        "es",
        "iteit",
        "ie",
        "ies",
        "atie",
        "aties",
        "n",
    ]
)
_MIN_COMPOUND_TERM = 4
_MIN_PART = 3
_WEAK_WEIGHT = 0.5
_TOKEN_RE = re.compile(r"[\w'’-]+")


@lru_cache(maxsize=100_000)
def normalise(text: str) -> str:
    """Lower-case, strip diacritics, hyphens and apostrophes.

    ``Werk-privébalans`` -> ``werkprivebalans``, ``auto's`` -> ``autos``.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in "-'’‑")


@cache
def _vocabulary() -> frozenset[str]:
    data = resources.files("thematiek").joinpath("data/nl_vocab.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split("\n"))


@lru_cache(maxsize=200_000)
def _is_word_sequence(part: str) -> bool:
    """True when ``part`` is one or more known words, glued with Dutch linking letters."""
    if not part:
        return True
    if _is_word(part):
        return True
    for cut in range(len(part) - _MIN_PART, _MIN_PART - 1, -1):
        head, rest = part[:cut], part[cut:]
        if head in _vocabulary():
            for linker in _LINKERS:
                if rest.startswith(linker) and _is_word_sequence(rest[len(linker) :]):
                    return True
    return False


def _is_word(part: str) -> bool:
    """A known word, possibly inflected or derived (klachten, gerichtheid, gericht)."""
    vocab = _vocabulary()
    if len(part) < _MIN_PART:
        return False
    if part in vocab:
        return True
    for ending in _DERIVATIONS:
        stem = part[: -len(ending)]
        if part.endswith(ending) and len(stem) > _MIN_PART and (stem in vocab or _is_word(stem)):
            return True
    # A past participle: ge-richt-t -> richten, ge-zorg-d -> zorgen.
    return part.startswith("ge") and part[-1:] in ("t", "d") and part[2:-1] + "en" in vocab


def _is_tail(part: str) -> bool:
    """What may follow a term inside a word: nothing, an ending, or more words."""
    if not part or part in _DERIVATIONS:
        return True
    for linker in _LINKERS:
        if part.startswith(linker):
            rest = part[len(linker) :]
            if len(rest) >= _MIN_PART and _is_word_sequence(rest):
                return True
    return False


def is_compound_of(word: str, term: str) -> bool:
    """True when the normalised ``word`` is ``term`` or a compound (or derivation) with it.

    ``klantgerichtheid``, ``klantenservice`` and ``eindklant`` contain ``klant``;
    ``geleider`` does not contain ``leider``, because ``ge`` is no word of its own.
    """
    if word == term:
        return True
    if len(term) < _MIN_COMPOUND_TERM:
        return False
    if _find_in_compound(word, term):
        return True
    # A verb term also counts by its stem as the first part of a compound:
    # thuiswerken -> thuiswerkdag, samenwerken -> samenwerking.
    stem = term[:-2]
    return (
        term.endswith("en")
        and len(stem) >= _MIN_COMPOUND_TERM
        and word.startswith(stem)
        and _is_tail(word[len(stem) :])
        and word[len(stem) :] not in ("", "e", "en", "s")
    )


def _find_in_compound(word: str, term: str) -> bool:
    start = word.find(term)
    while start != -1:
        head, tail = word[:start], word[start + len(term) :]
        head_ok = not head or (len(head) >= _MIN_PART and _is_head(head))
        if head_ok and _is_tail(tail):
            return True
        start = word.find(term, start + 1)
    return False


def _is_head(part: str) -> bool:
    if _is_word_sequence(part):
        return True
    for linker in ("s", "en", "e"):
        stem = part[: -len(linker)]
        if part.endswith(linker) and len(stem) > _MIN_PART and _is_word_sequence(stem):
            return True
    return False


@dataclass(frozen=True)
class _Term:
    theme: str
    term: str
    weight: float
    words: tuple[str, ...]


@dataclass(frozen=True)
class LexiconMatch:
    """A lexicon term found in a token sequence (token indices, end exclusive)."""

    theme: str
    term: str
    weight: float
    start: int
    end: int


class LexiconMatcher:
    """Matches a taxonomy's lexicons against lemmatised tokens.

    Args:
        taxonomy: The taxonomy whose ``terms``, ``weak`` and ``negative`` lists are used.
        lemmatise: Turns a phrase into its lemmas, so that phrase terms match lemmas;
            without it, phrase terms match word by word as written.
    """

    def __init__(self, taxonomy: Taxonomy, lemmatise: Any = None) -> None:
        self.taxonomy = taxonomy
        self._single: list[_Term] = []
        self._phrases: dict[str, list[_Term]] = defaultdict(list)
        self._negative_words: dict[str, set[str]] = defaultdict(set)
        self._negative_phrases: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for theme in taxonomy:
            for terms, weight in ((theme.terms, 1.0), (theme.weak, _WEAK_WEIGHT)):
                for term in terms:
                    for words in _variants(term, lemmatise):
                        entry = _Term(theme.id, term, weight, words)
                        if len(words) == 1:
                            self._single.append(entry)
                        else:
                            self._phrases[words[0]].append(entry)
            for negative in theme.negative:
                for words in _variants(negative, lemmatise):
                    if len(words) == 1:
                        self._negative_words[words[0]].add(theme.id)
                    else:
                        self._negative_phrases[words[0]].append((theme.id, words))
        self._cache: dict[str, tuple[_Term, ...]] = {}
        # Indexes that narrow a word's candidate terms to those that can match at all (the
        # term inside the word, or a verb term's stem at its start), so that a new word
        # costs a few dict look-ups instead of an is_compound_of call per term.
        self._by_term: dict[str, list[int]] = defaultdict(list)
        self._by_stem: dict[str, list[int]] = defaultdict(list)
        for index, entry in enumerate(self._single):
            term = entry.words[0]
            self._by_term[term].append(index)
            if term.endswith("en") and len(term) - 2 >= _MIN_COMPOUND_TERM:
                self._by_stem[term[:-2]].append(index)
        self._longest = max((len(t) for t in self._by_term), default=0)
        self._starts = frozenset([*self._negative_words, *self._negative_phrases, *self._phrases])

    def _candidates(self, word: str) -> list[_Term]:
        """The single terms that may match ``word``, in lexicon order."""
        found: set[int] = set()
        by_term, by_stem, n = self._by_term, self._by_stem, len(word)
        for i in range(n):
            for j in range(i + 1, min(n, i + self._longest) + 1):
                hit = by_term.get(word[i:j])
                if hit:
                    found.update(hit)
        for j in range(_MIN_COMPOUND_TERM, min(n, self._longest) + 1):
            hit = by_stem.get(word[:j])
            if hit:
                found.update(hit)
        return [self._single[index] for index in sorted(found)]

    def _single_hits(self, word: str) -> tuple[_Term, ...]:
        found = self._cache.get(word)
        if found is not None:
            return found
        best: dict[str, _Term] = {}
        for entry in self._candidates(word):
            if is_compound_of(word, entry.words[0]):
                current = best.get(entry.theme)
                if current is None or (entry.weight, len(entry.term)) > (
                    current.weight,
                    len(current.term),
                ):
                    best[entry.theme] = entry
        found = tuple(best.values())
        self._cache[word] = found
        return found

    def match(
        self, lemmas: Sequence[str], words: Sequence[str] | None = None
    ) -> list[LexiconMatch]:
        """Find lexicon matches in a token sequence.

        Args:
            lemmas: The tokens' lemmas (any case; normalised here).
            words: The tokens as written; used for negatives and phrase terms.

        Returns:
            The matches in token order; at most one match per theme per token.
        """
        norm_lemmas = [normalise(lemma) for lemma in lemmas]
        norm_words = [normalise(word) for word in words] if words is not None else norm_lemmas
        # Most tokens start no negative and no phrase: find the few that do first.
        starts = self._starts
        special = [
            i
            for i, (lemma, word) in enumerate(zip(norm_lemmas, norm_words, strict=True))
            if lemma in starts or word in starts
        ]
        blocked: set[tuple[int, str]] = set()
        for i in special:
            lemma, word = norm_lemmas[i], norm_words[i]
            for theme in self._negative_words.get(word, ()):
                blocked.add((i, theme))
            for theme in self._negative_words.get(lemma, ()):
                blocked.add((i, theme))
            for first in {lemma, word}:
                for theme, phrase in self._negative_phrases.get(first, ()):
                    if _phrase_at(phrase, i, norm_lemmas, norm_words):
                        blocked.update((j, theme) for j in range(i, i + len(phrase)))
        matches: list[LexiconMatch] = []
        covered: set[tuple[int, str]] = set()
        for i in special:
            lemma, word = norm_lemmas[i], norm_words[i]
            for first in {lemma, word}:
                for entry in self._phrases.get(first, ()):
                    span = range(i, i + len(entry.words))
                    if (i, entry.theme) in covered or any(
                        (j, entry.theme) in blocked for j in span
                    ):
                        continue
                    if _phrase_at(entry.words, i, norm_lemmas, norm_words):
                        matches.append(
                            LexiconMatch(entry.theme, entry.term, entry.weight, i, span.stop)
                        )
                        covered.update((j, entry.theme) for j in span)
        for i, (lemma, word) in enumerate(zip(norm_lemmas, norm_words, strict=True)):
            if not lemma.isalpha():
                continue
            # The lemma decides; the word as written is the fallback for a lemma the
            # lemmatiser got wrong.
            entries = self._single_hits(lemma) or (
                self._single_hits(word) if word != lemma and word.isalpha() else ()
            )
            for entry in entries:
                if (i, entry.theme) in covered or (i, entry.theme) in blocked:
                    continue
                matches.append(LexiconMatch(entry.theme, entry.term, entry.weight, i, i + 1))
        matches.sort(key=lambda m: (m.start, m.theme))
        return matches


_MATCHERS: dict[str, LexiconMatcher] = {}


def matcher_for(taxonomy: Taxonomy) -> LexiconMatcher:
    """The shared matcher of a taxonomy (built once per process, with a warm cache).

    Phrase terms are lemmatised with the embedded Dutch lemmatiser, so that training and
    tagging see the same lexicon whatever pipeline tags.
    """
    key = taxonomy.fingerprint()
    matcher = _MATCHERS.get(key)
    if matcher is None:
        matcher = _MATCHERS[key] = LexiconMatcher(taxonomy, lemmatise=_embedded_lemmas)
    return matcher


def _embedded_lemmas(phrase: str) -> list[str]:
    from thematiek.nlp import load_nlp

    return [token.lemma_ or token.text for token in load_nlp("embedded")(phrase)]


def _variants(term: str, lemmatise: Any) -> set[tuple[str, ...]]:
    written = tuple(normalise(w) for w in _TOKEN_RE.findall(term))
    variants = {written}
    if lemmatise is not None and len(written) > 1:
        variants.add(tuple(normalise(w) for w in lemmatise(term)))
    if len(written) > 1 and "-" in term:
        variants.add((normalise(term.replace(" ", "")),))
    return {v for v in variants if v}


@dataclass(frozen=True, slots=True)
class DocTokens:
    """The per-token facts thematiek reads from a Doc, taken out in one pass.

    Lexicon matching, key phrases and the classifier's text all walk the same tokens;
    spaCy makes a new ``Token`` object on every step of every walk, so walking once and
    sharing plain lists is several times cheaper. Use :func:`doc_tokens` to get one.
    """

    texts: list[str]
    lemmas: list[str]  # the lemma, or the text where there is none
    spaces: list[str]  # the whitespace after each token
    is_space: list[bool]
    is_punct: list[bool]
    sent_starts: list[bool]

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens ``start:end`` as written, without trailing whitespace."""
        texts, spaces = self.texts, self.spaces
        return "".join(texts[k] + spaces[k] for k in range(start, end - 1)) + texts[end - 1]


_TOKENS_KEY = "thematiek.tokens"


def doc_tokens(doc: Doc) -> DocTokens:
    """The :class:`DocTokens` of a Doc, computed once and kept in ``doc.user_data``."""
    cached = doc.user_data.get(_TOKENS_KEY)
    if cached is not None and len(cached.texts) == len(doc):
        return cached
    texts, lemmas, spaces, is_space, is_punct, sent_starts = [], [], [], [], [], []
    for token in doc:
        text = token.text
        texts.append(text)
        lemmas.append(token.lemma_ or text)
        spaces.append(token.whitespace_)
        is_space.append(token.is_space)
        is_punct.append(token.is_punct)
        sent_starts.append(token.is_sent_start is True)
    tokens = DocTokens(texts, lemmas, spaces, is_space, is_punct, sent_starts)
    doc.user_data[_TOKENS_KEY] = tokens
    return tokens


def _phrase_at(phrase: Sequence[str], i: int, lemmas: Sequence[str], words: Sequence[str]) -> bool:
    if i + len(phrase) > len(lemmas):
        return False
    return all(p in (lemmas[i + k], words[i + k]) for k, p in enumerate(phrase))


def find_keyword_hits(doc: Doc, matcher: LexiconMatcher) -> list[KeywordHit]:
    """The lexicon hits of a lemmatised spaCy ``Doc``, with text, offsets and sentence.

    Args:
        doc: A Doc with lemmas and sentence boundaries.
        matcher: The lexicon matcher of a taxonomy.

    Returns:
        The hits in text order.
    """
    tokens = doc_tokens(doc)
    hits = []
    for match in matcher.match(tokens.lemmas, tokens.texts):
        span = doc[match.start : match.end]
        hits.append(
            KeywordHit(
                theme=match.theme,
                term=match.term,
                text=span.text,
                start=span.start_char,
                end=span.end_char,
                sentence=_sentence_text(span),
            )
        )
    return hits


_MAX_SENTENCE = 300


def _sentence_text(span: Any) -> str:
    try:
        sent = span.sent
    except ValueError:  # no sentence boundaries on this Doc
        sent = span.doc[max(0, span.start - 20) : min(len(span.doc), span.end + 20)]
    text = " ".join(sent.text.split())
    if len(text) <= _MAX_SENTENCE:
        return text
    # A runaway "sentence" (a 200,000-character line): keep a window around the hit.
    offset = span.start_char - sent.start_char
    left = max(0, offset - _MAX_SENTENCE // 2)
    return "… " + " ".join(sent.text[left : left + _MAX_SENTENCE].split()) + " …"


def score_lexicon(
    matches: Iterable[LexiconMatch], theme_ids: Sequence[str], n_words: int
) -> dict[str, tuple[float, float, float]]:
    """Summarise lexicon matches per theme.

    Args:
        matches: The matches of one article.
        theme_ids: All theme ids.
        n_words: The article's length in words.

    Returns:
        For each theme: (weighted hits, distinct terms, strength in [0, 1]). The strength
        is ``1 - exp(-hits / scale)`` with ``scale = max(3, words / 120)``: about 0.7 for
        five hits in a 500-word article, 0 without hits.
    """
    weighted: dict[str, float] = defaultdict(float)
    distinct: dict[str, set[str]] = defaultdict(set)
    for match in matches:
        weighted[match.theme] += match.weight
        distinct[match.theme].add(match.term)
    scale = max(3.0, n_words / 120.0)
    out: dict[str, tuple[float, float, float]] = {}
    for theme_id in theme_ids:
        hits = weighted[theme_id]
        breadth = min(1.0, len(distinct[theme_id]) / 3.0)
        strength = (1.0 - math.exp(-hits / scale)) * (0.5 + 0.5 * breadth)
        out[theme_id] = (hits, float(len(distinct[theme_id])), strength)
    return out


# ---------------------------------------------------------------------------------------
# Keyphrases


@dataclass(frozen=True)
class Background:
    """Document frequencies of candidate phrases in a background corpus."""

    n_docs: int
    df: Mapping[str, int]

    def idf(self, key: str) -> float:
        """Smoothed inverse document frequency."""
        return math.log((1 + self.n_docs) / (1 + self.df.get(key, 0))) + 1.0


_EXTRA_STOP = frozenset(
    """zijn worden hebben kunnen moeten gaan komen maken doen zien zeggen willen laten
    krijgen staan geven houden vinden weten denken blijven liggen zitten lopen nemen
    brengen vragen heel echt gewoon vaak even soms steeds altijd nooit goed veel meer
    minder eigen nieuw groot klein ander jaar keer dag week maand manier beetje iemand
    iets niets alles elk elke ieder iedere echter daarom waarom omdat terwijl wanneer
    eigenlijk natuurlijk misschien ongeveer helemaal alleen zo'n zulke welke deze dit
    volgens tijdens zonder tussen tegen onder boven binnen buiten mee toe ja nee oké
    procent euro uur minuut eerste tweede derde goed slecht daardoor daarna daarbij
    daarmee daarin daarvoor daarover vooral eerst pas waardoor zodat immers bovendien
    tenslotte uiteindelijk inmiddels namelijk vervolgens opnieuw samen meteen zelfs
    gewoonweg wellicht nogal best vrij erg zeer zeker juist enkel slechts ooit""".split()
)


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS

    return frozenset(normalise(w) for w in STOP_WORDS) | _EXTRA_STOP


def _candidate_ok(text: str, lemma: str, stop: frozenset[str]) -> bool:
    if not text[:1].isalpha() or len(text) < 3 or not text.replace("-", "").isalpha():
        return False
    lemma = normalise(lemma)
    if lemma in stop or normalise(text) in stop:
        return False
    # Without part-of-speech tags, an inflected verb form shows itself by a lemma that
    # is an infinitive different from the word (werkt -> werken, gewerkt -> werken).
    return not (lemma.endswith("en") and lemma != normalise(text) and not text[:1].isupper())


_NAME_WEIGHT = 0.35
_VERB_WEIGHT = 0.3


def iter_candidates(doc: Doc, max_words: int = 3) -> Iterator[tuple[str, str]]:
    """Candidate key phrases of a Doc: runs of content words inside a sentence.

    Yields:
        (key, text): the key is the normalised lemma phrase, the text as written.
    """
    stop = _stop_words()
    tokens = doc_tokens(doc)
    lemmas, starts = tokens.lemmas, tokens.sent_starts
    ok = [
        _candidate_ok(text, lemma, stop) for text, lemma in zip(tokens.texts, lemmas, strict=True)
    ]
    n = len(ok)
    for i in range(n):
        if not ok[i]:
            continue
        key = normalise(lemmas[i])
        for length in range(1, max_words + 1):
            j = i + length
            if j > n or not ok[j - 1]:
                break
            if length > 1:
                if starts[j - 1]:
                    break
                key = f"{key} {normalise(lemmas[j - 1])}"
            yield key, tokens.span_text(i, j)


def extract_keyphrases(
    doc: Doc, background: Background | None = None, top_n: int = 10
) -> list[Keyphrase]:
    """The key phrases of an article, scored against a background corpus.

    A candidate is a run of one to three content words (no stop words, numbers or
    punctuation, no inflected verbs) inside one sentence. Its score is
    ``tf * idf * (1 + 0.5 * (words - 1))``, where idf comes from the background corpus,
    so phrases that are frequent here and rare elsewhere come first; a single word that is
    only ever capitalised (a name) counts at a third. Phrases that are
    part of a better phrase are dropped; scores are scaled so that the best is 1.

    Args:
        doc: A lemmatised Doc.
        background: Document frequencies of a background corpus; without one, every
            phrase counts as rare.
        top_n: How many phrases to return.

    Returns:
        The best phrases, best first.
    """
    counts: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    for key, text in iter_candidates(doc):
        counts[key] += 1
        surface[key][text] += 1
    scored = []
    for key, tf in counts.items():
        n_words = key.count(" ") + 1
        if n_words > 1 and tf < 2:
            continue
        idf = background.idf(key) if background is not None else 1.0
        score = tf * idf * (1.0 + 0.5 * (n_words - 1))
        if n_words == 1 and all(form[:1].isupper() for form in surface[key]):
            # Never written in lower case: a name (Brouwer, Veenstede), rarely a topic.
            score *= _NAME_WEIGHT
        last = key.rsplit(" ", 1)[-1]
        if last.endswith("en") and any(form.lower().endswith(last) for form in surface[key]):
            # Ends in a word written as its own -en lemma: an infinitive (tonen, vragen
            # stellen) far more often than a noun; keep it, but below the nouns.
            score *= _VERB_WEIGHT
        scored.append((score, key))
    scored.sort(key=lambda item: (-item[0], item[1]))
    chosen: list[tuple[float, str]] = []
    chosen_words: list[tuple[str, ...]] = []
    for score, key in scored:
        words = tuple(key.split())
        if any(_contains(words, other) or _contains(other, words) for other in chosen_words):
            continue
        chosen.append((score, key))
        chosen_words.append(words)
        if len(chosen) == top_n:
            break
    if not chosen:
        return []
    best = chosen[0][0]
    out = []
    for score, key in chosen:
        text = _display_form(surface[key])
        out.append(Keyphrase(text=text, score=score / best))
    return out


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _display_form(forms: Counter[str]) -> str:
    text, _ = max(forms.items(), key=lambda item: (item[1], item[0].islower(), item[0]))
    return text if not text.isupper() or len(text) <= 5 else text.lower()


def build_background(docs: Iterable[Doc]) -> Background:
    """Count in how many documents each candidate phrase occurs."""
    df: Counter[str] = Counter()
    n_docs = 0
    for doc in docs:
        n_docs += 1
        df.update({key for key, _ in iter_candidates(doc)})
    # Phrases seen once carry no background information; keep the table small.
    return Background(n_docs=n_docs, df={k: v for k, v in sorted(df.items()) if v > 1})
