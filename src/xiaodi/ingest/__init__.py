"""Report ingestion (报道导入): noisy reports in, clean text and stated figures out.

``clean_report`` → ``CleanedReport``; ``extract_figures`` → ``StatedFigure`` list; ``find_organisations`` /
``find_cooperations`` → who is named and who cooperated; ``ingest_text`` / ``ingest_paths`` → JSON-ready dicts.
Nothing is loaded at import time: the 繁简 tables and the region list are read at first use.
"""

from xiaodi.ingest.clean import CleanedReport, clean_report
from xiaodi.ingest.decode import MAX_BYTES, IngestError
from xiaodi.ingest.figures import METRICS, StatedFigure, extract_figures
from xiaodi.ingest.orgs import Cooperation, Organisation, find_cooperations, find_organisations
from xiaodi.ingest.pipeline import ingest_paths, ingest_text

__all__ = [
    "MAX_BYTES", "METRICS", "CleanedReport", "Cooperation", "IngestError", "Organisation", "StatedFigure",
    "clean_report", "extract_figures", "find_cooperations", "find_organisations", "ingest_paths", "ingest_text",
]  # fmt: skip
