//! Ingest: code documents in parallel, commit them in order from one writer.
//!
//! The main thread reads documents and skips those already stored with the
//! same content hash; rayon codes the rest a chunk at a time (all cores); a
//! single writer thread commits them in input order, `batch_docs` documents
//! per transaction. A transaction holds whole documents only, so a crash or
//! `kill -9` loses at most the batch in flight and never leaves half a
//! document; re-running the same ingest stores the rest.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{sync_channel, Receiver};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use dyad_code::record::DYAD_VERSION;
use dyad_text::Document;

use crate::hash::content_hash;
use crate::record::{CodedDoc, Place};
use crate::{events, Error, Result, Store};

/// A document to ingest and where it came from.
#[derive(Clone, Debug)]
pub struct Input {
    pub doc: Document,
    /// The file (and line, for JSON Lines) it was read from: `path` or `path:line`.
    pub origin: String,
}

/// A document that could not be read.
#[derive(Clone, Debug)]
pub struct ReadFailure {
    /// `path` or `path:line`.
    pub origin: String,
    /// The document's id, when the reader got that far.
    pub doc_id: Option<String>,
    pub reason: String,
}

/// Ingest settings.
#[derive(Clone, Debug)]
pub struct IngestOptions {
    /// Documents per transaction.
    pub batch_docs: usize,
    /// Documents coded in parallel before they go to the writer.
    pub chunk_docs: usize,
    /// Change the events' date window (days); `None` keeps the store's.
    pub event_window_days: Option<u32>,
    /// Run SQLite's `quick_check` before writing.
    pub check: bool,
    /// Stop before the events are regrouped (tests of interrupted ingests).
    pub skip_events: bool,
}

impl Default for IngestOptions {
    fn default() -> IngestOptions {
        IngestOptions {
            batch_docs: 256,
            chunk_docs: 512,
            event_window_days: None,
            check: true,
            skip_events: false,
        }
    }
}

/// Where an ingest is, for progress bars.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    /// Documents read so far.
    pub read: u64,
    /// Documents finished (stored, unchanged or failed) and committed.
    pub done: u64,
    /// Bytes of text finished.
    pub bytes: u64,
}

/// One document that failed, for the summary.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FailureNote {
    pub origin: String,
    pub doc_id: Option<String>,
    pub stage: &'static str,
    pub reason: String,
}

/// What an ingest did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct IngestSummary {
    /// Documents read (including those that failed to read).
    pub documents: u64,
    pub new: u64,
    pub replaced: u64,
    pub unchanged: u64,
    pub failed: u64,
    /// Sentences, event mentions, actor mentions and quotes of the documents stored by this run.
    pub sentences: u64,
    pub mentions: u64,
    pub actors: u64,
    pub quotes: u64,
    /// Bytes of text read.
    pub bytes: u64,
    /// Events in the store after regrouping.
    pub events: u64,
    /// The first failures (up to 20), with their reasons.
    pub failures: Vec<FailureNote>,
    #[serde(skip)]
    pub elapsed: Duration,
}

impl IngestSummary {
    /// Documents per second over the whole run.
    pub fn docs_per_sec(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.documents as f64 / s
        } else {
            0.0
        }
    }
}

enum Item {
    Unchanged {
        bytes: u64,
    },
    ReadFailed(ReadFailure),
    CodeFailed {
        input: Input,
        hash: String,
        reason: String,
        stored: bool,
    },
    /// `stored`: an older version of the document is in the store.
    Coded {
        input: Input,
        hash: String,
        coded: CodedDoc,
        stored: bool,
    },
}

/// What the writer knows across transactions.
struct WriterState {
    /// The next `doc_key` to give (the writer is the only one writing).
    next_key: i64,
    /// Documents (ids) and origins that have a recorded failure.
    failed_ids: std::collections::HashSet<String>,
    failed_keys: std::collections::HashSet<String>,
}

#[derive(Default)]
struct WriterStats {
    done: u64,
    bytes: u64,
    new: u64,
    replaced: u64,
    unchanged: u64,
    failed: u64,
    sentences: u64,
    mentions: u64,
    actors: u64,
    quotes: u64,
    failures: Vec<FailureNote>,
}

