r"""Build the bundled official administrative map from vietnamadminunits 1.0.4 (MIT).

Writes ``units.parquet``, ``lineage.parquet``, ``links.parquet``, ``meta.json`` and
``NOTICE.md`` into ``src/drugfree_core/adminmap/data``. The package's data files are read
straight from its installed folder; the package is never imported (importing it loads
all its JSON and pulls shapely and geopy). It must not be installed into the dev venv nor
become a runtime dependency: use a scratch venv and ``--no-deps``::

    python -m venv /tmp/admvenv
    /tmp/admvenv/bin/pip download --no-deps vietnamadminunits==1.0.4 -d /tmp/admdl
    /tmp/admvenv/bin/pip install --no-deps /tmp/admdl/vietnamadminunits-1.0.4-py3-none-any.whl
    . /work/venv/bin/activate   # the dev venv: polars and drugfree_core
    python tools/build_admin_map.py \
        --wheel /tmp/admdl/vietnamadminunits-1.0.4-py3-none-any.whl \
        --package-dir /tmp/admvenv/lib/python3.11/site-packages/vietnamadminunits

``--package-dir`` may be left out when the running interpreter can find the package.
The wheel must have the pinned sha256 and the installed data files must match the hashes
in the wheel's RECORD. Every count the library relies on is asserted, so a different
source fails loudly instead of changing the map silently.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import importlib.util
import json
import re
import sqlite3
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from drugfree_core.adminmap.codes import pre_reform_code
from drugfree_core.adminmap.official import LINKS_SCHEMA
from drugfree_core.dataset.schema import LINEAGE, UNITS
from drugfree_core.model.enums import UnitKind

PACKAGE = "vietnamadminunits"
VERSION = "1.0.4"
WHEEL_SHA256 = "737ee3662e877290386c1c45ed4d71f2e5fae34ab6fb9c64bfb4cb74b216ea35"
HOMEPAGE = "https://github.com/tranngocminhhieu/vietnamadminunits"
UPSTREAM = (
    "danhmuchanhchinh.gso.gov.vn (register of administrative units of the GSO, "
    "now NSO: danhmuchanhchinh.nso.gov.vn)",
    "sapnhap.bando.com.vn (2025 merger map)",
    "Google Geocoding API (coordinates and the default new ward of divided units)",
)
DATA_FILES = ("dataset.db", "converter_2025.json")
OUT = Path(__file__).resolve().parents[1] / "src" / "drugfree_core" / "adminmap" / "data"

REFORM = dt.date(2025, 7, 1)
LAST_OLD_DAY = REFORM - dt.timedelta(days=1)

NEW_PREFIXES = (
    ("Xã ", UnitKind.COMMUNE),
    ("Phường ", UnitKind.WARD),
    ("Đặc khu ", UnitKind.SPECIAL_ZONE),
)
OLD_PREFIXES = (("Xã ", UnitKind.COMMUNE), ("Phường ", UnitKind.WARD), ("Thị trấn ", UnitKind.TOWN))
TYPE_KINDS = {
    "Xã": UnitKind.COMMUNE,
    "Phường": UnitKind.WARD,
    "Đặc khu": UnitKind.SPECIAL_ZONE,
    "Thị trấn": UnitKind.TOWN,
}

# What the source is known to contain; a rebuild from anything else must be reviewed.
NEW_COUNTS = {"province": 34, "commune": 2621, "ward": 687, "special_zone": 13}
NEW_PER_PROVINCE = {"01": 126, "31": 114, "40": 130, "79": 168, "12": 38}
OLD_COUNTS = {"province": 63, "district": 696, "commune": 7692, "ward": 1726, "town": 617}
# wardType contradicts the name; the name prefix is right (checked by hand).
NEW_TYPE_ERRORS = {"10543", "11848", "31213", "31299"}
OLD_TYPE_ERRORS = {"15061", "27046", "27076"}
# Island districts without communes: they are the predecessors of their special zones.
ISLAND_DISTRICTS = {"318", "471", "498", "536", "755"}
DIVIDED_SIZES = {2: 397, 3: 58, 4: 15, 5: 1}
WHOLE_UNITS = 9569  # including the five island districts

_CODE = {
    "province": re.compile(r"\d{2}"),
    "district": re.compile(r"\d{3}"),
    "commune": re.compile(r"\d{5}"),
}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _record_hash(path: Path) -> str:
    """The file's hash in the form a wheel RECORD uses."""
    raw = hashlib.sha256(path.read_bytes()).digest()
    return "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def check_sources(wheel: Path, package_dir: Path) -> str:
    """Check the wheel and the installed data files; return the package's licence text."""
    if _sha256(wheel) != WHEEL_SHA256:
        raise SystemExit(f"{wheel} is not {PACKAGE} {VERSION} (sha256 differs from the pin)")
    info = f"{PACKAGE}-{VERSION}.dist-info"
    with zipfile.ZipFile(wheel) as archive:
        record = archive.read(f"{info}/RECORD").decode()
        licence = archive.read(f"{info}/licenses/LICENSE").decode()
    hashes = {line.split(",")[0]: line.split(",")[1] for line in record.splitlines() if line}
    for name in DATA_FILES:
        if _record_hash(package_dir / "data" / name) != hashes[f"{PACKAGE}/data/{name}"]:
            raise SystemExit(f"{package_dir / 'data' / name} differs from the file in the wheel")
    return licence


