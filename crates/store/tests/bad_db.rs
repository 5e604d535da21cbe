//! Bad databases: a clear error, and nothing already stored is lost.

mod common;

use common::*;
use dyad_store::{ingest, Error, IngestOptions, OpenOptions, Store};

fn create() -> OpenOptions {
    OpenOptions { create: true, ..Default::default() }
}

#[test]
fn a_file_that_is_not_a_database_is_refused_untouched() {
    let dir = TempDir::new("notdb");
    let db = dir.path("notes.db");
    let junk = b"these are my notes, not a database\n".repeat(200);
    std::fs::write(&db, &junk).unwrap();
    let err = Store::open(&db, &create()).err().unwrap();
    assert!(matches!(err, Error::NotSqlite { .. }), "{err}");
    assert!(err.to_string().contains("not an SQLite database"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), junk);
}

#[test]
fn a_foreign_sqlite_database_is_refused_untouched() {
    let dir = TempDir::new("foreign");
    let db = dir.path("other.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "CREATE TABLE customers(id INTEGER, name TEXT); INSERT INTO customers VALUES (1, 'x');",
        )
        .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let err = Store::open(&db, &create()).err().unwrap();
    assert!(matches!(err, Error::Foreign { .. }), "{err}");
    assert!(err.to_string().contains("table customers"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_store_from_a_newer_dyad_is_refused_untouched() {
    let dir = TempDir::new("newer");
    let db = dir.path("s.db");
    {
        let mut s = Store::open(&db, &create()).unwrap();
        ingest(&mut s, inputs(&corpus(5)), line_coder, &IngestOptions::default(), &|_| {}).unwrap();
        s.connection().execute_batch("PRAGMA user_version = 99; PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let err = Store::open(&db, &create()).err().unwrap();
    assert!(matches!(err, Error::TooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("newer dyad"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // Put it back: the data is all there.
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA user_version = 1;").unwrap();
    }
    let s = Store::open(&db, &create()).unwrap();
    assert_eq!(s.counts().unwrap().documents, 5);
}

#[test]
fn a_damaged_store_is_reported_and_not_written() {
    let dir = TempDir::new("damaged");
    let db = dir.path("s.db");
    {
        let mut s = Store::open(&db, &create()).unwrap();
        ingest(&mut s, inputs(&corpus(200)), line_coder, &IngestOptions::default(), &|_| {}).unwrap();
        s.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let mut bytes = std::fs::read(&db).unwrap();
    let page = 4096;
    assert!(bytes.len() > 8 * page);
    // Scribble over pages 3 to 6 (b-tree pages of the tables).
    for b in &mut bytes[2 * page..6 * page] {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let result = Store::open(&db, &create()).and_then(|mut s| {
        ingest(&mut s, inputs(&corpus(210)), line_coder, &IngestOptions::default(), &|_| {})
    });
    let err = result.err().unwrap();
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("damaged"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "nothing was written to the damaged file");
}

#[test]
fn a_missing_store_is_an_error_for_readers() {
    let dir = TempDir::new("missing");
    let err = Store::open(dir.path("nope.db"), &OpenOptions::default()).err().unwrap();
    assert!(matches!(err, Error::Missing { .. }), "{err}");
    assert!(!dir.path("nope.db").exists());
}

#[test]
fn a_full_disk_stops_cleanly_and_keeps_what_was_committed() {
    let dir = TempDir::new("full");
    let db = dir.path("s.db");
    let docs = corpus(3000);
    // Room for the schema and a few hundred documents.
    let opts = OpenOptions { create: true, max_pages: Some(120) };
    let mut store = Store::open(&db, &opts).unwrap();
    let io = IngestOptions { batch_docs: 50, chunk_docs: 100, ..IngestOptions::default() };
    let err = ingest(&mut store, inputs(&docs), line_coder, &io, &|_| {}).err().unwrap();
    let committed = match &err {
        Error::Full { committed, .. } => *committed,
        other => panic!("expected a full-disk error, got {other}"),
    };
    assert!(err.to_string().contains("full"), "{err}");
    eprintln!("{err}");
    assert!(committed > 0 && committed < 3000, "{committed}");
    assert_eq!(committed % 50, 0, "whole batches only");
    drop(store);

    // Everything committed is there and whole.
    let store = Store::open(&db, &OpenOptions::default()).unwrap();
    store.check().unwrap();
    let c = store.counts().unwrap();
    assert_eq!(c.documents, committed);
    let bad: i64 = store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM documents d WHERE n_events != (SELECT COUNT(*) FROM mentions m WHERE m.doc_key = d.doc_key)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bad, 0);
    drop(store);

    // With room again, the same ingest stores the rest and ends like a clean one.
    let mut store = Store::open(&db, &create()).unwrap();
    let s = ingest(&mut store, inputs(&docs), line_coder, &io, &|_| {}).unwrap();
    assert_eq!((s.unchanged, s.new), (committed, 3000 - committed));
    let clean = dir.path("clean.db");
    ingest(&mut Store::open(&clean, &create()).unwrap(), inputs(&docs), line_coder, &io, &|_| {}).unwrap();
    drop(store);
    assert_eq!(digest(&db), digest(&clean));
}

#[test]
fn reopening_keeps_the_data_and_the_version() {
    let dir = TempDir::new("migrate");
    let db = dir.path("s.db");
    {
        let mut s = Store::open(&db, &create()).unwrap();
        ingest(&mut s, inputs(&corpus(3)), line_coder, &IngestOptions::default(), &|_| {}).unwrap();
        assert_eq!(s.schema_version().unwrap(), dyad_store::schema::SCHEMA_VERSION);
    }
    let s = Store::open(&db, &create()).unwrap();
    assert_eq!(s.counts().unwrap().documents, 3);
}
