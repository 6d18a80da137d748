"""Build the small province-boundary GeoJSON files the dashboard's Plotly choropleths load.

Run from the project root:

    .venv/bin/python scripts/simplify_geo.py [--shared ../shared/geo] [--tolerance 0.005]

Inputs (read-only, see <shared>/README.md):
  <shared>/vn34_provinces_2025/*.geojson                 34 files, one MultiPolygon feature each, `code` = GSO code
  <shared>/vn63_provinces_pre2025/geoBoundaries-VNM-ADM1_simplified.geojson
                                                         64 features (63 provinces + "Côn Đảo"), ISO 3166-2 codes
  data/reference/provinces_vn63_regions.csv              63 GSO codes and names (join key for the geoBoundaries names)
  data/reference/province_merger_2025.csv                the 34 new codes (checked against the vn34 files)

Outputs (data/geo/):
  vn63_iso_to_gso.csv   crosswalk, one row per geoBoundaries feature (64 rows -> 63 GSO codes)
  vn63.geojson          63 features, properties {code, name}, id = code, Côn Đảo merged into 77
  vn34.geojson          34 features, properties {code, name}, id = code
  CITATION-AND-USE-geoBoundaries.txt   copied verbatim (CC BY 4.0 notice travels with the data)
  README.md             sources, licences, what was done, sizes

Geometry processing (pure Python + numpy, no shapely):
  * Douglas-Peucker per ring (planar, tolerance in degrees). Small rings get a tolerance of at most 10 % of
    their own extent, and a ring that would collapse below 4 points is re-simplified with a smaller tolerance
    (down to unsimplified), so small islands — Hoàng Sa (Đà Nẵng, 48) and Trường Sa (Khánh Hòa, 56) — keep
    their shape and are never dropped. Only degenerate source slivers (area < 1e-9 deg²) are dropped.
  * Coordinates rounded to --decimals (default 4, ~11 m); a ring that degenerates under rounding is retried at
    a finer precision.
  * Winding normalised for Plotly's d3-geo renderer: exterior rings CLOCKWISE, holes COUNTER-CLOCKWISE, measured
    as the shoelace signed area in planar (lon, lat) — exterior < 0, hole > 0. This is the reverse of the
    RFC 7946 right-hand rule; d3 (spherical) treats a counter-clockwise small ring as "everything except this
    polygon" and would fill the whole globe.
"""
from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import shutil
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from etl.names import name_key  # noqa: E402

DEFAULT_TOLERANCE = 0.005  # degrees (~550 m); see README for sizes
DEFAULT_DECIMALS = 4  # ~11 m
SMALL_RING_FRACTION = 0.1  # a ring never gets a tolerance above 10 % of its own extent (keeps islands' shape)
DEGENERATE_AREA = 1e-9  # deg² (~12 m²): source slivers below this are dropped (never a feature's last polygon)
GB_FILE = "geoBoundaries-VNM-ADM1_simplified.geojson"
GB_CITATION = "CITATION-AND-USE-geoBoundaries.txt"

# geoBoundaries features that are not provinces of their own: shapeName -> (GSO code, note)
GB_EXTRA = {
    name_key("Côn Đảo"): ("77", "dissolved into Bà Rịa - Vũng Tàu"),
}
# Other spellings of a province in geoBoundaries -> GSO code (none needed with the 2023 release; kept explicit).
GB_ALIASES = {
    name_key("Huế"): "46",  # Thừa Thiên Huế became Thành phố Huế on 2025-01-01
}


class GeoError(RuntimeError):
    pass


# --------------------------------------------------------------------------------------------- geometry


def signed_area(ring) -> float:
    """Shoelace signed area in planar (lon, lat) degrees²: > 0 counter-clockwise, < 0 clockwise."""
    a = np.asarray(ring, dtype=float)
    x, y = a[:, 0], a[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]) + (x[-1] * y[0] - x[0] * y[-1]))