def kind_from_name(name: str, prefixes: Sequence[tuple[str, UnitKind]]) -> tuple[UnitKind, str]:
    """The kind a unit name starts with, and the name with the prefix spelt canonically."""
    for prefix, kind in prefixes:
        # "Thị Trấn Ái Tử": five legacy names capitalise the prefix.
        if name[: len(prefix)].casefold() == prefix.casefold():
            return kind, prefix + name[len(prefix) :]
    raise SystemExit(f"unit name without a known prefix: {name!r}")


def _code(code: str, level: str) -> str:
    if not _CODE[level].fullmatch(code):
        raise SystemExit(f"bad {level} code {code!r}")
    return code


def _once(table: dict[str, Any], key: str, value: Any) -> None:
    """Record *value* under *key*; the source repeats parents on every row, so check them."""
    if table.setdefault(key, value) != value:
        raise SystemExit(f"{key} has conflicting rows: {table[key]!r} and {value!r}")


class Map:
    """Units and links of both eras, as plain rows keyed by namespaced code."""

    def __init__(self) -> None:
        self.units: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.new_unit: dict[tuple[str, str], str] = {}  # (provinceKey, wardKey) -> code
        self.new_province: dict[str, str] = {}  # provinceKey -> code
        self.old_unit: dict[str, tuple[str, str]] = {}  # old key -> (code, level)
        self.old_province: dict[str, str] = {}  # provinceKey -> namespaced code
        self.province_of: dict[str, str] = {}  # any unit code -> its province code
        self.type_errors: set[str] = set()

    def add_unit(self, code: str, name: str, kind: UnitKind, parent: str | None, era: str) -> None:
        """Append one unit row; *era* is ``new`` or ``old``."""
        self.units.append(
            {
                "code": code,
                "name": name,
                "kind": kind.value,
                "parent_code": parent,
                "resident_population": None,
                "valid_from": REFORM if era == "new" else None,
                "valid_to": None if era == "new" else LAST_OLD_DAY,
            }
        )


def read_new(db: sqlite3.Connection, out: Map) -> None:
    """Post-reform provinces and commune-level units (table ``admin_units``)."""
    provinces: dict[str, str] = {}
    rows = db.execute(
        "SELECT provinceCode, province, provinceKey, wardCode, ward, wardType, wardKey "
        "FROM admin_units ORDER BY wardCode"
    ).fetchall()
    units = []
    for pcode, pname, pkey, wcode, wname, wtype, wkey in rows:
        _once(provinces, _code(pcode, "province"), pname)
        _once(out.new_province, pkey, pcode)
        kind, name = kind_from_name(wname, NEW_PREFIXES)
        if TYPE_KINDS[wtype] is not kind:
            out.type_errors.add(wcode)
        if (pkey, wkey) in out.new_unit:
            raise SystemExit(f"duplicate new unit key {pkey}/{wkey}")
        out.new_unit[(pkey, wkey)] = _code(wcode, "commune")
        out.province_of[wcode] = pcode
        units.append((wcode, name, kind, pcode))
    for pcode in sorted(provinces):
        out.add_unit(pcode, provinces[pcode], UnitKind.PROVINCE, None, "new")
        out.province_of[pcode] = pcode
    for wcode, name, kind, pcode in units:
        out.add_unit(wcode, name, kind, pcode, "new")


