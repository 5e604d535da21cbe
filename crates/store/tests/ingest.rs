//! Ingest: idempotence, replacement of edited documents, failures,
//! determinism, event grouping, the daily counts and queries.

mod common;

use common::*;
use dyad_store::{ingest, Filter, IngestOptions, OpenOptions, Store};

fn open(path: &std::path::Path) -> Store {
    Store::open(path, &OpenOptions { create: true, ..Default::default() }).unwrap()
}

fn opts() -> IngestOptions {
    IngestOptions { batch_docs: 7, chunk_docs: 16, ..IngestOptions::default() }
}

#[test]
fn ingesting_twice_changes_nothing() {
    let dir = TempDir::new("twice");
    let db = dir.path("s.db");
    let docs = corpus(300);
    let mut store = open(&db);
    let first = ingest(&mut store, inputs(&docs), line_coder, &opts(), &|_| {}).unwrap();
    assert_eq!((first.new, first.replaced, first.unchanged, first.failed), (300, 0, 0, 0));
    let counts = store.counts().unwrap();
    let expected: usize = docs.iter().map(|d| expected_events(&d.text)).sum();
    assert_eq!(counts.mentions as usize, expected);
    assert_eq!(counts.actor_mentions as usize, expected);
    assert!(
        counts.events > 0 && counts.events < counts.mentions,
        "reports of the same events are grouped: {counts:?}"
    );
    let before = digest(&db);

    let second = ingest(&mut store, inputs(&docs), line_coder, &opts(), &|_| {}).unwrap();
    assert_eq!((second.new, second.replaced, second.unchanged), (0, 0, 300));
    assert_eq!(store.counts().unwrap(), counts);
    assert_eq!(digest(&db), before);
}

#[test]
fn an_edited_document_replaces_its_records() {
    let dir = TempDir::new("edit");
    let db = dir.path("s.db");
    let mut docs = vec![
        doc("a", "2025-03-01", "AP", "USAGOV 040 RUSGOV\nUSAGOV 190 SYRREB\n"),
        doc("b", "2025-03-01", "BBC", "CHNGOV 042 USAGOV\n"),
    ];
    let mut store = open(&db);
    ingest(&mut store, inputs(&docs), line_coder, &opts(), &|_| {}).unwrap();
    assert_eq!(store.counts().unwrap().mentions, 3);
    let old_ids: Vec<String> = mention_ids(&store, "a");

    docs[0].text = "USAGOV 111 RUSGOV\n".into();
    let s = ingest(&mut store, inputs(&docs), line_coder, &opts(), &|_| {}).unwrap();
    assert_eq!((s.new, s.replaced, s.unchanged), (0, 1, 1));
    let c = store.counts().unwrap();
    assert_eq!((c.documents, c.mentions, c.actor_mentions), (2, 2, 2));
    let new_ids = mention_ids(&store, "a");
    assert_eq!(new_ids.len(), 1);
    assert!(old_ids.iter().all(|id| !new_ids.contains(id)));

    // Same content in a fresh store gives the same ids.
    let db2 = dir.path("fresh.db");
    let mut fresh = open(&db2);
    ingest(&mut fresh, inputs(&docs), line_coder, &opts(), &|_| {}).unwrap();
    assert_eq!(digest(&db), digest(&db2));
}