/// Codes `inputs` with `code` and stores the results.
///
/// `code` runs on all cores and must not panic (a panic is caught and
/// recorded as that document's failure). Documents whose id and content hash
/// are already stored are skipped; an edited document replaces its old
/// records; a document that fails to read or code is recorded in `failures`
/// with its reason (an older stored version of it is kept).
///
/// # Errors
/// A database error stops the ingest: [`Error::Full`] when the disk or size
/// limit is reached, [`Error::Corrupt`], [`Error::Busy`]... Everything
/// committed before the error stays stored.
pub fn ingest<I, C>(
    store: &mut Store,
    inputs: I,
    code: C,
    opts: &IngestOptions,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<IngestSummary>
where
    I: IntoIterator<Item = std::result::Result<Input, ReadFailure>>,
    C: Fn(&Document) -> std::result::Result<CodedDoc, String> + Sync,
{
    let start = Instant::now();
    if opts.check {
        store.check()?;
    }
    if let Some(w) = opts.event_window_days {
        set_window(store, w)?;
    }
    let mut known = known_hashes(store)?;
    let batch = opts.batch_docs.max(1);
    let chunk_len = opts.chunk_docs.max(1);
    let path = store.path.clone();
    let conn = &mut store.conn;

    let mut read = 0u64;
    let mut bytes_read = 0u64;
    let (stats, writer_result) = std::thread::scope(|s| {
        let (tx, rx) = sync_channel::<Vec<Item>>(2);
        let writer = std::thread::Builder::new().name("dyad-writer".into()).spawn_scoped(s, move || {
            let mut stats = WriterStats::default();
            let r = write_all(conn, rx, batch, &mut stats, progress, &path);
            (stats, r)
        });
        let writer = match writer {
            Ok(w) => w,
            Err(e) => {
                return (
                    WriterStats::default(),
                    Err(Error::Aborted(format!("cannot start the writer thread: {e}"))),
                )
            }
        };
        let mut inputs = inputs.into_iter();
        let mut stopped = false;
        loop {
            let mut chunk: Vec<std::result::Result<Input, ReadFailure>> = Vec::with_capacity(chunk_len);
            for item in inputs.by_ref().take(chunk_len) {
                chunk.push(item);
            }
            if chunk.is_empty() {
                break;
            }
            read += chunk.len() as u64;
            // Decide sequentially (input order) which documents need coding.
            let mut plan: Vec<(Option<Input>, Option<Item>, String, bool)> = Vec::with_capacity(chunk.len());
            for item in chunk {
                match item {
                    Err(f) => plan.push((None, Some(Item::ReadFailed(f)), String::new(), false)),
                    Ok(input) => {
                        bytes_read += input.doc.text.len() as u64;
                        let hash = content_hash(&input.doc);
                        match known.get(&input.doc.id) {
                            Some(h) if *h == hash => {
                                let bytes = input.doc.text.len() as u64;
                                plan.push((None, Some(Item::Unchanged { bytes }), String::new(), true));
                            }
                            found => {
                                let stored = found.is_some();
                                known.insert(input.doc.id.clone(), hash.clone());
                                plan.push((Some(input), None, hash, stored));
                            }
                        }
                    }
                }
            }
            let items: Vec<Item> = plan
                .into_par_iter()
                .map(|(input, ready, hash, stored)| match (input, ready) {
                    (_, Some(item)) => item,
                    (Some(input), None) => code_one(&code, input, hash, stored),
                    (None, None) => Item::Unchanged { bytes: 0 },
                })
                .collect();
            progress(&Progress { read, done: 0, bytes: 0 });
            if tx.send(items).is_err() {
                stopped = true;
                break;
            }
        }
        drop(tx);
        let (stats, r) = writer.join().unwrap_or_else(|_| {
            (WriterStats::default(), Err(Error::Aborted("the writer thread panicked".into())))
        });
        let r = if stopped && r.is_ok() { Err(Error::Aborted("the writer stopped early".into())) } else { r };
        (stats, r)
    });
    writer_result?;
    let events = if opts.skip_events { 0 } else { events::refresh(store)? };
    Ok(IngestSummary {
        documents: read,
        new: stats.new,
        replaced: stats.replaced,
        unchanged: stats.unchanged,
        failed: stats.failed,
        sentences: stats.sentences,
        mentions: stats.mentions,
        actors: stats.actors,
        quotes: stats.quotes,
        bytes: bytes_read,
        events,
        failures: stats.failures,
        elapsed: start.elapsed(),
    })
}

fn code_one<C>(code: &C, input: Input, hash: String, stored: bool) -> Item
where
    C: Fn(&Document) -> std::result::Result<CodedDoc, String> + Sync,
{
    match catch_unwind(AssertUnwindSafe(|| code(&input.doc))) {
        Ok(Ok(coded)) => Item::Coded { input, hash, coded, stored },
        Ok(Err(reason)) => Item::CodeFailed { input, hash, reason, stored },
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Item::CodeFailed { input, hash, reason: format!("the coder panicked: {msg}"), stored }
        }
    }
}

