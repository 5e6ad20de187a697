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


@lru_cache(maxsize=None)
def lsh_params(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH chooses for ``threshold``."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


_BAND_MIX = (np.arange(1, 65, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)) | np.uint64(1)
_BAND_SALT = np.arange(1, 257, dtype=np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)


def band_keys(sig: LeanMinHash, bands: int, rows: int) -> list[int]:
    """One signed 64-bit bucket key per LSH band, the band's number mixed in (for an index kept
    in SQL): two signatures share a bucket when a band's hash values are equal; the rare unequal
    collision only adds a candidate, which the Jaccard check then drops."""
    grid = sig.hashvalues[: bands * rows].astype(np.uint64).reshape(bands, rows)
    keys = (grid * _BAND_MIX[:rows]).sum(axis=1, dtype=np.uint64) + _BAND_SALT[:bands]
    return keys.view(np.int64).tolist()


def candidate_threshold(threshold: float) -> float:
    """LSH bands are tuned a little below the confirmation threshold so that candidates are not
    missed; each candidate is then confirmed on the Jaccard estimate itself."""
    return max(0.1, threshold - 0.1)


def datasketch_index(threshold: float, num_perm: int = NUM_PERM, redis: dict | None = None) -> MinHashLSH:
    """datasketch's MinHashLSH in memory, or in Redis (``{"host", "port", "db"}``) under a fixed
    basename so that several processes share it and a restart finds it whole."""
    storage = {"type": "redis", "basename": REDIS_BASENAME, "redis": redis} if redis else None
    return MinHashLSH(threshold=candidate_threshold(threshold), num_perm=num_perm, storage_config=storage)


class Deduplicator:
    """An LSH index of known articles; ``check`` returns the most similar one over the threshold.

    ``index`` is anything with MinHashLSH's ``insert``/``query``/``insertion_session``/``is_empty``
    and ``in`` (by default an in-memory MinHashLSH; ``yrdwatch.db.bands`` has one kept in SQLite, whose
    inserts are idempotent, so keys need no ``in`` check before inserting).
    ``lookup(key)`` gives the stored signature of a candidate (by default the ones added to this
    object, kept in memory).
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM,
                 lookup: Callable[[str], LeanMinHash | None] | None = None, index=None):
        self.threshold = threshold
        self._lsh = index if index is not None else datasketch_index(threshold, num_perm)
        self._memory: dict[str, LeanMinHash] = {}
        self._lookup = lookup or self._memory.get

    def __contains__(self, key: str) -> bool:
        return key in self._lsh

    def is_empty(self) -> bool:
        return self._lsh.is_empty()

    def add(self, key: str, sig: LeanMinHash) -> None:
        self.add_many([(key, sig)])

    def add_many(self, items) -> None:
        """Bulk insert of ``(key, signature)`` pairs (one Redis pipeline or SQL transaction)."""
        with self._lsh.insertion_session() as session:
            checked = not getattr(self._lsh, "idempotent", False)
            for key, sig in items:
                if not checked or key not in self._lsh:
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
