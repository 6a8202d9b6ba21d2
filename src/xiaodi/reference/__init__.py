"""Public reference data (公开参考数据): regions, industries, disciplines, universities, 双一流, state key labs.

The files live in ``data/reference`` (provenance and licences in its SOURCES.md); ``load_reference_data`` puts
them into the directory and catalog tables, idempotently.
"""

from xiaodi.reference.loader import load_reference_data
from xiaodi.reference.paths import reference_data_dir

__all__ = ["load_reference_data", "reference_data_dir"]