fn known_hashes(store: &Store) -> Result<HashMap<String, String>> {
    let mut stmt = store
        .conn
        .prepare("SELECT id, hash FROM documents")
        .map_err(|e| store.err("reading documents", e))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .and_then(|rows| rows.collect::<rusqlite::Result<HashMap<_, _>>>())
        .map_err(|e| store.err("reading documents", e))?;
    Ok(rows)
}

fn set_window(store: &mut Store, days: u32) -> Result<()> {
    let old = store.meta("events_window_days")?;
    if old.as_deref() == Some(days.to_string().as_str()) {
        return Ok(());
    }
    store
        .conn
        .execute_batch(&format!(
            "BEGIN; INSERT OR REPLACE INTO meta(key, value) VALUES ('events_window_days', '{days}'), ('events_dirty', '1'); COMMIT;"
        ))
        .map_err(|e| store.err("setting the event window", e))
}

fn write_all(
    conn: &mut Connection,
    rx: Receiver<Vec<Item>>,
    batch: usize,
    stats: &mut WriterStats,
    progress: &(dyn Fn(&Progress) + Sync),
    path: &std::path::Path,
) -> Result<()> {
    let mut state = writer_state(conn).map_err(|e| Error::sqlite(path, "reading the store", e, 0))?;
    let mut pending: Vec<Item> = Vec::new();
    let mut writes = 0usize;
    let mut read_total = 0u64;
    for items in rx {
        read_total += items.len() as u64;
        for item in items {
            if !matches!(item, Item::Unchanged { .. }) {
                writes += 1;
            }
            pending.push(item);
            if writes >= batch {
                commit(conn, std::mem::take(&mut pending), stats, &mut state, path)?;
                writes = 0;
                progress(&Progress { read: read_total, done: stats.done, bytes: stats.bytes });
            }
        }
        if writes == 0 && !pending.is_empty() {
            // Only unchanged documents: nothing to write, they are done.
            commit(conn, std::mem::take(&mut pending), stats, &mut state, path)?;
        }
        progress(&Progress { read: read_total, done: stats.done, bytes: stats.bytes });
    }
    if !pending.is_empty() {
        commit(conn, pending, stats, &mut state, path)?;
    }
    progress(&Progress { read: read_total, done: stats.done, bytes: stats.bytes });
    Ok(())
}

fn writer_state(conn: &Connection) -> rusqlite::Result<WriterState> {
    let next_key: i64 =
        conn.query_row("SELECT COALESCE(MAX(doc_key), 0) + 1 FROM documents", [], |r| r.get(0))?;
    let mut stmt = conn.prepare("SELECT failure_key, doc_id FROM failures")?;
    let mut failed_ids = std::collections::HashSet::new();
    let mut failed_keys = std::collections::HashSet::new();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
    for row in rows {
        let (key, id) = row?;
        failed_keys.insert(key);
        failed_ids.extend(id);
    }
    Ok(WriterState { next_key, failed_ids, failed_keys })
}