fn mention_ids(store: &Store, doc: &str) -> Vec<String> {
    let mut stmt = store
        .connection()
        .prepare("SELECT m.id FROM mentions m JOIN documents d ON d.doc_key = m.doc_key WHERE d.id = ?1 ORDER BY m.id")
        .unwrap();
    let rows = stmt.query_map([doc], |r| r.get::<_, String>(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn failing_documents_are_recorded_and_the_rest_goes_on() {
    let dir = TempDir::new("fail");
    let db = dir.path("s.db");
    let docs = vec![
        doc("ok1", "2025-03-01", "AP", "USAGOV 040 RUSGOV\n"),
        doc("bad", "2025-03-01", "AP", "this one will FAIL\n"),
        doc("boom", "2025-03-01", "AP", "and this one will PANIC\n"),
        doc("ok2", "2025-03-02", "AP", "RUSGOV 042 USAGOV\n"),
    ];
    let mut items = inputs(&docs);
    items.insert(
        2,
        Err(dyad_store::ReadFailure {
            origin: "feed.jsonl:3".into(),
            doc_id: None,
            reason: "not JSON".into(),
        }),
    );
    let mut store = open(&db);
    let s = ingest(&mut store, items.clone(), line_coder, &opts(), &|_| {}).unwrap();
    assert_eq!((s.new, s.failed, s.documents), (2, 3, 5));
    let reasons: Vec<String> = s.failures.iter().map(|f| format!("{} {}", f.stage, f.reason)).collect();
    assert!(reasons.iter().any(|r| r == "code synthetic coder failure"), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("panicked: synthetic coder panic")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r == "read not JSON"), "{reasons:?}");
    assert_eq!(store.counts().unwrap().failures, 3);
    let before = digest(&db);

    // Again: the failures are retried, recorded once, nothing else changes.
    ingest(&mut store, items, line_coder, &opts(), &|_| {}).unwrap();
    assert_eq!(store.counts().unwrap().failures, 3);
    assert_eq!(digest(&db), before);

    // Fixed: the failure goes away.
    let fixed = vec![doc("bad", "2025-03-01", "AP", "USAGOV 190 SYRREB\n")];
    ingest(&mut store, inputs(&fixed), line_coder, &opts(), &|_| {}).unwrap();
    let c = store.counts().unwrap();
    assert_eq!((c.failures, c.documents), (2, 3));
}

#[test]
fn an_edit_that_fails_keeps_the_stored_version() {
    let dir = TempDir::new("editfail");
    let db = dir.path("s.db");
    let mut docs = vec![doc("a", "2025-03-01", "AP", "USAGOV 040 RUSGOV\n")];
    let mut store = open(&db);
    ingest(&mut store, inputs(&docs), line_coder, &opts(), &|_| {}).unwrap();
    docs[0].text = "USAGOV 040 RUSGOV FAIL\n".into();
    let s = ingest(&mut store, inputs(&docs), line_coder, &opts(), &|_| {}).unwrap();
    assert_eq!(s.failed, 1);
    assert!(s.failures[0].reason.contains("earlier version"), "{:?}", s.failures);
    let c = store.counts().unwrap();
    assert_eq!((c.documents, c.mentions, c.failures), (1, 1, 1));
}

#[test]
fn ids_do_not_depend_on_input_order_or_batching() {
    let dir = TempDir::new("order");
    let docs = corpus(120);
    let a = dir.path("a.db");
    let b = dir.path("b.db");
    ingest(&mut open(&a), inputs(&docs), line_coder, &opts(), &|_| {}).unwrap();
    let mut rev = docs.clone();
    rev.reverse();
    let o = IngestOptions { batch_docs: 1000, chunk_docs: 3, ..IngestOptions::default() };
    ingest(&mut open(&b), inputs(&rev), line_coder, &o, &|_| {}).unwrap();
    assert_eq!(digest(&a), digest(&b));
}

#[test]
fn events_group_reports_of_the_same_event() {
    let dir = TempDir::new("events");
    let db = dir.path("s.db");
    let docs = vec![
        // Two wires, same day, same event: one event, two documents, two sources.
        doc("a1", "2025-03-01", "AP", "USAGOV 040 RUSGOV @Geneva\nUSAGOV 040 RUSGOV @Geneva\n"),
        doc("a2", "2025-03-01", "Reuters", "USAGOV 040 RUSGOV @Geneva\n"),
        // The next day, same place: within the default window of one day.
        doc("a3", "2025-03-02", "BBC", "USAGOV 040 RUSGOV @Geneva\n"),
        // Two days later: a new event.
        doc("a4", "2025-03-03", "BBC", "USAGOV 040 RUSGOV @Geneva\n"),
        // Same day, another place: another event.
        doc("a5", "2025-03-01", "AP", "USAGOV 040 RUSGOV @Riyadh\n"),
        // Reversed dyad: another event.
        doc("a6", "2025-03-01", "AP", "RUSGOV 040 USAGOV @Geneva\n"),
    ];
    let mut store = open(&db);
    let s = ingest(&mut store, inputs(&docs), line_coder, &opts(), &|_| {}).unwrap();
    assert_eq!(s.events, 4);
    let mut events = Vec::new();
    store
        .for_each_event(&Filter::default(), |e| {
            events.push(e);
            Ok(())
        })
        .unwrap();
    let geneva: Vec<_> =
        events.iter().filter(|e| e.source == "USAGOV" && e.place.as_deref() == Some("Geneva")).collect();
    assert_eq!(geneva.len(), 2);
    let first = geneva.iter().find(|e| e.date.as_deref() == Some("2025-03-01")).unwrap();
    assert_eq!((first.num_mentions, first.num_documents, first.num_sources), (4, 3, 3));
    assert_eq!(first.documents, ["a1", "a2", "a3"]);
    assert_eq!(first.end_date.as_deref(), Some("2025-03-02"));
    assert_eq!(first.urls.len(), 3);
    assert!(first.is_root);

    // Window 0: one-a-day.
    let s = ingest(
        &mut store,
        inputs(&docs),
        line_coder,
        &IngestOptions { event_window_days: Some(0), ..opts() },
        &|_| {},
    )
    .unwrap();
    assert_eq!(s.events, 5);
    // The pure one-a-day view ignores places.
    let daily: i64 =
        store.connection().query_row("SELECT COUNT(*) FROM events_daily", [], |r| r.get(0)).unwrap();
    assert_eq!(daily, 4);
}

#[test]
fn daily_counts_give_denominators() {
    let dir = TempDir::new("daily");
    let db = dir.path("s.db");
    let docs = vec![
        doc("1", "2025-03-01", "AP", "nothing here\n"),
        doc("2", "2025-03-01", "AP", "USAGOV 040 RUSGOV\n"),
        doc("3", "2025-03-01", "BBC", "nothing\n"),
        doc("4", "2025-03-02", "AP", "nothing\n"),
    ];
    let mut store = open(&db);
    ingest(&mut store, inputs(&docs), line_coder, &opts(), &|_| {}).unwrap();
    let mut stmt = store
        .connection()
        .prepare("SELECT date, source, documents, mentions FROM daily_counts ORDER BY date, source")
        .unwrap();
    let rows: Vec<(String, String, i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        [
            ("2025-03-01".into(), "AP".into(), 2, 1),
            ("2025-03-01".into(), "BBC".into(), 1, 0),
            ("2025-03-02".into(), "AP".into(), 1, 0)
        ]
    );
}

#[test]
fn queries_filter_events_and_mentions() {
    let dir = TempDir::new("query");
    let db = dir.path("s.db");
    let docs = vec![
        doc("a", "2025-03-01", "AP", "USAGOV 040 RUSGOV @Geneva\nUKRMIL 190 RUSGOV @Kyiv\n"),
        doc("b", "2025-03-05", "Reuters", "CHNGOV 0231 USAGOV\n"),
        doc("c", "2025-04-01", "BBC", "IGOUNO 111 SYRREB @Damascus\n"),
    ];
    let mut store = open(&db);
    ingest(&mut store, inputs(&docs), line_coder, &opts(), &|_| {}).unwrap();
    let ids = |store: &mut Store, f: Filter| -> Vec<String> {
        let mut out = Vec::new();
        store
            .for_each_event(&f, |e| {
                out.push(format!("{}>{}:{}", e.source, e.target, e.cameo));
                Ok(())
            })
            .unwrap();
        out
    };
    assert_eq!(ids(&mut store, Filter { actor: Some("usa".into()), ..Default::default() }).len(), 2);
    assert_eq!(
        ids(
            &mut store,
            Filter { source: Some("UKR".into()), target: Some("RUS".into()), ..Default::default() }
        ),
        ["UKRMIL>RUSGOV:190"]
    );
    assert_eq!(
        ids(&mut store, Filter { cameo: Some("02".into()), ..Default::default() }),
        ["CHNGOV>USAGOV:0231"]
    );
    assert_eq!(ids(&mut store, Filter { root: Some("19".into()), ..Default::default() }).len(), 1);
    assert_eq!(ids(&mut store, Filter { plover: Some("consult".into()), ..Default::default() }).len(), 1);
    assert_eq!(
        ids(
            &mut store,
            Filter { from: Some("2025-03-02".into()), to: Some("2025-03-31".into()), ..Default::default() }
        )
        .len(),
        1
    );
    assert_eq!(ids(&mut store, Filter { place: Some("kyiv".into()), ..Default::default() }).len(), 1);
    assert_eq!(ids(&mut store, Filter { news_source: Some("reut".into()), ..Default::default() }).len(), 1);
    assert_eq!(ids(&mut store, Filter { text: Some("SYRREB".into()), ..Default::default() }).len(), 1);
    assert_eq!(ids(&mut store, Filter { text: Some("100%".into()), ..Default::default() }).len(), 0);
    assert_eq!(ids(&mut store, Filter { limit: Some(2), ..Default::default() }).len(), 2);
    assert!(store
        .for_each_event(&Filter { from: Some("yesterday".into()), ..Default::default() }, |_| Ok(()))
        .is_err());
    assert!(store
        .for_each_event(&Filter { cameo: Some("04'; DROP".into()), ..Default::default() }, |_| Ok(()))
        .is_err());

    let mut mentions = Vec::new();
    store
        .for_each_mention(&Filter { doc: Some("a".into()), ..Default::default() }, |m| {
            mentions.push(m);
            Ok(())
        })
        .unwrap();
    assert_eq!(mentions.len(), 2);
    assert_eq!(mentions[0].sentence_text.as_deref(), Some("USAGOV 040 RUSGOV @Geneva"));
    assert!(mentions.iter().all(|m| m.event_id.as_deref().is_some_and(|id| id.starts_with("evt-"))));
    assert_eq!(mentions[0].news_source.as_deref(), Some("AP"));
}

#[test]
fn two_ingests_into_one_store_are_caught() {
    let dir = TempDir::new("concurrent");
    let db = dir.path("s.db");
    drop(open(&db));
    let slow = |d: &dyad_text::Document| {
        std::thread::sleep(std::time::Duration::from_millis(2));
        line_coder(d)
    };
    let a_docs = corpus(400);
    let b_docs: Vec<_> = corpus(400)
        .into_iter()
        .map(|mut d| {
            d.id = format!("b-{}", d.id);
            d
        })
        .collect();
    let o = IngestOptions { batch_docs: 5, chunk_docs: 10, ..IngestOptions::default() };
    let (ra, rb) = std::thread::scope(|s| {
        let a = s.spawn(|| ingest(&mut open(&db), inputs(&a_docs), slow, &o, &|_| {}));
        std::thread::sleep(std::time::Duration::from_millis(100));
        let b = s.spawn(|| ingest(&mut open(&db), inputs(&b_docs), slow, &o, &|_| {}));
        (a.join().unwrap(), b.join().unwrap())
    });
    let errors: Vec<String> =
        [&ra, &rb].iter().filter_map(|r| r.as_ref().err().map(|e| e.to_string())).collect();
    assert!(!errors.is_empty(), "interleaved writers must be refused");
    assert!(errors.iter().all(|e| e.contains("another process")), "{errors:?}");
    let store = open(&db);
    store.check().unwrap();
    let bad: i64 = store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM documents d WHERE n_events != (SELECT COUNT(*) FROM mentions m WHERE m.doc_key = d.doc_key)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bad, 0);
}
