//! `dyad ingest`, `dyad query`, `dyad export` as a user runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("dyad-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn dyad(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dyad")).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn corpus(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("wires")).unwrap();
    for i in 0..30 {
        std::fs::write(
            input.join(format!("a{i:02}.txt")),
            format!("Story {i}. Ministers met in Geneva. They talked.\n"),
        )
        .unwrap();
    }
    std::fs::write(input.join("broken.txt"), b"caf\xe9 au lait\n").unwrap();
    std::fs::write(input.join("empty.txt"), b"").unwrap();
    std::fs::write(
        input.join("wires/feed.jsonl"),
        concat!(
            r#"{"id":"w1","text":"Russia and Ukraine met in Riyadh.","date":"2025-03-11","source":"AP","url":"https://x.example/1"}"#,
            "\n",
            r#"{"id":"w2","text":"A second story.","date":"2025-03-11","source":"AP"}"#,
            "\n",
            "{not json\n",
        ),
    )
    .unwrap();
    input
}

#[test]
fn ingesting_a_directory_twice_leaves_every_count_unchanged() {
    let d = Dir::new("twice");
    let input = corpus(&d.0);
    let db = d.0.join("s.db");
    let (input, db) = (input.to_str().unwrap(), db.to_str().unwrap());
    let first = dyad(&["ingest", input, "--db", db]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let err = text(&first.stderr);
    assert!(err.contains("ingested 35 documents (32 new, 0 replaced, 0 unchanged, 3 failed)"), "{err}");
    // Each bad document named with its file (and line), and why.
    assert!(err.contains("broken.txt: line 1, byte 3: invalid UTF-8"), "{err}");
    assert!(err.contains("empty.txt: line 1: empty document"), "{err}");
    assert!(err.contains("failed (read): ") && err.contains("feed.jsonl:3: "), "{err}");

    let counts = |db: &str| {
        let s = dyad_store::Store::open(db, &dyad_store::OpenOptions::default()).unwrap();
        s.counts().unwrap()
    };
    let before = counts(db);
    assert_eq!((before.documents, before.failures), (32, 3));
    // The real coder: "Ministers met in Geneva." and "Russia and Ukraine met in Riyadh."
    assert!(before.mentions >= 30 && before.events > 0 && before.sentences > before.documents, "{before:?}");
    let second = dyad(&["ingest", input, "--db", db]);
    assert!(second.status.success());
    assert!(
        text(&second.stderr).contains("(0 new, 0 replaced, 32 unchanged, 3 failed)"),
        "{}",
        text(&second.stderr)
    );
    assert_eq!(counts(db), before);

    // The denominators, as JSON numbers.
    let daily = dyad(&["query", "--db", db, "--daily", "--format", "jsonl"]);
    let out = text(&daily.stdout);
    let row = out.lines().find(|l| l.contains("2025-03-11")).unwrap();
    let v: serde_json::Value = serde_json::from_str(row).unwrap();
    assert_eq!((v["source"].as_str(), v["documents"].as_i64()), (Some("AP"), Some(2)));
    let failures = dyad(&["query", "--db", db, "--failures", "--format", "csv"]);
    assert_eq!(text(&failures.stdout).lines().count(), 4, "{}", text(&failures.stdout));
}

#[test]
fn a_foreign_database_is_refused_and_left_alone() {
    let d = Dir::new("foreign");
    let input = corpus(&d.0);
    let db = d.0.join("notes.db");
    std::fs::write(&db, "my notes\n".repeat(100)).unwrap();
    let out = dyad(&["ingest", input.to_str().unwrap(), "--db", db.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("not an SQLite database"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&db).unwrap(), "my notes\n".repeat(100));
    let out = dyad(&["query", "--db", d.0.join("missing.db").to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no such database"), "{}", text(&out.stderr));
}

#[test]
fn exports_write_their_headers_and_bad_arguments_are_explained() {
    let d = Dir::new("export");
    let input = corpus(&d.0);
    let db = d.0.join("s.db");
    let db = db.to_str().unwrap();
    assert!(dyad(&["ingest", input.to_str().unwrap(), "--db", db]).status.success());
    let out = dyad(&["export", "--db", db, "--format", "gdelt", "--header"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let header = text(&out.stdout);
    let cols: Vec<&str> = header.lines().next().unwrap().split('\t').collect();
    assert_eq!((cols.len(), cols[0], cols[60]), (61, "GlobalEventID", "SOURCEURL"));
    let out = dyad(&["export", "--db", db, "--format", "phoenix", "--header"]);
    assert_eq!(text(&out.stdout).lines().next().unwrap().split('\t').count(), 26);
    let out = dyad(&["export", "--db", db, "--format", "csv", "--table", "mentions"]);
    assert!(text(&out.stdout).starts_with("id,event_id,doc_id,"));

    let out = dyad(&["export", "--db", db, "--format", "xml"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unknown export format"), "{}", text(&out.stderr));
    let out = dyad(&["query", "--db", db, "--from", "2025-02-30"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("not a date"), "{}", text(&out.stderr));
    let out = dyad(&["query", "--db", db, "--dyad", "USA"]);
    assert!(text(&out.stderr).contains("SOURCE:TARGET"), "{}", text(&out.stderr));
    if cfg!(feature = "parquet") {
        let out = dyad(&["export", "--db", db, "--format", "parquet"]);
        assert!(text(&out.stderr).contains("-o FILE"), "{}", text(&out.stderr));
        let pq = d.0.join("e.parquet");
        let out = dyad(&["export", "--db", db, "--format", "parquet", "-o", pq.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(std::fs::read(&pq).unwrap().starts_with(b"PAR1"));
    }
}