/// Writes `items` in one transaction; on any error nothing of it stays.
fn commit(
    conn: &mut Connection,
    items: Vec<Item>,
    stats: &mut WriterStats,
    state: &mut WriterState,
    path: &std::path::Path,
) -> Result<()> {
    let committed = stats.new + stats.replaced;
    let fail = |ctx: &str, e: rusqlite::Error| Error::sqlite(path, ctx, e, committed);
    let needs_tx = items.iter().any(|i| !matches!(i, Item::Unchanged { .. }));
    let mut local = WriterStats::default();
    if needs_tx {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| fail("starting a transaction", e))?;
        // One writer per store: another process that stored documents since
        // this ingest started would make its decisions (new or replaced,
        // document keys) wrong, so stop before writing anything.
        let last: i64 = tx
            .query_row("SELECT COALESCE(MAX(doc_key), 0) FROM documents", [], |r| r.get(0))
            .map_err(|e| fail("reading documents", e))?;
        if last >= state.next_key {
            return Err(Error::Aborted(format!(
                "{}: another process stored documents in this database during the ingest; run one ingest per \
                 database at a time, then run this one again (everything committed so far is kept)",
                path.display()
            )));
        }
        state.next_key = last + 1;
        tx.execute("UPDATE meta SET value = '1' WHERE key = 'events_dirty'", [])
            .map_err(|e| fail("writing meta", e))?;
        for item in items {
            write_item(&tx, item, &mut local, state).map_err(|(ctx, e)| fail(&ctx, e))?;
        }
        tx.commit().map_err(|e| fail("committing", e))?;
    } else {
        for item in items {
            if let Item::Unchanged { bytes } = item {
                local.unchanged += 1;
                local.done += 1;
                local.bytes += bytes;
            }
        }
    }
    stats.done += local.done;
    stats.bytes += local.bytes;
    stats.new += local.new;
    stats.replaced += local.replaced;
    stats.unchanged += local.unchanged;
    stats.failed += local.failed;
    stats.sentences += local.sentences;
    stats.mentions += local.mentions;
    stats.actors += local.actors;
    stats.quotes += local.quotes;
    for f in local.failures {
        if stats.failures.len() < 20 {
            stats.failures.push(f);
        }
    }
    Ok(())
}

type WriteErr = (String, rusqlite::Error);

fn ctx<T>(what: &str, r: rusqlite::Result<T>) -> std::result::Result<T, WriteErr> {
    r.map_err(|e| (what.to_string(), e))
}

fn write_item(
    tx: &Transaction<'_>,
    item: Item,
    stats: &mut WriterStats,
    state: &mut WriterState,
) -> std::result::Result<(), WriteErr> {
    match item {
        Item::Unchanged { bytes } => {
            stats.unchanged += 1;
            stats.done += 1;
            stats.bytes += bytes;
        }
        Item::ReadFailed(f) => {
            let key = format!("read:{}", f.origin);
            record_failure(tx, &key, f.doc_id.as_deref(), &f.origin, "read", &f.reason, None)?;
            state.failed_keys.insert(key);
            state.failed_ids.extend(f.doc_id.clone());
            stats.failed += 1;
            stats.done += 1;
            stats.failures.push(FailureNote {
                origin: f.origin,
                doc_id: f.doc_id,
                stage: "read",
                reason: f.reason,
            });
        }
        Item::CodeFailed { input, hash, reason, stored } => {
            let id = &input.doc.id;
            let reason = if stored {
                format!("{reason} (the stored records are from an earlier version of this document)")
            } else {
                reason
            };
            let key = format!("doc:{id}");
            record_failure(tx, &key, Some(id), &input.origin, "code", &reason, Some(&hash))?;
            state.failed_keys.insert(key);
            state.failed_ids.insert(id.clone());
            stats.failed += 1;
            stats.done += 1;
            stats.bytes += input.doc.text.len() as u64;
            stats.failures.push(FailureNote {
                origin: input.origin,
                doc_id: Some(id.clone()),
                stage: "code",
                reason,
            });
        }
        Item::Coded { input, hash, coded, stored } => {
            let replaced = stored && delete_document(tx, &input.doc.id)?;
            let key = state.next_key;
            state.next_key += 1;
            insert_document(tx, key, &input, &hash, &coded, stats)?;
            let read_key = format!("read:{}", input.origin);
            if state.failed_ids.contains(&input.doc.id) || state.failed_keys.contains(&read_key) {
                ctx(
                    "clearing failures",
                    tx.prepare_cached("DELETE FROM failures WHERE doc_id = ?1 OR failure_key = ?2")
                        .and_then(|mut s| s.execute(params![input.doc.id, read_key])),
                )?;
                state.failed_ids.remove(&input.doc.id);
                state.failed_keys.remove(&read_key);
                state.failed_keys.remove(&format!("doc:{}", input.doc.id));
            }
            if replaced {
                stats.replaced += 1;
            } else {
                stats.new += 1;
            }
            stats.done += 1;
            stats.bytes += input.doc.text.len() as u64;
        }
    }
    Ok(())
}

