"""Build data/raw/council_distribution.csv from the official releases (run by hand).

    python scripts/build_distribution.py SOURCE_DIR [--out data/raw/council_distribution.csv]

SOURCE_DIR holds the files listed in data/raw/SOURCES.md ("Who bears an option"),
byte for byte as published; their SHA-256 are checked before anything is read. The
IoD2015 scores by small area come as an R data object: reading it needs the ``rdata``
package (``pip install rdata``), used here only, never by the model.

What is derived, and how:
- IoD2015 average score of each 2017/18 council: the population-weighted mean of its
  LSOA scores (File 6 mid-2012 populations), with districts gathered into their county
  (the 2013 district codes of each county below; checked: every county's 2011 population
  in the Defra county file equals the sum of its districts' in the district file).
  Bournemouth, Poole and Dorset, absent from the 2019 upper-tier file, come the same way.
- IoD2019 average score: File 11 as published, as a check of the rebuilt 2015 averages
  (Slough's code, printed truncated, is read by name).
- 2011 Rural-Urban Classification: Defra's district file (unitaries, metropolitan
  districts, London boroughs; Northumberland and Gateshead under their older codes) and
  county file.
- ONS 2011 Area Classification: district rows only; counties stay blank; the combined
  rows Cornwall with Isles of Scilly and City of London with Westminster apply to both.
- ASC gross and net current expenditure 2016-17 (£000): NHS Digital ASC-FR "Totals",
  summed over rows with DataType_KEY = 1 (their England sum of gross current expenditure,
  £17.53bn, is NHS Digital's published £17.5bn; DataType_KEY = 2 is another category).
  Isles of Scilly has no return: blank.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.inputs.distribution import COLUMNS, population_weighted_mean  # noqa: E402

SHA256 = {
    "humaniverse_imd2015_england_lsoa11.rda": (
        "47915cd7982fe3bf11a912f36e267f188a5cd31b7fe9e7b43fca368fa06667ea"
    ),
    "iod2015_file6_population_denominators.xlsx": (
        "f6f2d3dc8e915f0ef640ccfcd2500d9684d97683f6b46ac669d173dda3e92e32"
    ),
    "iod2019_file11_utla_summaries.xlsx": (
        "00795561d214c740c64f5d0ed1e8581f1bcc047c497584c0eb6310a03973ff76"
    ),
    "ruc11_lad11_en_v2.csv": ("d431f7d21f0524cbafb5f6b6db9c43c089b4a9081c6be4079b2a9df26398f17a"),
    "ruc11_counties_england.csv": (
        "30a4f561806bef1445785ac8a4ad37664daec48fe8f7f82884e77981a89b53e6"
    ),
    "ons_2011_area_classification_la.csv": (
        "fe6c720a89e0ceb2c9d8fb3589ea01777b4a5982b97a5190e4d7473fafb8ed11"
    ),
    "nhsd_ascfr_2016_17_totals.csv": (
        "e55eb6a15fb7eee6ec0874c7711a5fbc496ba0419a302e7b3169b7079a3fbbd8"
    ),
}
# Shire counties of 2017/18 and their districts (2013 codes, as in IoD2015), given as
# ranges of the district code's number: E07000004-E07000007 are Buckinghamshire's.
COUNTY_DISTRICTS: dict[str, list[tuple[int, int]]] = {
    "E10000002": [(4, 7)],  # Buckinghamshire
    "E10000003": [(8, 12)],  # Cambridgeshire
    "E10000006": [(26, 31)],  # Cumbria
    "E10000007": [(32, 39)],  # Derbyshire
    "E10000008": [(40, 47)],  # Devon
    "E10000009": [(48, 53)],  # Dorset
    "E10000011": [(61, 65)],  # East Sussex
    "E10000012": [(66, 77)],  # Essex
    "E10000013": [(78, 83)],  # Gloucestershire
    "E10000014": [(84, 94)],  # Hampshire
    "E10000015": [(95, 103), (240, 243)],  # Hertfordshire
    "E10000016": [(105, 116)],  # Kent
    "E10000017": [(117, 128)],  # Lancashire
    "E10000018": [(129, 135)],  # Leicestershire
    "E10000019": [(136, 142)],  # Lincolnshire
    "E10000020": [(143, 149)],  # Norfolk
    "E10000021": [(150, 156)],  # Northamptonshire
    "E10000023": [(163, 169)],  # North Yorkshire
    "E10000024": [(170, 176)],  # Nottinghamshire
    "E10000025": [(177, 181)],  # Oxfordshire
    "E10000027": [(187, 191)],  # Somerset
    "E10000028": [(192, 199)],  # Staffordshire
    "E10000029": [(200, 206)],  # Suffolk
    "E10000030": [(207, 217)],  # Surrey
    "E10000031": [(218, 222)],  # Warwickshire
    "E10000032": [(223, 229)],  # West Sussex
    "E10000034": [(234, 239)],  # Worcestershire
}
# Districts recoded after 2011 (LAD11 code in Defra's file -> 2013 code), and the
# unitaries whose code changed in 2013 (Defra's file keeps the old one).
RECODED = {
    "E07000097": "E07000242",
    "E07000100": "E07000240",
    "E07000101": "E07000243",
    "E07000104": "E07000241",
    "E06000048": "E06000057",
    "E08000020": "E08000037",
}


def district_to_upper_tier(code: str) -> str:
    if not code.startswith("E07"):
        return code
    number = int(code[3:])
    for county, ranges in COUNTY_DISTRICTS.items():
        if any(lo <= number <= hi for lo, hi in ranges):
            return county
    raise ValueError(f"district {code} is in no county")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_imd2015(source: Path) -> pd.DataFrame:
    import rdata  # the build's own dependency (pip install rdata)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lsoa = rdata.read_rda(str(source / "humaniverse_imd2015_england_lsoa11.rda"))
    scores = next(iter(lsoa.values()))[["lsoa11_code", "lad13_code", "IMD_score"]]
    pop = pd.read_excel(
        source / "iod2015_file6_population_denominators.xlsx",
        sheet_name="Population Denominators",
        usecols=[0, 2, 4],
    )
    pop.columns = ["lsoa11_code", "lad13_code_file6", "population"]
    joined = scores.merge(pop, on="lsoa11_code", how="outer", validate="one_to_one")
    if joined.isna().any().any() or len(joined) != 32_844:
        raise SystemExit("IoD2015 scores and populations do not cover the same 32,844 LSOAs")
    if (joined["lad13_code"] != joined["lad13_code_file6"]).any():
        raise SystemExit("IoD2015 scores and populations disagree on an LSOA's district")
    joined["council"] = joined["lad13_code"].map(district_to_upper_tier)
    average = population_weighted_mean(
        joined["IMD_score"].to_numpy(), joined["population"].to_numpy(), joined["council"]
    )
    grouped = joined.groupby("council")
    return pd.DataFrame(
        {
            "imd2015_average_score": average.round(3),
            "imd2015_lsoas": grouped.size(),
            "imd2015_population_mid2012": grouped["population"].sum().astype(int),
        }
    )


def read_imd2019(source: Path, names: pd.Series) -> pd.Series:
    table = pd.read_excel(source / "iod2019_file11_utla_summaries.xlsx", sheet_name="IMD")
    code, name, score = table.columns[0], table.columns[1], table.columns[4]
    by_name = dict(zip(names.to_numpy(), names.index, strict=True))
    fixed = table[code].where(table[code].str.len() == 9, table[name].map(by_name))
    return pd.Series(table[score].to_numpy(), index=fixed.to_numpy()).round(3)


def read_ruc(source: Path) -> pd.DataFrame:
    districts = pd.read_csv(source / "ruc11_lad11_en_v2.csv", thousands=",")
    districts.columns = [c.strip() for c in districts.columns]
    districts["code"] = districts["LAD11CD"].replace(RECODED)
    counties = pd.read_csv(source / "ruc11_counties_england.csv", encoding="utf-8-sig")
    # The check on the county membership above: 2011 populations add up exactly.
    summed = (
        districts[districts["code"].str.startswith("E07")]
        .assign(county=lambda f: f["code"].map(district_to_upper_tier))
        .groupby("county")["Total population1"]
        .sum()
    )
    published = counties.set_index("geo_code")["Total_population_2011"]
    if not summed.sort_index().equals(published.sort_index()):
        raise SystemExit("county membership: district 2011 populations do not sum to counties")
    both = pd.concat(
        [
            districts.set_index("code")[["RUC11CD", "RUC11"]],
            counties.set_index("geo_code")[["RUC11CD", "RUC11"]],
        ]
    )
    both.columns = ["ruc11_code", "ruc11_class"]
    both["ruc11_class"] = both["ruc11_class"].str.strip()
    return both


def read_area_class(source: Path) -> pd.DataFrame:
    table = pd.read_csv(source / "ons_2011_area_classification_la.csv")
    table = table[table["Code"].str.startswith("E")]
    rows = []
    for _, row in table.iterrows():
        for code in str(row["Code"]).split("/"):
            rows.append(
                {
                    "gss_code": code.strip(),
                    "area_supergroup": str(row["Supergroup name"]).strip(),
                    "area_group": str(row["Group name"]).strip(),
                    "area_subgroup": str(row["Subgroup name"]).strip(),
                    "combined": "/" in str(row["Code"]),
                }
            )
    out = pd.DataFrame(rows).set_index("gss_code")
    out.index = out.index.map(lambda c: RECODED.get(c, c))
    return out


def read_ascfr(source: Path) -> pd.DataFrame:
    table = pd.read_csv(source / "nhsd_ascfr_2016_17_totals.csv")
    if set(table["FY_Ending"]) != {2017}:
        raise SystemExit("ASC-FR: not the 2016-17 return")
    kept = table[table["DataType_KEY"] == 1]
    sums = kept.groupby("GEOGRAPHY_CODE")[["GROSSCURRENTEXPENDITURE", "NETCURRENTEXPENDITURE"]]
    out = sums.sum().round(0).astype(int)
    out.columns = ["asc_gross_current_expenditure_000", "asc_net_current_expenditure_000"]
    return out


def build(source: Path, reference: pd.DataFrame) -> pd.DataFrame:
    for name, expected in SHA256.items():
        found = sha256(source / name)
        if expected and found != expected:
            raise SystemExit(f"{name}: SHA-256 {found}, expected {expected}")
    names = reference.set_index("gss_code")["council"]
    frame = pd.DataFrame(index=names.index)
    frame["council"] = names
    frame = frame.join(read_imd2015(source))
    frame["imd2019_average_score"] = read_imd2019(source, names)
    frame = frame.join(read_ruc(source)).join(read_area_class(source)).join(read_ascfr(source))
    notes = []
    for code, row in frame.iterrows():
        note = []
        if np.isnan(row["imd2019_average_score"]):
            note.append("not in the IoD2019 upper-tier file (2019 boundaries)")
        if code.startswith("E10"):
            note.append("area classification covers districts only")
        if row["combined"] is True:
            note.append("area classification from a combined row")
        if np.isnan(row["asc_gross_current_expenditure_000"]):
            note.append("no ASC-FR return")
        notes.append("; ".join(note))
    frame["note"] = notes
    frame = frame.reset_index(names="gss_code").sort_values("gss_code")
    for column in ("imd2015_lsoas", "imd2015_population_mid2012", "ruc11_code"):
        frame[column] = frame[column].astype(int)
    for column in ("asc_gross_current_expenditure_000", "asc_net_current_expenditure_000"):
        frame[column] = frame[column].astype("Int64")
    return frame[COLUMNS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "data/raw/council_distribution.csv")
    args = parser.parse_args()
    reference = pd.read_csv(ROOT / "data/raw/council_reference.csv", dtype=str)
    frame = build(args.source, reference)
    frame.to_csv(args.out, index=False, lineterminator="\n")
    print(f"wrote {args.out} ({len(frame)} councils)")
    for name in SHA256:
        print(f"  {name}  sha256 {sha256(args.source / name)}")


if __name__ == "__main__":
    main()
