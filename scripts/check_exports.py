#!/usr/bin/env python3
"""Reads dyad's exports with outside tools and checks them against the store.

  python3 scripts/check_exports.py --db events.db \
      --events-parquet events.parquet [--mentions-parquet mentions.parquet] \
      [--gdelt events.gdelt.tsv] [--phoenix events.phoenix.tsv]

Needs pyarrow and pandas (pip install pyarrow pandas). Checks:
- each Parquet file has as many rows as its table in the store, and the
  column names and Arrow types documented in docs/exports.md;
- the GDELT file has 61 tab-separated fields on every line and loads into
  pandas under the GDELT 2.0 column names, one row per stored event;
- the Phoenix file has 26 fields on every line.
Prints "all checks passed" and exits 0, or names the first failure and exits 1.
"""

import argparse
import sqlite3
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

GDELT_COLUMNS = [
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
]

S, D, I, F, B = pa.string(), pa.date32(), pa.int64(), pa.float64(), pa.bool_()
L = "list<string>"

# docs/exports.md, "Parquet": column, Arrow type.
EVENTS = [
    ("id", S), ("date", D), ("end_date", D), ("source", S), ("source_text", S), ("target", S),
    ("target_text", S), ("cameo", S), ("cameo_root", S), ("plover", S), ("mode", S), ("context", S),
    ("quad", I), ("goldstein", F), ("place", S), ("country", S), ("adm1", S), ("lat", F), ("lon", F),
    ("place_id", S), ("num_mentions", I), ("num_documents", I), ("num_sources", I), ("is_root", B),
    ("global_event_id", I), ("mentions", L), ("documents", L), ("sentences", L), ("sources", L), ("urls", L),
]
MENTIONS = [
    ("id", S), ("event_id", S), ("doc_id", S), ("date", D), ("date_source", S), ("source", S),
    ("source_text", S), ("target", S), ("target_text", S), ("cameo", S), ("plover", S), ("mode", S),
    ("context", S), ("quad", I), ("goldstein", F), ("event_text", S), ("place", S), ("country", S),
    ("lat", F), ("lon", F), ("sentence", I), ("sent_start", I), ("sent_end", I), ("sentence_text", S),
    ("news_source", S), ("url", S), ("verb", S), ("pattern", S), ("dictionary", S),
]


def fail(msg):
    print(f"FAILED: {msg}")
    sys.exit(1)


def check_parquet(path, table, expected, db):
    t = pq.read_table(path)
    want_rows = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    if t.num_rows != want_rows:
        fail(f"{path}: {t.num_rows} rows, the store's {table} table has {want_rows}")
    names = [f.name for f in t.schema]
    if names != [n for n, _ in expected]:
        fail(f"{path}: columns {names}")
    for field, (name, typ) in zip(t.schema, expected):
        got = field.type
        ok = (pa.types.is_list(got) and got.value_type == pa.string()) if typ == L else got == typ
        if not ok:
            fail(f"{path}: column {name} is {got}, expected {typ}")
    # Codes stay strings with their leading zeros.
    codes = t.column("cameo").to_pylist()
    stored = [r[0] for r in db.execute(f"SELECT cameo FROM {table}")]
    if sorted(codes) != sorted(stored):
        fail(f"{path}: CAMEO codes differ from the store's")
    print(f"ok: {path}: {t.num_rows} rows, {len(names)} columns with the documented types")


def check_tsv(path, columns, db):
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            n = len(line.rstrip("\n").split("\t"))
            if n != len(columns):
                fail(f"{path}:{no}: {n} fields, expected {len(columns)}")
    df = pd.read_csv(path, sep="\t", header=None, names=columns, dtype=str, keep_default_na=False, quoting=3)
    want = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    if len(df) != want:
        fail(f"{path}: {len(df)} rows, the store has {want} events")
    if list(df.columns) != columns:
        fail(f"{path}: columns {list(df.columns)}")
    return df


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--events-parquet")
    ap.add_argument("--mentions-parquet")
    ap.add_argument("--gdelt")
    ap.add_argument("--phoenix")
    a = ap.parse_args()
    db = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    if a.events_parquet:
        check_parquet(a.events_parquet, "events", EVENTS, db)
    if a.mentions_parquet:
        check_parquet(a.mentions_parquet, "mentions", MENTIONS, db)
    if a.gdelt:
        df = check_tsv(a.gdelt, GDELT_COLUMNS, db)
        if not df["EventCode"].map(lambda c: c.isdigit()).all():
            fail("EventCode is not a digit string everywhere")
        print(f"ok: {a.gdelt}: {len(df)} rows x {len(df.columns)} GDELT columns in pandas")
    if a.phoenix:
        df = check_tsv(a.phoenix, [f"c{i}" for i in range(26)], db)
        print(f"ok: {a.phoenix}: {len(df)} rows x 26 columns")
    print("all checks passed")


if __name__ == "__main__":
    main()