def read_old(db: sqlite3.Connection, out: Map) -> None:
    """Pre-reform provinces, districts and communes (table ``admin_units_legacy``)."""
    provinces: dict[str, str] = {}
    districts: dict[str, tuple[str, str]] = {}
    communes = []
    rows = db.execute(
        "SELECT provinceCode, province, provinceKey, districtCode, district, districtKey, "
        "wardCode, ward, wardType, wardKey FROM admin_units_legacy "
        "ORDER BY districtCode, wardCode"
    ).fetchall()
    for pcode, pname, pkey, dcode, dname, dkey, wcode, wname, wtype, wkey in rows:
        prov, dist = pre_reform_code(_code(pcode, "province")), pre_reform_code(dcode)
        _once(provinces, prov, pname)
        _once(out.old_province, pkey, prov)
        _once(districts, pre_reform_code(_code(dcode, "district")), (dname, prov))
        key = f"{pkey}_{dkey}_{wkey or ''}"
        if key in out.old_unit:
            raise SystemExit(f"duplicate old unit key {key}")
        if wcode is None:
            out.old_unit[key] = (dist, "district")
            continue
        kind, name = kind_from_name(wname, OLD_PREFIXES)
        if TYPE_KINDS[wtype] is not kind:
            out.type_errors.add(pre_reform_code(wcode))
        code = pre_reform_code(_code(wcode, "commune"))
        out.old_unit[key] = (code, "commune")
        out.province_of[code] = prov
        communes.append((code, name, kind, dist))
    for code in sorted(provinces):
        out.add_unit(code, provinces[code], UnitKind.PROVINCE, None, "old")
        out.province_of[code] = code
    for code in sorted(districts):
        name, prov = districts[code]
        out.add_unit(code, name, UnitKind.DISTRICT, prov, "old")
        out.province_of[code] = prov
    for code, name, kind, dist in communes:
        out.add_unit(code, name, kind, dist, "old")


def read_links(converter: dict[str, Any], out: Map) -> None:
    """Lineage from ``converter_2025.json``: name keys joined to codes."""

    def link(pred: str, succ: str, relation: str, default: bool, level: str) -> None:
        out.links.append(
            {
                "predecessor_code": pred,
                "successor_code": succ,
                "relation": relation,
                "is_default": default,
                "level": level,
            }
        )

    for pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, old_keys in wards.items():
            for old_key in old_keys:
                code, level = out.old_unit[old_key]
                link(code, out.new_unit[(pkey, wkey)], "whole", True, level)
    for pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            code, level = out.old_unit[old_key]
            for target in targets:
                succ = out.new_unit[(pkey, target["newWardKey"])]
                link(code, succ, "divided", bool(target["isDefaultNewWard"]), level)
    for pkey, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            link(out.old_province[old_key], out.new_province[pkey], "whole", True, "province")


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"check failed: {what}")


