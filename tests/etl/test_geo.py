"""Province boundary files in data/geo/ (built by scripts/simplify_geo.py) for Plotly's geo choropleths."""
import csv
import importlib.util
import json
from pathlib import Path

import pytest

from etl.names import name_key

ROOT = Path(__file__).resolve().parents[2]
GEO = ROOT / "data" / "geo"
REF = ROOT / "data" / "reference"
SHARED = ROOT.parent / "shared" / "geo"


def load_script():
    spec = importlib.util.spec_from_file_location("simplify_geo", ROOT / "scripts" / "simplify_geo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load(name):
    return json.loads((GEO / name).read_text(encoding="utf-8"))


def signed_area(ring):
    """Planar shoelace over (lon, lat): > 0 counter-clockwise, < 0 clockwise."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))


def by_code(fc):
    return {f["properties"]["code"]: f for f in fc["features"]}


def polygons(feature):
    assert feature["geometry"]["type"] == "MultiPolygon"
    return feature["geometry"]["coordinates"]


@pytest.fixture(scope="module")
def vn63():
    return load("vn63.geojson")


@pytest.fixture(scope="module")
def vn34():
    return load("vn34.geojson")


@pytest.fixture(scope="module")
def vn63_reference():
    return {r["code"]: r["name"] for r in read_csv(REF / "provinces_vn63_regions.csv")}


def test_vn63_has_the_63_gso_codes(vn63, vn63_reference):
    feats = vn63["features"]
    codes = [f["properties"]["code"] for f in feats]
    assert vn63["type"] == "FeatureCollection"
    assert len(feats) == 63 and len(set(codes)) == 63
    assert set(codes) == set(vn63_reference)
    for f in feats:
        assert f["id"] == f["properties"]["code"]
        assert set(f["properties"]) == {"code", "name"}
        assert f["properties"]["name"] == vn63_reference[f["id"]]


def test_vn34_has_the_34_new_codes(vn34):
    new_codes = {r["new_code"] for r in read_csv(REF / "province_merger_2025.csv")}
    feats = vn34["features"]
    codes = [f["properties"]["code"] for f in feats]
    assert len(feats) == 34 and len(set(codes)) == 34
    assert set(codes) == new_codes
    for f in feats:
        assert f["id"] == f["properties"]["code"]
        assert set(f["properties"]) == {"code", "name"} and f["properties"]["name"]


def test_con_dao_is_part_of_ba_ria_vung_tau(vn63):
    def near_con_dao(poly):
        return any(abs(x - 106.6) < 0.15 and abs(y - 8.7) < 0.15 for x, y in poly[0])

    owners = [code for code, f in by_code(vn63).items() if any(near_con_dao(p) for p in polygons(f))]
    assert owners == ["77"]
    assert len(polygons(by_code(vn63)["77"])) >= 2  # mainland + Côn Đảo


@pytest.mark.parametrize("name", ["vn63.geojson", "vn34.geojson"])
def test_da_nang_keeps_hoang_sa(name):
    polys = polygons(by_code(load(name))["48"])
    assert any(min(x for x, _y in p[0]) > 111.0 for p in polys), "no Hoàng Sa polygon east of 111°E"
    assert max(x for p in polys for x, _y in p[0]) > 112.5


def test_khanh_hoa_keeps_truong_sa(vn34):
    polys = polygons(by_code(vn34)["56"])
    spratly = [p for p in polys if min(x for x, _y in p[0]) > 113.0]
    assert len(spratly) >= 10
    assert max(x for p in spratly for x, _y in p[0]) > 117.0


def test_khanh_hoa_keeps_truong_sa_in_vn63_as_far_as_the_source_goes(vn63):
    polys = polygons(by_code(vn63)["56"])
    assert any(min(x for x, _y in p[0]) > 113.0 for p in polys)


@pytest.mark.parametrize("name", ["vn63.geojson", "vn34.geojson"])
def test_rings_closed_and_wound_for_d3(name):
    """Exterior rings clockwise (signed area < 0 in lon/lat), holes counter-clockwise — what d3-geo/Plotly need.

    Counter-clockwise exteriors (the RFC 7946 right-hand rule) make Plotly fill the whole globe.
    """
    for f in load(name)["features"]:
        polys = polygons(f)
        assert polys, f["id"]
        for poly in polys:
            for i, ring in enumerate(poly):
                assert len(ring) >= 4 and ring[0] == ring[-1], (f["id"], i)
                area = signed_area(ring)
                assert (area < 0) if i == 0 else (area > 0), (f["id"], i, area)


@pytest.mark.parametrize("name", ["vn63.geojson", "vn34.geojson"])
def test_coordinates_rounded_and_in_vietnam(name):
    for f in load(name)["features"]:
        for poly in polygons(f):
            for ring in poly:
                for x, y in ring:
                    assert 102.0 < x < 118.0 and 6.5 < y < 23.5
                    assert len(repr(x).split(".")[-1]) <= 6 and len(repr(y).split(".")[-1]) <= 6


def test_sizes_are_small():
    assert (GEO / "vn34.geojson").stat().st_size < 1_000_000
    assert (GEO / "vn63.geojson").stat().st_size < 600_000


def test_crosswalk(vn63_reference):
    rows = read_csv(GEO / "vn63_iso_to_gso.csv")
    assert list(rows[0]) == ["shapeISO", "shapeName", "gso_code", "gso_name", "note"]
    assert len(rows) == 64
    assert len({r["gso_code"] for r in rows}) == 63
    assert {r["gso_code"] for r in rows} == set(vn63_reference)
    for r in rows:
        assert r["gso_name"] == vn63_reference[r["gso_code"]]
        if r["shapeName"] == "Côn Đảo":
            assert r["gso_code"] == "77" and r["note"] == "dissolved into Bà Rịa - Vũng Tàu"
        else:
            assert name_key(r["shapeName"]) == name_key(r["gso_name"]) and r["note"] == ""
    assert {r["gso_code"] for r in rows if r["shapeName"] == "Thừa Thiên Huế"} == {"46"}


def test_licence_notice_travels_with_the_data():
    assert "CC BY 4.0" in (GEO / "CITATION-AND-USE-geoBoundaries.txt").read_text(encoding="utf-8")
    readme = (GEO / "README.md").read_text(encoding="utf-8")
    for needle in ("Administrative boundaries courtesy of geoBoundaries.org", "e0231866",
                   "Copyright (c) 2021 Thang Le Quoc", "cd58063299585146ded3981f2272946ef19ced54",
                   "704c7b8bf1638105db5e937cbffe38018ba9810c", "no open licence"):
        assert needle in readme, needle


# --------------------------------------------------------------------------- the script's geometry helpers


def test_simplify_keeps_a_closed_ring_and_drops_collinear_points():
    geo = load_script()
    square = [[0, 0], [0, 0.5], [0, 1], [0.5, 1], [1, 1], [1, 0.5], [1, 0], [0.5, 0], [0, 0]]
    out = geo.simplify_ring(square, 0.01)
    assert len(out) == 5 and (out[0] == out[-1]).all()


def test_tiny_island_survives_a_large_tolerance():
    geo = load_script()
    from collections import Counter
    islet = [[112.0, 16.0], [112.001, 16.0], [112.0015, 16.0008], [112.001, 16.0015], [112.0, 16.0012], [112.0, 16.0]]
    out = geo.process_ring(islet, 0.05, 4, Counter())
    assert out is not None and len(out) >= 4 and out[0] == out[-1]


def test_orient_makes_exteriors_clockwise_and_holes_counter_clockwise():
    geo = load_script()
    ccw = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    assert geo.signed_area(geo.orient(ccw, exterior=True)) < 0
    assert geo.signed_area(geo.orient(ccw[::-1], exterior=False)) > 0


def test_crosswalk_fails_loudly_on_an_unknown_name(vn63_reference):
    geo = load_script()
    provinces = [{"code": c, "name": n} for c, n in vn63_reference.items()]
    feats = [{"properties": {"shapeName": n, "shapeISO": "VN-XX"}} for n in vn63_reference.values()]
    assert len(geo.crosswalk(feats, provinces)) == 63
    with pytest.raises(geo.GeoError, match="matches no GSO province"):
        geo.crosswalk(feats + [{"properties": {"shapeName": "Atlantis", "shapeISO": "VN-99"}}], provinces)
    with pytest.raises(geo.GeoError, match="without a geoBoundaries feature"):
        geo.crosswalk(feats[1:], provinces)
    with pytest.raises(geo.GeoError, match="matched by 2"):
        geo.crosswalk(feats + feats[:1], provinces)


@pytest.mark.skipif(not SHARED.is_dir(), reason="source GeoJSON (../shared/geo) not present")
def test_committed_files_are_what_the_script_builds(tmp_path):
    geo = load_script()
    assert geo.main(["--shared", str(SHARED), "--out", str(tmp_path)]) == 0
    for name in ("vn63.geojson", "vn34.geojson", "vn63_iso_to_gso.csv", "CITATION-AND-USE-geoBoundaries.txt"):
        assert (tmp_path / name).read_bytes() == (GEO / name).read_bytes(), name
