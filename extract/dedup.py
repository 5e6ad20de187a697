"""Near-duplicate articles with MinHash over the analysis text.

Signatures are taken over character shingles of the *analysis text* with punctuation and white
space removed, so a Traditional reprint with pinyin ruby and a Simplified original compare as the
same characters. ``Deduplicator`` holds a MinHashLSH index in memory; the database layer persists
the signatures (``signature_to_bytes``) and rebuilds the index from them at start.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
SEED = 1
SHINGLE = 4  # characters per shingle; 4-grams keep Chinese word order without being brittle
DEFAULT_THRESHOLD = 0.5
HASHING = "datasketch-sha1-32/char-4gram/no-punct"  # recorded with stored signatures

_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def shingles(analysis: str, size: int = SHINGLE) -> set[bytes]:
    compact = _NOISE.sub("", analysis)
    if len(compact) <= size:
        return {compact.encode("utf-8")} if compact else set()
    return {compact[i:i + size].encode("utf-8") for i in range(len(compact) - size + 1)}


def signature(analysis: str) -> LeanMinHash:
    m = MinHash(num_perm=NUM_PERM, seed=SEED)
    m.update_batch(list(shingles(analysis)))
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
    """An LSH index of known articles; ``check`` finds the most similar one over the threshold."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM):
        self.threshold = threshold
        # LSH bands are tuned a little below the confirmation threshold so candidates are not
        # missed; every candidate is then confirmed on the Jaccard estimate itself.
        self._lsh = MinHashLSH(threshold=max(0.1, threshold - 0.1), num_perm=num_perm)
        self._signatures: dict[str, LeanMinHash] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, key: str) -> bool:
        return key in self._signatures

    def add(self, key: str, sig: LeanMinHash) -> None:
        if key not in self._signatures:
            self._lsh.insert(key, sig)
            self._signatures[key] = sig

    def check(self, sig: LeanMinHash, exclude: str | None = None) -> Match | None:
        best: Match | None = None
        for key in self._lsh.query(sig):
            if key == exclude:
                continue
            similarity = sig.jaccard(self._signatures[key])
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Match(key, round(similarity, 4))
        return best
