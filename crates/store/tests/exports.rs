//! Exports: column counts, header names, row counts, Parquet schema and
//! (when python3 with pyarrow and pandas is installed) an outside reader.

mod common;

use common::*;
use dyad_store::export::{GDELT_COLUMNS, PHOENIX_COLUMNS};
use dyad_store::{export, ingest, ExportOptions, Filter, Format, IngestOptions, OpenOptions, Store, Table};

fn filled(dir: &TempDir, n: usize) -> (std::path::PathBuf, Store) {
    let db = dir.path("s.db");
    let mut store = Store::open(&db, &OpenOptions { create: true, ..Default::default() }).unwrap();
    let mut docs = corpus(n);
    // Text that needs quoting and escaping in every format.
    docs.push(doc(
        "quoting",
        "2025-02-10",
        "A \"wire\",\tservice",
        "USAGOV 040 RUSGOV @Geneva\nsaid: \"yes, no\"\n",
    ));
    ingest(&mut store, inputs(&docs), line_coder, &IngestOptions::default(), &|_| {}).unwrap();
    (db, store)
}

fn run(store: &mut Store, format: Format, table: Table, header: bool) -> (u64, String) {
    let mut out = Vec::new();
    let opts = ExportOptions { format, table, header, filter: Filter::default() };
    let n = export(store, &opts, &mut out, &mut |_| {}).unwrap();
    (n, String::from_utf8(out).unwrap())
}

#[test]
fn gdelt_lines_have_61_columns() {
    let dir = TempDir::new("gdelt");
    let (_, mut store) = filled(&dir, 200);
    let events = store.counts().unwrap().events;
    let (n, text) = run(&mut store, Format::Gdelt, Table::Events, false);
    assert_eq!(n, events);
    assert_eq!(text.lines().count() as u64, events);
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 61, "{line}");
        assert!(f[0].parse::<i64>().is_ok());
        assert_eq!(f[1].len(), 8);
        assert!(["1", "2", "3", "4"].contains(&f[29]) || f[29].is_empty());
        assert!(f[60].starts_with("https://news.example/"), "{line}");
    }
    let (_, with_header) = run(&mut store, Format::Gdelt, Table::Events, true);
    assert_eq!(with_header.lines().next().unwrap().split('\t').collect::<Vec<_>>(), GDELT_COLUMNS);
}

#[test]
fn phoenix_lines_have_26_columns() {
    let dir = TempDir::new("phoenix");
    let (_, mut store) = filled(&dir, 100);
    let (n, text) = run(&mut store, Format::Phoenix, Table::Events, true);
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap().split('\t').collect::<Vec<_>>(), PHOENIX_COLUMNS);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len() as u64, n);
    assert!(rows.iter().all(|r| r.len() == 26));
    // USAGOV splits into entity USA and role GOV.
    let usa = rows.iter().find(|r| r[5] == "USAGOV").unwrap();
    assert_eq!((usa[6], usa[7]), ("USA", "GOV"));
    assert!(rows.iter().any(|r| r[25].contains("A \"wire\", service")), "tabs in fields become spaces");
}

#[test]
fn csv_and_plover_round_trip_counts() {
    let dir = TempDir::new("csv");
    let (_, mut store) = filled(&dir, 100);
    let c = store.counts().unwrap();
    let (n, text) = run(&mut store, Format::Csv, Table::Events, false);
    assert_eq!(n, c.events);
    // A quoted field may hold commas and quotes; count records, not lines.
    assert!(text.contains("A \"\"wire\"\",\tservice"), "CSV quoting");
    let (n, text) = run(&mut store, Format::Csv, Table::Mentions, false);
    assert_eq!(n, c.mentions);
    assert!(text.starts_with("id,event_id,doc_id,"));

    let (n, text) = run(&mut store, Format::PloverJsonl, Table::Events, false);
    assert_eq!(n, c.events);
    let mut mentions = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["id"].as_str().unwrap().starts_with("evt-"));
        assert!(v["actor"].is_array() && v["event"].is_array());
        mentions += v["mentions"].as_array().unwrap().len();
    }
    assert_eq!(mentions as u64, c.mentions, "every mention belongs to exactly one event");
    let (n, text) = run(&mut store, Format::PloverJsonl, Table::Mentions, false);
    assert_eq!(n, c.mentions);
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["type"], "event");
    assert!(first["event_id"].as_str().unwrap().starts_with("evt-"));
}

