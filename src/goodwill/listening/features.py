"""Character n-gram TF-IDF, computed word by word with a cache: the same features as scikit-learn's
`TfidfVectorizer(analyzer="char_wb")`, several times faster on messages.

`char_wb` n-grams never cross a word boundary, so a message's n-grams are the union of its words' n-grams, and
words repeat (a few thousand words make most of any airline's messages). Each word's feature columns are looked up
once and kept; a message is then a concatenation of cached arrays, counted and weighted in bulk by numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

IntArray = NDArray[np.int32]
_EMPTY: IntArray = np.zeros(0, dtype=np.int32)
# Words kept in the cache; beyond this, new words are looked up each time (memory stays bounded).
CACHE_WORDS = 200_000


class CharNgramTfidf(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """TF-IDF of character n-grams within words (`char_wb`), sublinear tf, l2-normalised rows."""

    def __init__(self, ngram_range: tuple[int, int] = (2, 5), min_df: int = 2) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df

    def fit(self, texts: Sequence[str], y: Any = None) -> CharNgramTfidf:  # noqa: ARG002 - scikit-learn's signature
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=self.ngram_range, min_df=self.min_df, sublinear_tf=True, lowercase=False
        ).fit(texts)
        self.idf_ = np.asarray(self.vectorizer_.idf_, dtype=np.float32)
        return self

    def _columns(self, word: str, cache: dict[str, IntArray]) -> IntArray:
        columns = cache.get(word)
        if columns is None:
            vocabulary = self.vectorizer_.vocabulary_
            found = [vocabulary[g] for g in self._analyzer(word) if g in vocabulary]
            columns = np.asarray(found, dtype=np.int32) if found else _EMPTY
            if len(cache) < CACHE_WORDS:
                cache[word] = columns
        return columns

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        cache: dict[str, IntArray] = self.__dict__.setdefault("_cache", {})
        if "_analyzer" not in self.__dict__:
            self._analyzer = self.vectorizer_.build_analyzer()
        pieces: list[IntArray] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for row, text in enumerate(texts):
            words = [self._columns(w, cache) for w in text.split()]
            if words:
                joined = np.concatenate(words)
                pieces.append(joined)
                lengths[row] = joined.size
        columns = np.concatenate(pieces) if pieces else _EMPTY
        rows = np.repeat(np.arange(len(texts), dtype=np.int32), lengths)
        counts = sparse.csr_matrix(
            (np.ones(columns.size, dtype=np.float32), (rows, columns)), shape=(len(texts), self.idf_.size)
        )
        counts.sum_duplicates()
        counts.data = (np.log(counts.data) + 1.0) * self.idf_[counts.indices]
        result: sparse.csr_matrix = normalize(counts, copy=False)
        return result

    def __getstate__(self) -> dict[str, Any]:
        """The cache and the analyzer are rebuilt after loading: never persisted."""
        state = dict(self.__dict__)
        state.pop("_cache", None)
        state.pop("_analyzer", None)
        return state