def check_map(units: pl.DataFrame, links: pl.DataFrame, out: Map) -> dict[str, Any]:
    """Assert every count and invariant; return the counts for ``meta.json``."""
    kind = pl.col("kind").cast(pl.String)
    new = units.filter(pl.col("valid_to").is_null())
    old = units.filter(pl.col("valid_to").is_not_null())
    new_counts = dict(new.group_by(kind).len().iter_rows())
    old_counts = dict(old.group_by(kind).len().iter_rows())
    _check(new_counts == NEW_COUNTS, f"post-reform counts {new_counts}")
    _check(old_counts == OLD_COUNTS, f"pre-reform counts {old_counts}")
    _check(units["code"].n_unique() == units.height, "unit codes are unique")
    per_province = dict(new.group_by("parent_code").len().drop_nulls().iter_rows())
    _check(all(per_province[p] == n for p, n in NEW_PER_PROVINCE.items()), "per-province counts")
    _check(
        out.type_errors == NEW_TYPE_ERRORS | {pre_reform_code(c) for c in OLD_TYPE_ERRORS},
        f"wardType errors {sorted(out.type_errors)}",
    )

    pairs = links.select("predecessor_code", "successor_code")
    _check(pairs.n_unique() == links.height, "lineage links are unique")
    rows = links.select("predecessor_code", "successor_code", "level").rows()
    new_province = {p: s for p, s, level in rows if level == "province"}
    crossing = [
        (p, s)
        for p, s, level in rows
        if level != "province" and out.province_of[s] != new_province[out.province_of[p]]
    ]
    _check(not crossing, f"links leave their province: {crossing[:5]}")

    below = links.filter(pl.col("level") != "province")
    per_pred = below.group_by("predecessor_code").agg(
        n=pl.len(),
        relation=pl.col("relation").cast(pl.String).unique(),
        defaults=pl.col("is_default").sum(),
    )
    _check(per_pred["relation"].list.len().max() == 1, "a unit is either whole or divided")
    whole = per_pred.filter(pl.col("relation").list.first() == "whole")
    divided = per_pred.filter(pl.col("relation").list.first() == "divided")
    _check((whole["n"] == 1).all(), "a whole unit has one successor")
    _check((divided["defaults"] == 1).all(), "a divided unit has exactly one default successor")
    sizes = dict(divided.group_by("n").len().iter_rows())
    _check(sizes == DIVIDED_SIZES, f"divided sizes {sizes}")
    _check(whole.height == WHOLE_UNITS, f"whole units {whole.height}")

    commune_level = set(old.filter(~kind.is_in(["province", "district"]))["code"])
    islands = {pre_reform_code(c) for c in ISLAND_DISTRICTS}
    _check(set(per_pred["predecessor_code"]) == commune_level | islands, "every old unit links")
    island_targets = new.filter(pl.col("code").is_in(
        below.filter(pl.col("level") == "district")["successor_code"].implode()
    ))
    _check(
        (island_targets["kind"].cast(pl.String) == "special_zone").all()
        and island_targets.height == len(ISLAND_DISTRICTS),
        "island districts become special zones",
    )
    successors = set(links["successor_code"])
    _check(set(new["code"]) <= successors, "every post-reform unit has a predecessor")
    provinces = links.filter(pl.col("level") == "province")
    _check(
        provinces["predecessor_code"].n_unique() == provinces.height == OLD_COUNTS["province"],
        "every old province goes into one new province",
    )
    return {
        "post_reform": {"units": sum(new_counts.values()) - NEW_COUNTS["province"], **NEW_COUNTS},
        "pre_reform": {
            "commune_level": len(commune_level),
            **OLD_COUNTS,
        },
        "links": {
            "total": links.height,
            "commune": below.filter(pl.col("level") == "commune").height,
            "district": below.filter(pl.col("level") == "district").height,
            "province": provinces.height,
            "whole_units": whole.height,
            "divided_units": divided.height,
            "divided_links": int(divided["n"].sum()),
        },
    }