#[test]
fn exports_are_reproducible() {
    let dir = TempDir::new("repro");
    let (_, mut a) = filled(&dir, 60);
    let dir2 = TempDir::new("repro2");
    let (_, mut b) = filled(&dir2, 60);
    for f in [Format::Gdelt, Format::Phoenix, Format::Csv, Format::PloverJsonl] {
        assert_eq!(run(&mut a, f, Table::Events, false), run(&mut b, f, Table::Events, false));
    }
}

#[test]
fn gdelt_refuses_mentions() {
    let dir = TempDir::new("refuse");
    let (_, mut store) = filled(&dir, 5);
    let opts = ExportOptions {
        format: Format::Gdelt,
        table: Table::Mentions,
        header: false,
        filter: Filter::default(),
    };
    assert!(export(&mut store, &opts, &mut Vec::new(), &mut |_| {}).is_err());
}

#[cfg(feature = "parquet")]
mod parquet_files {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    fn write(store: &mut Store, table: Table, path: &std::path::Path) -> u64 {
        let opts = ExportOptions { format: Format::Parquet, table, header: false, filter: Filter::default() };
        dyad_store::export_parquet(store, &opts, std::fs::File::create(path).unwrap(), &mut |_| {}).unwrap()
    }

    #[test]
    fn parquet_has_the_rows_and_schema_of_the_store() {
        let dir = TempDir::new("parquet");
        let (_, mut store) = filled(&dir, 300);
        let c = store.counts().unwrap();
        for (table, rows, cols) in [(Table::Events, c.events, 30), (Table::Mentions, c.mentions, 29)] {
            let path = dir.path("out.parquet");
            assert_eq!(write(&mut store, table, &path), rows);
            let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
            let meta = reader.metadata().file_metadata();
            assert_eq!(meta.num_rows() as u64, rows);
            let fields = meta.schema_descr().root_schema().get_fields().len();
            assert_eq!(fields, cols);
        }
    }

    /// The bar's outside check: pyarrow reads the file with the store's row
    /// count and the documented types; pandas loads the GDELT export with
    /// its 61 column names. Skipped (with a notice) without python3, pyarrow
    /// and pandas.
    #[test]
    fn pyarrow_and_pandas_read_the_exports() {
        let has_python = std::process::Command::new("python3")
            .args(["-c", "import pyarrow, pandas"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !has_python {
            eprintln!("NOTICE: python3 with pyarrow and pandas not found; skipping the outside-reader check");
            return;
        }
        let dir = TempDir::new("pyarrow");
        let (db, mut store) = filled(&dir, 300);
        let events = dir.path("events.parquet");
        let mentions = dir.path("mentions.parquet");
        write(&mut store, Table::Events, &events);
        write(&mut store, Table::Mentions, &mentions);
        let gdelt = dir.path("events.gdelt.tsv");
        let mut out = std::fs::File::create(&gdelt).unwrap();
        let opts = ExportOptions {
            format: Format::Gdelt,
            table: Table::Events,
            header: false,
            filter: Filter::default(),
        };
        export(&mut store, &opts, &mut out, &mut |_| {}).unwrap();
        drop(store);
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/check_exports.py");
        let out = std::process::Command::new("python3")
            .arg(script)
            .args(["--db", db.to_str().unwrap()])
            .args(["--events-parquet", events.to_str().unwrap()])
            .args(["--mentions-parquet", mentions.to_str().unwrap()])
            .args(["--gdelt", gdelt.to_str().unwrap()])
            .output()
            .unwrap();
        let text =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{text}");
        assert!(text.contains("all checks passed"), "{text}");
        eprint!("{text}");
    }
}