fn record_failure(
    tx: &Transaction<'_>,
    key: &str,
    doc_id: Option<&str>,
    origin: &str,
    stage: &str,
    reason: &str,
    hash: Option<&str>,
) -> std::result::Result<(), WriteErr> {
    ctx(
        "recording a failure",
        tx.prepare_cached(
            "INSERT OR REPLACE INTO failures(failure_key, doc_id, origin, stage, reason, hash, dyad_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .and_then(|mut s| s.execute(params![key, doc_id, origin, stage, reason, hash, DYAD_VERSION])),
    )?;
    Ok(())
}

/// Deletes a stored document and all its records; `true` when there was one.
fn delete_document(tx: &Transaction<'_>, id: &str) -> std::result::Result<bool, WriteErr> {
    let key: Option<i64> = ctx(
        "looking up a document",
        tx.prepare_cached("SELECT doc_key FROM documents WHERE id = ?1")
            .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional()),
    )?;
    let Some(key) = key else { return Ok(false) };
    for table in
        ["mentions", "actor_mentions", "quotes", "places", "positions", "skips", "other_records", "documents"]
    {
        ctx(
            "deleting an old version",
            tx.prepare_cached(&format!("DELETE FROM {table} WHERE doc_key = ?1"))
                .and_then(|mut s| s.execute([key])),
        )?;
    }
    Ok(true)
}

fn span_cols(span: Option<(u32, u32)>) -> (Option<u32>, Option<u32>) {
    match span {
        Some((s, e)) => (Some(s), Some(e)),
        None => (None, None),
    }
}

