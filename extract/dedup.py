"""Near-duplicate articles with MinHash over the analysis text.

Signatures are taken over character 4-grams of the *analysis text* (Simplified, no pinyin ruby,
NFKC) with punctuation and white space removed, so a Traditional reprint with ruby and a
Simplified original compare as the same characters. ``benchmarks/dedup_bench.py`` measured 2–6
character shingles on the sample sites' reprint pairs: 4-grams keep reprints at Jaccard ≥ 0.8
while two different signings in one district with similar wording stay below 0.09.

``Deduplicator`` wraps datasketch's MinHashLSH (in memory, or datasketch's Redis storage) and
confirms every LSH candidate on the Jaccard estimate; the signatures themselves live wherever the
caller keeps them (SQLite in yrdwatch), so the index holds only LSH band keys.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
SEED = 1
SHINGLE = 4
DEFAULT_THRESHOLD = 0.5
SCHEME = "affine32"
# Recorded beside stored signatures: a different scheme means the stored ones must be re-made.
HASHING = f"datasketch-{SCHEME}/poly32-codepoints/char-{SHINGLE}gram/no-punct/perm-{NUM_PERM}/seed-{SEED}"
REDIS_BASENAME = b"yrdwatch-dedup"

_NOISE = re.compile(r"[\W_]+", re.UNICODE)
_POLY = np.uint64(1000003)
_LOW32 = np.uint64(0xFFFFFFFF)


def shingle_hashes(analysis: str, size: int = SHINGLE) -> np.ndarray:
    """Distinct 32-bit hashes of the text's character ``size``-grams, computed with numpy.

    A polynomial over code points is weak as a hash, but datasketch's affine32 scheme pre-mixes
    every input with the MurmurHash3 finalizer, so it only has to be distinct; hashing each
    shingle with SHA-1 in Python was two thirds of the signing time.
    """
    compact = _NOISE.sub("", analysis)
    points = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) < size:
        points = np.pad(points, (0, size - len(points)))
    n = len(points) - size + 1
    hashes = np.zeros(n, dtype=np.uint64)
    for i in range(size):
        hashes = hashes * _POLY + points[i:i + n]
    return np.unique(hashes & _LOW32)


@lru_cache(maxsize=None)
def _permutations(num_perm: int, seed: int):
    return MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations


def signature(analysis: str, num_perm: int = NUM_PERM) -> LeanMinHash:
    m = MinHash(num_perm=num_perm, seed=SEED, hashfunc=int, permutations=_permutations(num_perm, SEED), scheme=SCHEME)
    m.update_batch(shingle_hashes(analysis).tolist())
    return LeanMinHash(m)


def signature_to_bytes(sig: LeanMinHash) -> bytes:
    buf = bytearray(sig.bytesize())
    sig.serialize(buf)
    return bytes(buf)


def signature_from_bytes(data: bytes) -> LeanMinHash:
    return LeanMinHash.deserialize(data)


@dataclass
class Match:
    key: str
    similarity: float


class Deduplicator:
    """An LSH index of known articles; ``check`` returns the most similar one over the threshold.

    ``lookup(key)`` gives the stored signature of a candidate (by default the ones added to this
    object, kept in memory); ``redis`` (``{"host": …, "port": …, "db": …}``) keeps the LSH index
    in Redis with datasketch's own storage under a fixed basename, so several processes share it
    and a restart finds it whole.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM,
                 lookup: Callable[[str], LeanMinHash | None] | None = None, redis: dict | None = None):
        self.threshold = threshold
        storage = {"type": "redis", "basename": REDIS_BASENAME, "redis": redis} if redis else None
        # Bands tuned a little below the confirmation threshold so that candidates are not missed;
        # each candidate is then confirmed on the Jaccard estimate itself.
        self._lsh = MinHashLSH(threshold=max(0.1, threshold - 0.1), num_perm=num_perm, storage_config=storage)
        self._memory: dict[str, LeanMinHash] = {}
        self._lookup = lookup or self._memory.get

    def __contains__(self, key: str) -> bool:
        return key in self._lsh

    def is_empty(self) -> bool:
        return self._lsh.is_empty()

    def add(self, key: str, sig: LeanMinHash) -> None:
        if key not in self._lsh:
            self._lsh.insert(key, sig, check_duplication=False)
        if self._lookup == self._memory.get:
            self._memory[key] = sig

    def add_many(self, items) -> None:
        """Bulk insert of ``(key, signature)`` pairs (one Redis pipeline, not one round trip each)."""
        with self._lsh.insertion_session() as session:
            for key, sig in items:
                if key not in self._lsh:
                    session.insert(key, sig, check_duplication=False)
                if self._lookup == self._memory.get:
                    self._memory[key] = sig

    def check(self, sig: LeanMinHash, exclude: str | None = None) -> Match | None:
        best: Match | None = None
        for key in self._lsh.query(sig):
            key = key.decode("utf-8") if isinstance(key, bytes) else key
            if key == exclude or (known := self._lookup(key)) is None:
                continue
            similarity = sig.jaccard(known)
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Match(key, round(similarity, 4))
        return best
