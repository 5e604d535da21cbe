//! `kill -9` in the middle of an ingest: the store is sound, every stored
//! document is complete, and running the ingest again ends exactly where a
//! clean ingest ends.
//!
//! The test re-runs its own binary as the child (`child_ingest` with
//! `DYAD_KILL_CHILD_DB` set), waits until the child has committed part of
//! the corpus, and kills it with SIGKILL.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use dyad_store::{ingest, IngestOptions, OpenOptions, Store};

const DOCS: usize = 6000;

fn child_opts() -> IngestOptions {
    IngestOptions { batch_docs: 8, chunk_docs: 32, ..IngestOptions::default() }
}

/// The child's side: ingest the corpus slowly into the given store.
#[test]
fn child_ingest() {
    let Ok(db) = std::env::var("DYAD_KILL_CHILD_DB") else { return };
    let mut store = Store::open(&db, &OpenOptions { create: true, ..Default::default() }).unwrap();
    ingest(&mut store, inputs(&corpus(DOCS)), line_coder, &child_opts(), &|_| {}).unwrap();
    // Reaching here means the parent was too slow to kill us.
    std::process::exit(3);
}

fn stored_documents(db: &std::path::Path) -> u64 {
    let Ok(conn) = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    conn.query_row("SELECT COUNT(*) FROM documents", [], |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
        .unwrap_or(0)
}

#[test]
fn kill_9_mid_ingest_loses_nothing_committed() {
    let dir = TempDir::new("kill9");
    let db = dir.path("s.db");
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args(["child_ingest", "--exact", "--nocapture", "--test-threads", "1"])
        .env("DYAD_KILL_CHILD_DB", &db)
        .env("DYAD_TEST_SLOW_US", "400")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let target = (DOCS / 4) as u64;
    loop {
        if stored_documents(&db) >= target {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the child ended before it could be killed: {status}");
        }
        assert!(start.elapsed() < Duration::from_secs(120), "the child made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(!status.success());

    let stored = {
        let store = Store::open(&db, &OpenOptions::default()).unwrap();
        store.check().unwrap();
        let c = store.counts().unwrap();
        assert!(c.documents >= target && (c.documents as usize) < DOCS, "killed mid-way: {c:?}");
        assert_eq!(c.documents % 8, 0, "whole batches only: {c:?}");
        eprintln!("killed with {} of {DOCS} documents committed", c.documents);
        // Every stored document has exactly the records the coder gives it.
        let corpus = corpus(DOCS);
        let mut stmt = store
            .connection()
            .prepare(
                "SELECT d.id, d.n_events, (SELECT COUNT(*) FROM mentions m WHERE m.doc_key = d.doc_key),
                        (SELECT COUNT(*) FROM actor_mentions a WHERE a.doc_key = d.doc_key)
                 FROM documents d",
            )
            .unwrap();
        let rows: Vec<(String, i64, i64, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (id, n, mentions, actors) in &rows {
            let i: usize = id.trim_start_matches("doc-").parse().unwrap();
            let want = expected_events(&corpus[i].text) as i64;
            assert_eq!((*n, *mentions, *actors), (want, want, want), "document {id}");
        }
        let orphans: i64 = store
            .connection()
            .query_row(
                "SELECT COUNT(*) FROM mentions WHERE doc_key NOT IN (SELECT doc_key FROM documents)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0);
        c.documents
    };

    // Again: the rest is stored, and the result equals a clean ingest.
    let docs = corpus(DOCS);
    let mut store = Store::open(&db, &OpenOptions { create: true, ..Default::default() }).unwrap();
    let s = ingest(&mut store, inputs(&docs), line_coder, &child_opts(), &|_| {}).unwrap();
    assert_eq!((s.unchanged, s.new, s.replaced), (stored, DOCS as u64 - stored, 0));
    drop(store);
    let clean = dir.path("clean.db");
    let mut c = Store::open(&clean, &OpenOptions { create: true, ..Default::default() }).unwrap();
    ingest(&mut c, inputs(&docs), line_coder, &IngestOptions::default(), &|_| {}).unwrap();
    drop(c);
    assert_eq!(digest(&db), digest(&clean));
}