fn insert_document(
    tx: &Transaction<'_>,
    key: i64,
    input: &Input,
    hash: &str,
    coded: &CodedDoc,
    stats: &mut WriterStats,
) -> std::result::Result<(), WriteErr> {
    let doc = &input.doc;
    let mut n_events = 0usize;
    {
        let mut s = ctx(
            "storing mentions",
            tx.prepare_cached(
                "INSERT OR IGNORE INTO mentions(id, doc_key, sentence, sent_start, sent_end, sentence_text, date, date_source,
                    source_code, source_text, source_start, source_end, target_code, target_text, target_start, target_end,
                    cameo, plover, mode, context, quad, goldstein, event_text, place_group, place_name, place_country,
                    place_adm1, place_lat, place_lon, place_id, verb, pattern, dictionary, json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                    ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34)",
            ),
        )?;
        for m in &coded.events {
            let (ss, se) = span_cols(m.source_span);
            let (ts, te) = span_cols(m.target_span);
            let p: &Place = &m.place;
            n_events += ctx(
                "storing a mention",
                s.execute(params![
                    m.id,
                    key,
                    m.sentence,
                    m.sent_start,
                    m.sent_end,
                    m.sentence_text,
                    m.date,
                    m.date_source,
                    m.source_code,
                    m.source_text,
                    ss,
                    se,
                    m.target_code,
                    m.target_text,
                    ts,
                    te,
                    m.cameo,
                    m.plover,
                    m.mode,
                    m.context,
                    m.quad,
                    m.goldstein,
                    m.event_text,
                    p.group_key(),
                    p.name,
                    p.country,
                    p.adm1,
                    p.lat,
                    p.lon,
                    p.feature_id,
                    m.verb,
                    m.pattern,
                    m.dictionary,
                    m.json
                ]),
            )?;
        }
    }
    let mut n_actors = 0usize;
    {
        let mut s = ctx(
            "storing actor mentions",
            tx.prepare_cached(
                "INSERT OR IGNORE INTO actor_mentions(id, doc_key, sentence, date, code, sector, text, start, end, refers_to, json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            ),
        )?;
        for a in &coded.actors {
            let (st, en) = span_cols(a.span);
            n_actors += ctx(
                "storing an actor mention",
                s.execute(params![
                    a.id,
                    key,
                    a.sentence,
                    a.date,
                    a.code,
                    a.sector,
                    a.text,
                    st,
                    en,
                    a.refers_to,
                    a.json
                ]),
            )?;
        }
    }
    let mut n_quotes = 0usize;
    {
        let mut s = ctx(
            "storing quotes",
            tx.prepare_cached(
                "INSERT OR IGNORE INTO quotes(id, doc_key, sentence, start, end, text, kind, speaker_text, speaker_code, cue, json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            ),
        )?;
        for q in &coded.quotes {
            let (st, en) = span_cols(q.span);
            n_quotes += ctx(
                "storing a quote",
                s.execute(params![
                    q.id,
                    key,
                    q.sentence,
                    st,
                    en,
                    q.text,
                    q.kind,
                    q.speaker_text,
                    q.speaker_code,
                    q.cue,
                    q.json
                ]),
            )?;
        }
    }
    let mut n_places = 0usize;
    {
        let mut s = ctx(
            "storing places",
            tx.prepare_cached(
                "INSERT OR IGNORE INTO places(id, doc_key, sentence, start, end, name, country, adm1, lat, lon, feature_id, json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            ),
        )?;
        for p in &coded.places {
            let (st, en) = span_cols(p.span);
            let pl = &p.place;
            n_places += ctx(
                "storing a place",
                s.execute(params![
                    p.id,
                    key,
                    p.sentence,
                    st,
                    en,
                    pl.name,
                    pl.country,
                    pl.adm1,
                    pl.lat,
                    pl.lon,
                    pl.feature_id,
                    p.json
                ]),
            )?;
        }
    }
    let mut n_positions = 0usize;
    {
        let mut s = ctx(
            "storing positions",
            tx.prepare_cached(
                "INSERT OR IGNORE INTO positions(id, doc_key, sentence, start, end, actor_code, actor_text, issue, stance, json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            ),
        )?;
        for p in &coded.positions {
            let (st, en) = span_cols(p.span);
            n_positions += ctx(
                "storing a position",
                s.execute(params![
                    p.id,
                    key,
                    p.sentence,
                    st,
                    en,
                    p.actor_code,
                    p.actor_text,
                    p.issue,
                    p.stance,
                    p.json
                ]),
            )?;
        }
    }
    {
        let mut s = ctx(
            "storing skips",
            tx.prepare_cached(
                "INSERT INTO skips(doc_key, sentence, start, end, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
            ),
        )?;
        for k in &coded.skips {
            let (st, en) = span_cols(k.span);
            ctx("storing a skip", s.execute(params![key, k.sentence, st, en, k.reason]))?;
        }
    }
    {
        let mut s = ctx(
            "storing other records",
            tx.prepare_cached("INSERT INTO other_records(doc_key, type, json) VALUES (?1, ?2, ?3)"),
        )?;
        for (kind, json) in &coded.other {
            ctx("storing a record", s.execute(params![key, kind, json]))?;
        }
    }
    let date = doc.date.map(|d| d.to_string());
    ctx(
        "storing a document",
        tx.prepare_cached(
            "INSERT INTO documents(doc_key, id, hash, date, source, url, title, origin, bytes, sentences,
                n_events, n_actors, n_quotes, n_places, n_positions, n_skips, n_other, dyad_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        )
        .and_then(|mut s| {
            s.execute(params![
                key,
                doc.id,
                hash,
                date,
                doc.source,
                doc.url,
                doc.title,
                input.origin,
                doc.text.len() as i64,
                coded.sentences,
                n_events as i64,
                n_actors as i64,
                n_quotes as i64,
                n_places as i64,
                n_positions as i64,
                coded.skips.len() as i64,
                coded.other.len() as i64,
                DYAD_VERSION
            ])
        }),
    )?;
    stats.sentences += u64::from(coded.sentences);
    stats.mentions += n_events as u64;
    stats.actors += n_actors as u64;
    stats.quotes += n_quotes as u64;
    Ok(())
}