def _seg_dist(pts: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of each point in pts to the segment a-b."""
    d = b - a
    dd = float(d @ d)
    if dd == 0.0:
        return np.hypot(*(pts - a).T)
    t = np.clip(((pts - a) @ d) / dd, 0.0, 1.0)
    proj = a + t[:, None] * d
    return np.hypot(*(pts - proj).T)


def _dp_keep(pts: np.ndarray, tol: float) -> np.ndarray:
    """Iterative Douglas-Peucker on an open chain; returns a boolean mask of kept points (ends kept)."""
    n = len(pts)
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        dist = _seg_dist(pts[i + 1:j], pts[i], pts[j])
        k = int(np.argmax(dist))
        if dist[k] > tol:
            k += i + 1
            keep[k] = True
            stack.append((i, k))
            stack.append((k, j))
    return keep


def simplify_ring(ring, tol: float) -> np.ndarray:
    """Douglas-Peucker on a closed ring. Returns a closed (n, 2) array (first == last)."""
    a = np.asarray(ring, dtype=float)[:, :2]
    if len(a) > 1 and np.array_equal(a[0], a[-1]):
        a = a[:-1]
    if tol <= 0 or len(a) <= 3:
        return np.vstack([a, a[:1]])
    # split the closed ring at vertex 0 and the vertex farthest from it: two open chains
    far = int(np.argmax(np.hypot(*(a - a[0]).T)))
    if far == 0:
        return np.vstack([a, a[:1]])
    chain1 = a[: far + 1]
    chain2 = np.vstack([a[far:], a[:1]])
    k1 = _dp_keep(chain1, tol)
    k2 = _dp_keep(chain2, tol)
    out = np.vstack([chain1[k1], chain2[k2][1:]])  # chain2 starts at `far`, already in chain1; ends at a[0]
    return out


def _round_ring(a: np.ndarray, decimals: int) -> list[list[float]] | None:
    """Round, drop consecutive duplicates, close; None if fewer than 3 distinct points or zero area."""
    r = np.round(a, decimals)
    if len(r) > 1 and np.array_equal(r[0], r[-1]):
        r = r[:-1]
    if len(r) == 0:
        return None
    keep = np.ones(len(r), dtype=bool)
    keep[1:] = np.any(r[1:] != r[:-1], axis=1)
    r = r[keep]
    if len(r) > 1 and np.array_equal(r[0], r[-1]):
        r = r[:-1]
    if len(np.unique(r, axis=0)) < 3:
        return None
    closed = np.vstack([r, r[:1]])
    if signed_area(closed) == 0.0:
        return None
    return [[round(float(x), decimals), round(float(y), decimals)] for x, y in closed]


def process_ring(ring, tol: float, decimals: int, stats: Counter) -> list[list[float]] | None:
    """Simplify + round one ring, never letting a real ring vanish.

    Small rings (islands) get a tolerance scaled to their own size (SMALL_RING_FRACTION of their extent), so they
    keep a recognisable shape and area instead of collapsing to a triangle; if a ring still collapses it is retried
    with a smaller tolerance (down to unsimplified), then with finer rounding. Only degenerate source rings (area
    below DEGENERATE_AREA, i.e. slivers of a few m²) are dropped.
    """
    a = np.asarray(ring, dtype=float)[:, :2]
    if abs(signed_area(a)) < DEGENERATE_AREA:
        stats["degenerate rings dropped"] += 1
        return None
    extent = float((a.max(axis=0) - a.min(axis=0)).max())
    if tol > extent * SMALL_RING_FRACTION:
        tol = extent * SMALL_RING_FRACTION
        stats["small rings simplified with a size-scaled tolerance"] += 1
    tols = [tol, tol / 4, tol / 16, tol / 64, 0.0] if tol > 0 else [0.0]
    for dec in (decimals, decimals + 1, decimals + 2):
        for i, t in enumerate(tols):
            out = _round_ring(simplify_ring(a, t), dec)
            if out is not None:
                if i > 0 or dec > decimals:
                    stats["rings kept with a finer tolerance/precision"] += 1
                return out
    stats["degenerate rings dropped"] += 1
    return None


def orient(ring: list[list[float]], exterior: bool) -> list[list[float]]:
    """Plotly/d3 winding: exterior clockwise (signed area < 0), hole counter-clockwise (> 0)."""
    area = signed_area(ring)
    if (exterior and area > 0) or (not exterior and area < 0):
        return ring[::-1]
    return ring


def polygons_of(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise GeoError(f"unsupported geometry type {geometry['type']}")


def process_polygons(polys: list, tol: float, decimals: int, stats: Counter, label: str) -> list:
    out = []
    for poly in polys:
        ext = process_ring(poly[0], tol, decimals, stats)
        if ext is None:
            continue
        rings = [orient(ext, exterior=True)]
        for hole in poly[1:]:
            h = process_ring(hole, tol, decimals, stats)
            if h is not None:
                rings.append(orient(h, exterior=False))
        out.append(rings)
    if not out:
        raise GeoError(f"{label}: every polygon collapsed — refusing to drop a whole feature")
    stats["polygons"] += len(out)
    stats["points"] += sum(len(r) for p in out for r in p)
    return out


def feature(code: str, name: str, polys: list) -> dict:
    return {"type": "Feature", "id": code, "properties": {"code": code, "name": name},
            "geometry": {"type": "MultiPolygon", "coordinates": polys}}


def write_fc(path: Path, features: list[dict]) -> None:
    """Compact JSON, one feature per line (readable diffs), UTF-8."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    path.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------- reference data


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def gso_by_key(rows: list[dict]) -> dict[str, str]:
    index: dict[str, list[str]] = {}
    for r in rows:
        index.setdefault(name_key(r["name"]), []).append(r["code"])
    dup = {k: v for k, v in index.items() if len(v) > 1}
    if dup:
        raise GeoError(f"ambiguous names in provinces_vn63_regions.csv: {dup}")
    return {k: v[0] for k, v in index.items()}


def crosswalk(gb_features: list[dict], provinces: list[dict]) -> list[dict]:
    """One row per geoBoundaries feature: shapeISO, shapeName -> GSO code. Fails loudly on any mismatch."""
    by_key = gso_by_key(provinces)
    names = {r["code"]: r["name"] for r in provinces}
    rows, errors = [], []
    for f in gb_features:
        p = f["properties"]
        key = name_key(p["shapeName"])
        note = ""
        if key in by_key:
            code = by_key[key]
        elif key in GB_EXTRA:
            code, note = GB_EXTRA[key]
        elif key in GB_ALIASES:
            code = GB_ALIASES[key]
        else:
            errors.append(f"geoBoundaries name {p['shapeName']!r} ({p.get('shapeISO')}) matches no GSO province")
            continue
        rows.append({"shapeISO": p.get("shapeISO", ""), "shapeName": p["shapeName"], "gso_code": code,
                     "gso_name": names[code], "note": note})
    provinces_rows = Counter(r["gso_code"] for r in rows if not r["note"])
    errors += [f"GSO code {c} matched by {n} geoBoundaries provinces" for c, n in provinces_rows.items() if n > 1]
    missing = sorted(set(names) - {r["gso_code"] for r in rows})
    if missing:
        errors.append(f"GSO codes without a geoBoundaries feature: {missing}")
    if errors:
        raise GeoError("crosswalk failed:\n  " + "\n  ".join(errors))
    return rows


# --------------------------------------------------------------------------------------------- builders


def build_vn63(shared: Path, provinces: list[dict], tol: float, decimals: int, stats: Counter):
    gb = json.loads((shared / "vn63_provinces_pre2025" / GB_FILE).read_text(encoding="utf-8"))
    cw = crosswalk(gb["features"], provinces)
    polys_by_code: dict[str, list] = {}
    # the province's own polygons first, extras (Côn Đảo) appended after them
    for f, row in sorted(zip(gb["features"], cw), key=lambda fr: bool(fr[1]["note"])):
        label = f"vn63 {row['gso_code']} {f['properties']['shapeName']}"
        polys = process_polygons(polygons_of(f["geometry"]), tol, decimals, stats, label)
        polys_by_code.setdefault(row["gso_code"], []).extend(polys)
    names = {r["code"]: r["name"] for r in provinces}
    feats = [feature(code, names[code], polys_by_code[code]) for code in sorted(polys_by_code)]
    if len(feats) != 63:
        raise GeoError(f"vn63: expected 63 features, got {len(feats)}")
    return feats, cw


def build_vn34(shared: Path, new_codes: set[str], tol: float, decimals: int, stats: Counter):
    files = sorted(glob.glob(str(shared / "vn34_provinces_2025" / "*.geojson")))
    feats = []
    for path in files:
        fc = json.loads(Path(path).read_text(encoding="utf-8"))
        if len(fc["features"]) != 1:
            raise GeoError(f"{path}: expected exactly one feature, got {len(fc['features'])}")
        src = fc["features"][0]
        code, name = str(src["properties"]["code"]).zfill(2), src["properties"]["name"]
        polys = process_polygons(polygons_of(src["geometry"]), tol, decimals, stats, f"vn34 {code} {name}")
        feats.append(feature(code, name, polys))
    feats.sort(key=lambda f: f["id"])
    codes = [f["id"] for f in feats]
    if len(codes) != 34 or set(codes) != new_codes or len(set(codes)) != 34:
        raise GeoError(f"vn34: codes {codes} do not equal the 34 new_code values of province_merger_2025.csv")
    return feats


# --------------------------------------------------------------------------------------------- README

README = """# Province boundaries for the dashboard's choropleths

Generated by `scripts/simplify_geo.py` — do not edit the GeoJSON by hand. Join survey data **by GSO code**
(`properties.code`, also the feature `id`), never by name.

| file | content | size |
| --- | --- | --- |
| `vn34.geojson` | 34 provincial units after 2025-07-01; properties `code`, `name` | {vn34_size} |
| `vn63.geojson` | 63 provinces before 2025-07-01; properties `code`, `name` (from `data/reference/provinces_vn63_regions.csv`) | {vn63_size} |
| `vn63_iso_to_gso.csv` | crosswalk geoBoundaries `shapeISO`/`shapeName` -> GSO code (64 rows -> 63 codes) | {cw_size} |
| `CITATION-AND-USE-geoBoundaries.txt` | geoBoundaries licence/citation notice, copied verbatim | |

Plotly usage: `go.Choropleth(geojson=fc, locations=codes, z=values, featureidkey="properties.code")` with
`fig.update_geos(fitbounds="locations", visible=False)` (`projection_type="mercator"` fits Vietnam far tighter
than the default projection).

**Offline caveat (checked with plotly.js 4.1.1 in Chromium):** a `geo` subplot always fetches its base-map
topojson (`https://cdn.plot.ly/un/world_110m.json`), even with `visible=False`; without internet that request
fails and *nothing* is drawn. Give Plotly a stub topology through the config, e.g.
`config={{"topojsonURL": 'data:application/json,{{"type":"Topology","objects":{{}},"arcs":[]}}#/'}}` (plotly.js appends
`world_110m.json` to the URL; after `#` it is ignored) — with `visible=False` no base layer is needed. This
works in a `write_html` page; for `st.plotly_chart(fig, config=...)` the same config is passed through to plotly.js.

## Sources and licences

### `vn34.geojson` — MIT

- Source: GitHub `thanglequoc/vietnamese-provinces-database`, snapshot commit
  `cd58063299585146ded3981f2272946ef19ced54` (2026-08-02), `json/geojson/<code>_<name>/<code>_<name>.geojson`
  (34 files, one MultiPolygon feature each; `code` = 2-digit GSO/NSO code).
- Licence: MIT, "Copyright (c) 2021 Thang Le Quoc". The MIT licence asks that the copyright notice and the
  permission notice travel with copies or substantial portions (standard MIT text):

  > Copyright (c) 2021 Thang Le Quoc
  >
  > Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
  > documentation files (the "Software"), to deal in the Software without restriction, including without
  > limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the
  > Software, and to permit persons to whom the Software is furnished to do so, subject to the following
  > conditions:
  >
  > The above copyright notice and this permission notice shall be included in all copies or substantial
  > portions of the Software.
  >
  > THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED
  > TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL
  > THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
  > CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
  > DEALINGS IN THE SOFTWARE.

- Upstream of the geometry (per the repository README): "GIS boundary data was derived from the Vietnam
  Administrative Units Reference Map (https://sapnhap.bando.com.vn), published by the Vietnam Natural Resources,
  Environment and Cartography Publishing House under the Ministry of Agriculture and Environment." That
  government map states no open licence in what we saw; treat MIT as the repository author's grant and keep
  this attribution.
- Naming note: the source tracks NSO updates through Resolution 30/2026/QH16, so code 75 is named as in the
  source (`name` property copied verbatim); display names should come from the project's reference tables.

### `vn63.geojson` — geoBoundaries, CC BY 4.0 (attribution required)

- Source: geoBoundaries gbOpen, VNM ADM1, boundaryID `VNM-ADM1-63759600`, boundaryYear 2008, built Dec 12, 2023
  (https://www.geoboundaries.org, https://github.com/wmgeolab/geoBoundaries), file
  `geoBoundaries-VNM-ADM1_simplified.geojson` as redistributed by GitHub `nhdthnh/GeoJson`, snapshot commit
  `704c7b8bf1638105db5e937cbffe38018ba9810c` (2025-09-04) (that repository has no LICENSE of its own).
- Metadata licence of the boundary: "Public Domain" (source: Wikimedia Commons). The geoBoundaries citation file
  states: "Computer code and derivative works generated by the geoBoundaries project are released under the
  Attribution 4.0 International (CC BY 4.0) license. Attribution is required for use of this product."
- **Attribution to show wherever the vn63 map is displayed:**
  "Administrative boundaries courtesy of geoBoundaries.org" (https://www.geoboundaries.org) — academic citation: Runfola D, Anderson A, Baier H, Crittenden M, Dowker E, Fuhrig S, et al.
  (2020) geoBoundaries: A global database of political administrative boundaries. PLoS ONE 15(4): e0231866.
  https://doi.org/10.1371/journal.pone.0231866. See `CITATION-AND-USE-geoBoundaries.txt`.
- Changes made (CC BY 4.0 requires indicating them): features re-keyed from ISO 3166-2 to GSO codes, the separate
  "Côn Đảo" feature dissolved into Bà Rịa - Vũng Tàu (77), geometry simplified and rounded, rings rewound.

## What the script did

- Crosswalk (`vn63_iso_to_gso.csv`): each geoBoundaries `shapeName` matched to exactly one GSO code of
  `data/reference/provinces_vn63_regions.csv` with `etl.names.name_key` (diacritics stripped, đ -> d, case and
  punctuation folded, so "Khánh Hoà"/"Khánh Hòa" and "TP. Hồ Chí Minh"/"Hồ Chí Minh" match); "Thừa Thiên Huế" = 46.
  The extra "Côn Đảo" feature (shapeISO VN-43, same as Bà Rịa - Vũng Tàu) -> 77, note "dissolved into Bà Rịa -
  Vũng Tàu": its polygon is appended to 77's MultiPolygon (no geometric union). The script fails if a name
  matches no code or two, or a GSO code is left without a feature.
- Simplification: Douglas-Peucker per ring, planar lon/lat, tolerance **{tol} degrees** (~{tol_m:.0f} m);
  coordinates rounded to **{decimals} decimals**. Rings are simplified independently, so neighbouring provinces
  may show hairline gaps/overlaps (well under a pixel at country scale).
- Islands kept: small rings get a tolerance of at most {small_pct:.0f} % of their own extent, so islands keep a
  recognisable shape and area instead of collapsing to a triangle; a ring that would still collapse is retried
  with a smaller tolerance (down to unsimplified) and finer rounding. No feature and no island polygon is dropped;
  only degenerate source slivers (area < {degenerate:g} deg², a few m²) are. Hoàng Sa (Paracels, east of 111°E)
  stays in Đà Nẵng (48) in both files; Trường Sa (Spratlys) stays in Khánh Hòa (56) — fully in vn34 (east to
  ~117.8°E), partly in vn63 (the geoBoundaries source only reaches ~115°E).
  This run: {stats}.
- Winding for Plotly (d3-geo): every exterior ring **clockwise**, every hole counter-clockwise, i.e. planar
  shoelace signed area over (lon, lat) < 0 for exteriors (the reverse of the RFC 7946 right-hand rule). The
  vn34 source was already wound this way; the geoBoundaries source was counter-clockwise and is reversed
  (drawn as-is, d3 fills the whole globe).
- All geometries are MultiPolygons; features are sorted by code and written one per line.

## Regenerate

    .venv/bin/python scripts/simplify_geo.py --shared ../shared/geo --tolerance {tol}

(`--shared` defaults to `../shared/geo` relative to the project root; the inputs are read-only copies described
in its README.md.) Then run `.venv/bin/python -m pytest tests/etl/test_geo.py -q`.
"""


def human(n: int) -> str:
    return f"{n / 1024:.0f} KiB ({n:,} bytes)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "geo"), help="folder with the source GeoJSON")
    ap.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="Douglas-Peucker tolerance, degrees")
    ap.add_argument("--decimals", type=int, default=DEFAULT_DECIMALS, help="coordinate rounding")
    ap.add_argument("--out", default=str(ROOT / "data" / "geo"), help="output folder")
    args = ap.parse_args(argv)

    shared, out = Path(args.shared).resolve(), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    provinces = read_csv(ROOT / "data" / "reference" / "provinces_vn63_regions.csv")
    new_codes = {r["new_code"] for r in read_csv(ROOT / "data" / "reference" / "province_merger_2025.csv")}

    try:
        stats63, stats34 = Counter(), Counter()
        vn63, cw = build_vn63(shared, provinces, args.tolerance, args.decimals, stats63)
        vn34 = build_vn34(shared, new_codes, args.tolerance, args.decimals, stats34)
    except GeoError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1

    with open(out / "vn63_iso_to_gso.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["shapeISO", "shapeName", "gso_code", "gso_name", "note"], lineterminator="\n")
        w.writeheader()
        w.writerows(cw)
    write_fc(out / "vn63.geojson", vn63)
    write_fc(out / "vn34.geojson", vn34)
    shutil.copyfile(shared / "vn63_provinces_pre2025" / GB_CITATION, out / GB_CITATION)

    sizes = {n: os.path.getsize(out / n) for n in ("vn34.geojson", "vn63.geojson", "vn63_iso_to_gso.csv")}

    def fmt(s: Counter) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(s.items()))

    stats = f"vn34 — {fmt(stats34)}; vn63 — {fmt(stats63)}"
    (out / "README.md").write_text(README.format(
        vn34_size=human(sizes["vn34.geojson"]), vn63_size=human(sizes["vn63.geojson"]),
        cw_size=human(sizes["vn63_iso_to_gso.csv"]), tol=args.tolerance, tol_m=args.tolerance * 111_320,
        decimals=args.decimals, stats=stats,
        small_pct=SMALL_RING_FRACTION * 100, degenerate=DEGENERATE_AREA), encoding="utf-8")

    for name, n in sizes.items():
        print(f"{out / name}: {n:,} bytes")
    print(f"tolerance {args.tolerance}°, {args.decimals} decimals")
    print(f"vn34: {fmt(stats34)}")
    print(f"vn63: {fmt(stats63)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
