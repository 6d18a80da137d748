"""Province boundaries shipped in data/geo (simplified, joined by GSO code), loaded once per process."""
from __future__ import annotations

import json
from functools import lru_cache

from etl.paths import DATA_DIR

GEO_FILES = {"vn63": "vn63.geojson", "vn34": "vn34.geojson"}


@lru_cache(maxsize=2)
def boundaries(code_system: str) -> dict | None:
    """The FeatureCollection for a province code system, or None for systems without a map."""
    name = GEO_FILES.get(code_system)
    return json.loads((DATA_DIR / "geo" / name).read_text("utf-8")) if name else None