def _frame(rows: Iterable[dict[str, Any]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def notice(licence: str, wheel_sha256: str) -> str:
    """The NOTICE shipped beside the data: licence, sources, changes and known limits."""
    upstream = "\n".join(f"- {source}" for source in UPSTREAM)
    return f"""# Official administrative map: origin, licence and limits

The files in this folder (`units.parquet`, `lineage.parquet`, `links.parquet`,
`meta.json`) are derived from the data files of the Python package
**{PACKAGE} {VERSION}** by Tran Ngoc Minh Hieu:

- homepage: {HOMEPAGE}
- wheel: `{PACKAGE}-{VERSION}-py3-none-any.whl`
- wheel sha256: `{wheel_sha256}`

They were extracted by `tools/build_admin_map.py` in the drugfree-core repository from
`data/dataset.db` (tables `admin_units` and `admin_units_legacy`) and
`data/converter_2025.json`. The package is not a dependency of drugfree-core.

## Upstream sources named by {PACKAGE}

{upstream}

## What drugfree-core changed

- **Kinds from the name prefix.** The kind of a unit (xã, phường, thị trấn, đặc khu) is
  taken from its name ("Xã ", "Phường ", "Thị trấn ", "Đặc khu "), not from the source's
  `wardType`, which contradicts the name for post-reform units 10543, 11848, 31213 and
  31299 and pre-reform units 15061, 27046 and 27076.
- **Prefix spelling.** Five pre-reform names written "Thị Trấn …" are written "Thị trấn …".
- **Namespaced pre-reform codes.** Official codes were reused by the reform (old 24 is
  Bắc Giang, new 24 is Bắc Ninh; commune codes collide too), so every unit that ended on
  30 June 2025 has its code prefixed with `pre2025:` ("pre2025:24", "pre2025:213",
  "pre2025:07210"). Post-reform codes are unchanged.
- **Dates.** Post-reform units are valid from 2025-07-01, pre-reform units until
  2025-06-30, and every link is effective 2025-07-01; the source has no dates.
- **Lineage by code.** The source keys its lineage by normalised names; the keys were
  joined to codes. Links from the five island districts without communes (Bạch Long Vĩ,
  Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) to their special zones and from each old province
  to its new province were added from the same file. `links.parquet` records, per link,
  `relation` (`whole`: the old unit went entirely into one new unit; `divided`: it was
  shared between several), `is_default` and `level` (of the old unit).
- **No populations.** `resident_population` is empty (unknown).

## Known limits

- **Name-key conflation.** Because the source's lineage is keyed by names, same-named
  units can receive each other's successors. Example: Xã Hòa Bình pre2025:10798 (Kim
  Thành, old Hải Dương) and Xã Hòa Bình pre2025:11890 (Vĩnh Bảo, Hải Phòng) both link to
  10804, 10843 and 11911, where each probably went to only some of them. Other suspected
  cases: Xã Cổ Bi pre2025:00553, Xã Đặng Xá pre2025:00556, Xã Văn Khê pre2025:09013.
  A one-off comparison with another public dataset found 37 old units whose successor
  sets differ. The authority is the National Assembly Standing Committee resolutions of
  June 2025 on each province's communes; this map has not been checked against them.
- **No official partial flag.** A `whole` link only means the source lists one
  successor; an old unit partly transferred to a neighbour may appear as `whole`.
- **The default successor is a heuristic.** `is_default` of a divided unit is the
  source's "default new ward", chosen with geocoding, not by any official act. It is
  true for every `whole` link (the only successor).
- **Data as of the source release.** Later changes (for example province names that
  changed after the reform) are not included.

## Licence of {PACKAGE}

```text
{licence.strip()}
```
"""


def build(wheel: Path, package_dir: Path, out_dir: Path) -> dict[str, Any]:
    """Read the source, check it, write the data files; return the meta record."""
    licence = check_sources(wheel, package_dir)
    data = package_dir / "data"
    out = Map()
    with sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True) as db:
        read_new(db, out)
        read_old(db, out)
    read_links(json.loads((data / "converter_2025.json").read_text(encoding="utf-8")), out)

    units = _frame(out.units, UNITS.polars_schema)
    links = _frame(out.links, LINKS_SCHEMA).sort("predecessor_code", "successor_code")
    lineage = links.select(
        "predecessor_code", "successor_code", effective=pl.lit(REFORM, pl.Date())
    )
    _check(lineage.schema == pl.Schema(LINEAGE.polars_schema), "lineage has the LINEAGE schema")
    counts = check_map(units, links, out)

    out_dir.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, frame in (("units", units), ("lineage", lineage), ("links", links)):
        path = out_dir / f"{name}.parquet"
        frame.write_parquet(path, compression="zstd", compression_level=19)
        files[path.name] = _sha256(path)
    wheel_sha256 = _sha256(wheel)
    (out_dir / "NOTICE.md").write_text(notice(licence, wheel_sha256), encoding="utf-8")
    meta = {
        "source": {
            "name": PACKAGE,
            "version": VERSION,
            "wheel": wheel.name,
            "sha256": wheel_sha256,
            "licence": "MIT",
            "copyright": licence.splitlines()[2].strip(),
            "homepage": HOMEPAGE,
            "upstream": list(UPSTREAM),
        },
        "built": dt.date.today().isoformat(),
        "reform_effective": REFORM.isoformat(),
        "counts": counts,
        "files": files,
    }
    (out_dir / "meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return meta


def _default_package_dir() -> Path | None:
    # find_spec on a top-level name locates the package without running its __init__.
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, required=True, help=f"the {PACKAGE} {VERSION} wheel")
    parser.add_argument("--package-dir", type=Path, help=f"the installed {PACKAGE} folder")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT})")
    args = parser.parse_args(argv)
    package_dir = args.package_dir or _default_package_dir()
    if package_dir is None:
        parser.error(f"{PACKAGE} is not importable here; pass --package-dir")
    meta = build(args.wheel, package_dir, args.out)
    print(json.dumps(meta["counts"], indent=2))
    for name in meta["files"]:
        print(f"{args.out / name}: {(args.out / name).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
