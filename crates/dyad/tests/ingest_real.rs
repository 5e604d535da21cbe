//! `dyad ingest` and `dyad code` with the real coder on news text: the same
//! output whatever the number of threads, idempotence, edits, bad stores, a
//! full disk and `kill -9` in the middle of an ingest.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use dyad_store::rusqlite;

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("dyad-real-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_dyad")
}

fn dyad(args: &[&str]) -> Output {
    Command::new(exe()).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn seed() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seed-article.txt"))
        .unwrap()
}

/// `n` news documents: the seed article, each with its own id, date, source
/// and first sentence, as JSON Lines.
fn corpus(path: &Path, n: usize) -> PathBuf {
    let seed = seed();
    let sources = ["Reuters", "AP", "AFP", "BBC"];
    let mut out = String::new();
    for i in 0..n {
        let doc = serde_json::json!({
            "id": format!("news-{i:05}"),
            "date": format!("2025-03-{:02}", 1 + i % 28),
            "source": sources[i % sources.len()],
            "url": format!("https://news.example/{i}"),
            "text": format!("Report {i} from the wires. Officials in Ankara met with envoys from Egypt.\n\n{seed}"),
        });
        out.push_str(&doc.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
    path.to_path_buf()
}

fn open(db: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

fn count(db: &Path, sql: &str) -> i64 {
    open(db).query_row(sql, [], |r| r.get(0)).unwrap()
}

/// What a store holds that must not depend on how (or in how many runs,
/// threads or batches) it was filled.
fn digest(db: &Path) -> String {
    let conn = open(db);
    let mut out = String::new();
    for sql in [
        "SELECT id || ' ' || hash || ' ' || sentences || ' ' || n_events || ' ' || n_actors || ' ' || n_skips FROM documents ORDER BY id",
        "SELECT id || ' ' || source_code || ' ' || target_code || ' ' || cameo || ' ' || sentence || ' ' || COALESCE(dictionary, '') FROM mentions ORDER BY id",
        "SELECT id || ' ' || code FROM actor_mentions ORDER BY id",
        "SELECT e.id || ' ' || e.n_mentions || ' ' || e.n_documents || ' ' || m.id FROM events e
           JOIN event_mentions em ON em.event_key = e.event_key
           JOIN mentions m ON m.mention_key = em.mention_key ORDER BY e.id, m.id",
        "SELECT failure_key || ' ' || reason FROM failures ORDER BY failure_key",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        for r in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
            out.push_str(&r.unwrap());
            out.push('\n');
        }
        out.push_str("--\n");
    }
    out
}

/// Every stored document has exactly the records its counts say, and no
/// record is without its document.
fn assert_whole(db: &Path) {
    let bad = count(
        db,
        "SELECT COUNT(*) FROM documents d WHERE n_events != (SELECT COUNT(*) FROM mentions m WHERE m.doc_key = d.doc_key)
            OR n_actors != (SELECT COUNT(*) FROM actor_mentions a WHERE a.doc_key = d.doc_key)
            OR n_skips != (SELECT COUNT(*) FROM skips k WHERE k.doc_key = d.doc_key)",
    );
    assert_eq!(bad, 0, "documents with missing records");
    let orphans =
        count(db, "SELECT COUNT(*) FROM mentions WHERE doc_key NOT IN (SELECT doc_key FROM documents)");
    assert_eq!(orphans, 0);
}

#[test]
fn code_writes_the_same_bytes_in_input_order_whatever_the_threads() {
    let d = Dir::new("code-threads");
    let input = corpus(&d.path("c.jsonl"), 600);
    let run = |threads: &str| {
        let out =
            Command::new(exe()).arg("code").arg(&input).env("RAYON_NUM_THREADS", threads).output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        out.stdout
    };
    let one = run("1");
    assert_eq!(one, run("3"), "1 and 3 threads differ");
    // Records come in input order: document ids never go back.
    let mut last = String::new();
    let mut events = 0;
    for line in text(&one).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["doc_id"].as_str().unwrap().to_string();
        assert!(id >= last, "{id} after {last}");
        events += usize::from(v["type"] == "event");
        last = id;
    }
    assert_eq!(last, "news-00599");
    assert!(events >= 600 * 5, "{events} events");
}

#[test]
fn ingest_is_deterministic_idempotent_and_replaces_edits() {
    let d = Dir::new("ingest");
    let input = corpus(&d.path("c.jsonl"), 300);
    let (one, two) = (d.path("one.db"), d.path("two.db"));
    let out = dyad(&["ingest", s(&input), "--db", s(&one), "--threads", "1", "--batch", "7"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("ingested 300 documents (300 new, 0 replaced, 0 unchanged, 0 failed)"), "{err}");
    let out = dyad(&["ingest", s(&input), "--db", s(&two), "--threads", "3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(digest(&one), digest(&two), "threads and batches changed the store");
    assert_whole(&one);

    // The real coder's records, with provenance.
    assert!(count(&one, "SELECT COUNT(*) FROM mentions") >= 300 * 5);
    let no_provenance = count(
        &one,
        "SELECT COUNT(*) FROM mentions WHERE id NOT LIKE 'ev-%' OR dictionary IS NULL OR verb IS NULL
            OR sent_end <= sent_start OR sentence_text IS NULL OR json NOT LIKE '%\"dyad_version\"%'",
    );
    assert_eq!(no_provenance, 0);
    assert_eq!(count(&one, "SELECT COUNT(*) FROM documents WHERE dyad_version = ''"), 0);

    // Again: every count unchanged.
    let before = digest(&one);
    let out = dyad(&["ingest", s(&input), "--db", s(&one)]);
    assert!(
        text(&out.stderr).contains("(0 new, 0 replaced, 300 unchanged, 0 failed)"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(digest(&one), before);

    // An edited document replaces its old records.
    let ids = |db: &Path| -> Vec<String> {
        let conn = open(db);
        let mut st = conn
            .prepare("SELECT m.id FROM mentions m JOIN documents d USING (doc_key) WHERE d.id = 'news-00007' ORDER BY m.id")
            .unwrap();
        let v = st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        v
    };
    let old = ids(&one);
    assert!(!old.is_empty());
    let edited = d.path("edit.jsonl");
    std::fs::write(
        &edited,
        serde_json::json!({"id": "news-00007", "date": "2025-03-08", "text": "Turkey accused Greece of spying."})
            .to_string()
            + "\n",
    )
    .unwrap();
    let mentions = count(&one, "SELECT COUNT(*) FROM mentions");
    let out = dyad(&["ingest", s(&edited), "--db", s(&one)]);
    assert!(
        text(&out.stderr).contains("(0 new, 1 replaced, 0 unchanged, 0 failed)"),
        "{}",
        text(&out.stderr)
    );
    let new = ids(&one);
    assert!(!new.is_empty() && new.iter().all(|id| !old.contains(id)), "{old:?} -> {new:?}");
    assert_eq!(count(&one, "SELECT COUNT(*) FROM mentions"), mentions - old.len() as i64 + new.len() as i64);
    assert_eq!(count(&one, "SELECT COUNT(*) FROM documents"), 300);
    assert_whole(&one);
}

#[test]
fn bad_stores_are_refused_untouched() {
    let d = Dir::new("bad");
    let input = corpus(&d.path("c.jsonl"), 40);
    let db = d.path("s.db");
    assert!(dyad(&["ingest", s(&input), "--db", s(&db)]).status.success());
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA user_version = 99; PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let out = dyad(&["ingest", s(&input), "--db", s(&db)]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("newer dyad"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&db).unwrap(), before);

    // A damaged store: found before anything is written.
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA user_version = 1;").unwrap();
    }
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 8 * 4096);
    for b in &mut bytes[2 * 4096..6 * 4096] {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let more = corpus(&d.path("more.jsonl"), 50);
    let out = dyad(&["ingest", s(&more), "--db", s(&db)]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("damaged"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
}

#[test]
fn a_full_disk_stops_cleanly_and_the_same_ingest_finishes_the_job() {
    let d = Dir::new("full");
    let input = corpus(&d.path("c.jsonl"), 200);
    let db = d.path("s.db");
    let out = dyad(&["ingest", s(&input), "--db", s(&db), "--batch", "8", "--max-db-bytes", "4000000"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("full") && err.contains("rolled back"), "{err}");
    let committed = count(&db, "SELECT COUNT(*) FROM documents");
    assert!((1..200).contains(&committed) && committed % 8 == 0, "{committed}");
    assert!(err.contains(&format!("the {committed} documents this run committed")), "{err}");
    assert_whole(&db);

    let out = dyad(&["ingest", s(&input), "--db", s(&db), "--batch", "8"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let want = format!("({} new, 0 replaced, {committed} unchanged, 0 failed)", 200 - committed);
    assert!(text(&out.stderr).contains(&want), "{}", text(&out.stderr));
    let clean = d.path("clean.db");
    assert!(dyad(&["ingest", s(&input), "--db", s(&clean)]).status.success());
    assert_eq!(digest(&db), digest(&clean));
}

#[test]
fn kill_9_mid_ingest_loses_nothing_committed() {
    let d = Dir::new("kill");
    const DOCS: i64 = 2000;
    let input = corpus(&d.path("c.jsonl"), DOCS as usize);
    let db = d.path("s.db");
    let args = ["ingest", s(&input), "--db", s(&db), "--batch", "8"];
    let mut child =
        Command::new(exe()).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let start = Instant::now();
    let stored = |db: &Path| -> i64 {
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0)))
            .unwrap_or(0)
    };
    while stored(&db) < DOCS / 10 {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the ingest ended before it could be killed: {status}");
        }
        assert!(start.elapsed() < Duration::from_secs(300), "the ingest made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    assert!(!child.wait().unwrap().success());

    let committed = count(&db, "SELECT COUNT(*) FROM documents");
    assert!((DOCS / 10..DOCS).contains(&committed) && committed % 8 == 0, "{committed}");
    eprintln!("killed with {committed} of {DOCS} documents committed");
    let check: String = open(&db).query_row("PRAGMA quick_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    assert_whole(&db);

    // The same ingest again stores the rest, and ends where a clean one ends.
    let out = dyad(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let want = format!("({} new, 0 replaced, {committed} unchanged, 0 failed)", DOCS - committed);
    assert!(text(&out.stderr).contains(&want), "{}", text(&out.stderr));
    let clean = d.path("clean.db");
    assert!(dyad(&["ingest", s(&input), "--db", s(&clean)]).status.success());
    assert_eq!(digest(&db), digest(&clean));
}

#[test]
fn exports_of_a_real_store_keep_their_shape_and_load_in_pyarrow_and_pandas() {
    let d = Dir::new("exports");
    let input = corpus(&d.path("c.jsonl"), 120);
    let db = d.path("s.db");
    assert!(dyad(&["ingest", s(&input), "--db", s(&db)]).status.success());
    let events = count(&db, "SELECT COUNT(*) FROM events");
    assert!(events > 0);
    let gdelt = d.path("events.tsv");
    let phoenix = d.path("events.phoenix.tsv");
    let (ep, mp) = (d.path("events.parquet"), d.path("mentions.parquet"));
    for args in [
        vec!["--format", "gdelt", "-o", s(&gdelt)],
        vec!["--format", "phoenix", "-o", s(&phoenix)],
        vec!["--format", "parquet", "-o", s(&ep)],
        vec!["--format", "parquet", "--table", "mentions", "-o", s(&mp)],
    ] {
        if args.contains(&"parquet") && !cfg!(feature = "parquet") {
            continue;
        }
        let mut all = vec!["export", "--db", s(&db)];
        all.extend(args);
        let out = dyad(&all);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let tsv = std::fs::read_to_string(&gdelt).unwrap();
    assert_eq!(tsv.lines().count() as i64, events);
    for line in tsv.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 61, "{line}");
        assert!(!cols[26].is_empty() && cols[26].bytes().all(|b| b.is_ascii_digit()), "EventCode: {line}");
    }
    let phx = std::fs::read_to_string(&phoenix).unwrap();
    assert!(phx.lines().all(|l| l.split('\t').count() == 26));

    // The outside tools, when python3 has them (the test suite never needs Python).
    let has = Command::new("python3").args(["-c", "import pyarrow, pandas"]).output();
    if !has.is_ok_and(|o| o.status.success()) || !cfg!(feature = "parquet") {
        eprintln!(
            "notice: python3 with pyarrow and pandas not found; the exports were not checked with them"
        );
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/check_exports.py");
    let out = Command::new("python3")
        .arg(script)
        .args(["--db", s(&db), "--events-parquet", s(&ep), "--mentions-parquet", s(&mp)])
        .args(["--gdelt", s(&gdelt), "--phoenix", s(&phoenix)])
        .output()
        .unwrap();
    eprintln!("{}", text(&out.stdout));
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
}
