//! `dyad ingest`, `dyad query` and `dyad export`: argument handling, the
//! coder for the store, progress bars and output around `dyad_store`.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use dyad_code::document::DocScratch;
use dyad_code::engine::Engine;
use dyad_code::record::Output;
use dyad_store::{
    CodedDoc, EventOut, ExportOptions, Filter, Format, IngestOptions, MentionOut, OpenOptions, Store, Table,
};
use dyad_text::Document;

/// Arguments of `dyad ingest`.
#[derive(Args, Debug)]
pub struct IngestArgs {
    /// Files or directories (searched recursively for `.txt`, `.jsonl`,
    /// `.ndjson`, `.html` and `.htm` files): plain text and HTML hold one
    /// document each, JSON Lines one object per line with `id`, `text` and
    /// optional `date`, `title`, `source`, `url`; `-` reads standard input.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The store (an SQLite file; created when missing).
    #[arg(long)]
    pub db: PathBuf,
    /// Documents per transaction.
    #[arg(long, default_value_t = 256)]
    pub batch: usize,
    /// Days within which reports of the same dyad, code and place are one
    /// event (0 = one-a-day). Kept in the store.
    #[arg(long)]
    pub event_window: Option<u32>,
    /// Worker threads for coding (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Largest document accepted, in bytes.
    #[arg(long, default_value_t = 8 << 20)]
    pub max_doc_bytes: u64,
    /// Publication date (YYYY-MM-DD) of documents that carry none.
    #[arg(long)]
    pub date: Option<String>,
    /// Dictionary layer (directory, file or TABARI project), in priority
    /// order; repeatable. Default: the default layers, as `dyad code`.
    #[arg(long)]
    pub dict: Vec<PathBuf>,
    /// Stop cleanly when the store would grow beyond this many bytes (a
    /// quota; what is committed stays).
    #[arg(long)]
    pub max_db_bytes: Option<u64>,
    /// Skip the integrity check of the store before writing.
    #[arg(long)]
    pub no_check: bool,
    /// Print the summary as JSON on standard output.
    #[arg(long)]
    pub json: bool,
}

/// The filters shared by `dyad query` and `dyad export`.
#[derive(Args, Debug, Default)]
pub struct FilterArgs {
    /// Actor code prefix on either side (USA matches USAGOV).
    #[arg(long)]
    pub actor: Option<String>,
    /// Dyad: SOURCE:TARGET actor code prefixes (either may be empty).
    #[arg(long)]
    pub dyad: Option<String>,
    /// CAMEO code prefix: 04 (root), 042, 0421.
    #[arg(long)]
    pub cameo: Option<String>,
    /// CAMEO root code, exactly (01 to 20).
    #[arg(long)]
    pub root: Option<String>,
    /// PLOVER event type, e.g. CONSULT.
    #[arg(long)]
    pub plover: Option<String>,
    /// First day (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// Place name, country code or gazetteer id.
    #[arg(long)]
    pub place: Option<String>,
    /// News source of the documents (substring).
    #[arg(long)]
    pub source: Option<String>,
    /// Words in the sentence (substring).
    #[arg(long)]
    pub text: Option<String>,
    /// A document id.
    #[arg(long)]
    pub doc: Option<String>,
    /// At most this many rows.
    #[arg(long)]
    pub limit: Option<u64>,
}

impl FilterArgs {
    fn filter(&self) -> Result<Filter> {
        let (source, target) = match &self.dyad {
            None => (None, None),
            Some(d) => {
                let Some((s, t)) = d.split_once([':', ',']) else {
                    bail!("--dyad takes SOURCE:TARGET, e.g. USA:RUS (got {d:?})");
                };
                let nz = |x: &str| (!x.trim().is_empty()).then(|| x.trim().to_string());
                (nz(s), nz(t))
            }
        };
        Ok(Filter {
            actor: self.actor.clone(),
            source,
            target,
            cameo: self.cameo.clone(),
            root: self.root.clone(),
            plover: self.plover.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            place: self.place.clone(),
            news_source: self.source.clone(),
            text: self.text.clone(),
            doc: self.doc.clone(),
            limit: self.limit,
        })
    }
}

/// Arguments of `dyad query`.
#[derive(Args, Debug)]
pub struct QueryArgs {
    /// The store.
    #[arg(long)]
    pub db: PathBuf,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// List event mentions instead of events.
    #[arg(long)]
    pub mentions: bool,
    /// List documents per day and news source (the denominators).
    #[arg(long, conflicts_with = "mentions")]
    pub daily: bool,
    /// List the documents that failed to read or code, with the reasons.
    #[arg(long, conflicts_with_all = ["mentions", "daily"])]
    pub failures: bool,
    /// Print only the number of matching rows.
    #[arg(long)]
    pub count: bool,
    /// table (default on a terminal), jsonl (default otherwise) or csv.
    #[arg(long)]
    pub format: Option<String>,
}

/// Arguments of `dyad export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The store.
    #[arg(long)]
    pub db: PathBuf,
    /// plover-jsonl, gdelt, phoenix, csv or parquet.
    #[arg(long)]
    pub format: String,
    /// Output file (default: standard output; Parquet needs a file).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// events (default) or mentions, for csv, parquet and plover-jsonl.
    #[arg(long, default_value = "events")]
    pub table: String,
    /// Write a header line in GDELT and Phoenix files (theirs have none).
    #[arg(long)]
    pub header: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
}

// ---------------------------------------------------------------- coding

thread_local! {
    /// Each coding thread's buffers, kept between documents.
    static SCRATCH: RefCell<(DocScratch, Vec<Output>)> = RefCell::default();
}

/// Codes one document with the real coder for the store: the engine's
/// records (events, actors, skips, and whatever other record types the
/// coder emits, which the store keeps by their `type`) with the number of
/// sentences the document was split into.
///
/// # Errors
/// The coder's panic, or a record the store cannot take (an event without a
/// CAMEO code, say), as the document's failure reason; the buffers of a
/// thread whose coder panicked are replaced.
pub fn code_for_store(engine: &Engine, doc: &Document) -> std::result::Result<CodedDoc, String> {
    SCRATCH.with(|cell| {
        let mut guard = cell.borrow_mut();
        let (scratch, out) = &mut *guard;
        out.clear();
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| engine.code_doc(doc, scratch, out))) {
            *guard = Default::default();
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            return Err(format!("the coder panicked: {msg}"));
        }
        let mut coded = CodedDoc::new(u32::try_from(scratch.seg.sentences.len()).unwrap_or(u32::MAX));
        for record in out.drain(..) {
            coded.push_record(doc, &record)?;
        }
        Ok(coded)
    })
}

/// Loads the coder once, reporting skipped dictionary entries as `dyad code` does.
pub fn load_engine(dict: &[PathBuf]) -> Result<Engine> {
    let engine = Engine::load(&crate::code::layers(dict)).context("loading the dictionaries")?;
    for s in engine.lex.skipped.iter().take(5) {
        eprintln!("warning: {s}");
    }
    if engine.lex.skipped.len() > 5 {
        eprintln!("warning: ... {} dictionary entries skipped in all", engine.lex.skipped.len());
    }
    Ok(engine)
}

// ---------------------------------------------------------------- commands

fn bar(len: Option<u64>, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (pb, template) = match len {
        Some(n) => (
            ProgressBar::new(n),
            format!("{{spinner}} {what} [{{bar:30}}] {{pos}}/{{len}} {{rate}} ETA {{eta}}"),
        ),
        None => (ProgressBar::new_spinner(), format!("{{spinner}} {what} {{pos}} {{rate}} {{elapsed}}")),
    };
    if let Ok(style) = ProgressStyle::with_template(&template) {
        let style = style.with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0}/s", s.per_sec());
        });
        pb.set_style(style);
    }
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

/// `dyad ingest`.
pub fn ingest(args: &IngestArgs) -> Result<()> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().context("setting up threads")?;
    }
    let default_date = match &args.date {
        Some(d) => Some(d.parse::<dyad_text::Date>().map_err(|e| anyhow::anyhow!("--date {d}: {e}"))?),
        None => None,
    };
    let sources = crate::read::sources(&args.inputs)?;
    let total = sources
        .iter()
        .all(|s| {
            s.path.as_os_str() != "-"
                && dyad_text::input::Format::from_path(&s.path) != dyad_text::input::Format::JsonLines
        })
        .then_some(sources.len() as u64);
    let options = dyad_text::input::Options { format: None, default_date, max_doc_bytes: args.max_doc_bytes };
    let docs = crate::read::Docs::new(sources, options);
    let warnings = docs.warnings.clone();
    // A page is 4096 bytes (SQLite's default, which the store keeps).
    let max_pages = args.max_db_bytes.map(|b| (b / 4096).max(1));
    let mut store = Store::open(&args.db, &OpenOptions { create: true, max_pages })?;
    let engine = load_engine(&args.dict)?;
    let pb = bar(total, "ingest");
    let opts = IngestOptions {
        batch_docs: args.batch.max(1),
        event_window_days: args.event_window,
        check: !args.no_check,
        ..IngestOptions::default()
    };
    let progress = |p: &dyad_store::Progress| {
        if p.done > 0 {
            pb.set_position(p.done);
        }
    };
    let coder = |doc: &Document| code_for_store(&engine, doc);
    let result = dyad_store::ingest(&mut store, docs, coder, &opts, &progress);
    pb.finish_and_clear();
    warnings.borrow().report();
    let s = result?;
    let secs = s.elapsed.as_secs_f64();
    let sentences_per_sec = if secs > 0.0 { s.sentences as f64 / secs } else { 0.0 };
    if args.json {
        let mut v = serde_json::to_value(&s)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("seconds".into(), serde_json::json!(secs));
            o.insert("documents_per_sec".into(), serde_json::json!(s.docs_per_sec()));
            o.insert("sentences_per_sec".into(), serde_json::json!(sentences_per_sec));
        }
        println!("{v}");
    }
    eprintln!(
        "ingested {} documents ({} new, {} replaced, {} unchanged, {} failed): {} sentences, {} event mentions, {} quotes; the store holds {} events; {:.1} s, {:.0} documents/s, {:.0} sentences/s",
        s.documents,
        s.new,
        s.replaced,
        s.unchanged,
        s.failed,
        s.sentences,
        s.mentions,
        s.quotes,
        s.events,
        secs,
        s.docs_per_sec(),
        sentences_per_sec
    );
    for f in &s.failures {
        eprintln!("  failed ({}): {}: {}", f.stage, f.origin, f.reason);
    }
    if s.failed > s.failures.len() as u64 {
        eprintln!(
            "  ... and {} more: `dyad query --db {} --failures`",
            s.failed - s.failures.len() as u64,
            args.db.display()
        );
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OutFmt {
    Table,
    Jsonl,
    Csv,
}

fn out_format(arg: &Option<String>) -> Result<OutFmt> {
    Ok(match arg.as_deref() {
        None if std::io::stdout().is_terminal() => OutFmt::Table,
        None | Some("jsonl" | "json") => OutFmt::Jsonl,
        Some("table") => OutFmt::Table,
        Some("csv") => OutFmt::Csv,
        Some(other) => bail!("--format takes table, jsonl or csv (got {other:?})"),
    })
}

/// Lines that end quietly when the reader goes away (`dyad query | head`).
fn print_line(out: &mut impl Write, line: &str) -> dyad_store::Result<()> {
    writeln!(out, "{line}")
        .map_err(|e| dyad_store::Error::Export { path: "stdout".into(), detail: e.to_string() })
}

fn csv_line(fields: &[String]) -> String {
    fields
        .iter()
        .map(|s| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn table(headers: &[&str], rows: &[Vec<String>], out: &mut impl Write) -> std::io::Result<()> {
    const MAX: usize = 40;
    let cut = |s: &str| -> String {
        let s = s.replace(['\n', '\t'], " ");
        if s.chars().count() > MAX {
            let mut t: String = s.chars().take(MAX - 1).collect();
            t.push('…');
            t
        } else {
            s
        }
    };
    let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| cut(c)).collect()).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in &cells {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |fields: Vec<String>| -> String {
        fields
            .iter()
            .zip(&widths)
            .map(|(f, w)| format!("{f:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    writeln!(out, "{}", line(headers.iter().map(|h| h.to_string()).collect()))?;
    writeln!(out, "{}", line(widths.iter().map(|w| "-".repeat(*w)).collect()))?;
    for r in cells {
        writeln!(out, "{}", line(r))?;
    }
    Ok(())
}

fn event_row(e: &EventOut) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        e.id.clone(),
        o(&e.date),
        e.source.clone(),
        e.target.clone(),
        e.cameo.clone(),
        o(&e.plover),
        o(&e.place),
        e.num_mentions.to_string(),
        e.num_documents.to_string(),
        e.num_sources.to_string(),
        e.documents.join(";"),
    ]
}

fn mention_row(m: &MentionOut) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        m.id.clone(),
        o(&m.date),
        m.source.clone(),
        m.target.clone(),
        m.cameo.clone(),
        m.doc_id.clone(),
        m.sentence.to_string(),
        o(&m.event_text),
        o(&m.sentence_text),
    ]
}

/// `dyad query`.
pub fn query(args: &QueryArgs) -> Result<()> {
    let fmt = out_format(&args.format)?;
    let mut store = Store::open(&args.db, &OpenOptions::default())?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.daily || args.failures {
        let (sql, headers): (&str, &[&str]) = if args.daily {
            (
                "SELECT date, source, documents, sentences, mentions FROM daily_counts ORDER BY date, source",
                &["date", "source", "documents", "sentences", "mentions"],
            )
        } else {
            (
                "SELECT doc_id, origin, stage, reason FROM failures ORDER BY origin, doc_id",
                &["doc_id", "origin", "stage", "reason"],
            )
        };
        let conn = store.connection();
        let mut stmt = conn.prepare(sql)?;
        let n = headers.len();
        let limit = args.filter.limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
        let rows: Vec<Vec<serde_json::Value>> = stmt
            .query_map([], |r| {
                (0..n).map(|i| r.get::<_, Sql>(i).map(json_of)).collect::<std::result::Result<Vec<_>, _>>()
            })?
            .take(limit)
            .collect::<std::result::Result<_, _>>()?;
        if args.count {
            writeln!(out, "{}", rows.len())?;
            return Ok(());
        }
        let text_rows =
            || -> Vec<Vec<String>> { rows.iter().map(|r| r.iter().map(text_of).collect()).collect() };
        match fmt {
            OutFmt::Table => table(headers, &text_rows(), &mut out)?,
            OutFmt::Csv => {
                writeln!(out, "{}", headers.join(","))?;
                for r in text_rows() {
                    writeln!(out, "{}", csv_line(&r))?;
                }
            }
            OutFmt::Jsonl => {
                for r in &rows {
                    let obj: serde_json::Map<String, serde_json::Value> =
                        headers.iter().zip(r).map(|(h, v)| (h.to_string(), v.clone())).collect();
                    writeln!(out, "{}", serde_json::Value::Object(obj))?;
                }
            }
        }
        return Ok(());
    }
    let mut filter = args.filter.filter()?;
    let shown_limit = 200u64;
    if fmt == OutFmt::Table && filter.limit.is_none() && !args.count {
        filter.limit = Some(shown_limit + 1);
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut count = 0u64;
    let result = if args.mentions {
        let headers = dyad_store::export::MENTION_COLUMNS;
        if fmt == OutFmt::Csv && !args.count {
            print_line(&mut out, &headers.join(","))?;
        }
        store.for_each_mention(&filter, |m| {
            count += 1;
            match fmt {
                _ if args.count => {}
                OutFmt::Table => rows.push(mention_row(&m)),
                OutFmt::Jsonl => print_line(&mut out, &serde_json::to_string(&m).unwrap_or_default())?,
                OutFmt::Csv => print_line(&mut out, &csv_line(&dyad_store::export::mention_csv_fields(&m)))?,
            }
            Ok(())
        })
    } else {
        if fmt == OutFmt::Csv && !args.count {
            print_line(&mut out, &dyad_store::export::EVENT_COLUMNS.join(","))?;
        }
        store.for_each_event(&filter, |e| {
            count += 1;
            match fmt {
                _ if args.count => {}
                OutFmt::Table => rows.push(event_row(&e)),
                OutFmt::Jsonl => print_line(&mut out, &serde_json::to_string(&e).unwrap_or_default())?,
                OutFmt::Csv => print_line(&mut out, &csv_line(&dyad_store::export::event_csv_fields(&e)))?,
            }
            Ok(())
        })
    };
    if let Err(dyad_store::Error::Export { path, .. }) = &result {
        if path == "stdout" {
            return Ok(()); // the reader went away
        }
    }
    result?;
    if args.count {
        writeln!(out, "{count}")?;
        return Ok(());
    }
    if fmt == OutFmt::Table {
        let more = rows.len() as u64 > shown_limit && args.filter.limit.is_none();
        if more {
            rows.truncate(shown_limit as usize);
        }
        if args.mentions {
            table(
                &["id", "date", "source", "target", "cameo", "doc", "sentence", "words", "sentence text"],
                &rows,
                &mut out,
            )?;
        } else {
            table(
                &[
                    "id",
                    "date",
                    "source",
                    "target",
                    "cameo",
                    "plover",
                    "place",
                    "mentions",
                    "docs",
                    "sources",
                    "documents",
                ],
                &rows,
                &mut out,
            )?;
        }
        if more {
            writeln!(
                out,
                "(first {shown_limit} rows; --limit N or --format jsonl for more, --count to count)"
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

use dyad_store::rusqlite::types::Value as Sql;

fn json_of(v: Sql) -> serde_json::Value {
    match v {
        Sql::Null => serde_json::Value::Null,
        Sql::Integer(i) => serde_json::json!(i),
        Sql::Real(f) => serde_json::json!(f),
        Sql::Text(s) => serde_json::Value::String(s),
        Sql::Blob(b) => serde_json::Value::String(format!("<{} bytes>", b.len())),
    }
}

fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `dyad export`.
pub fn export(args: &ExportArgs) -> Result<()> {
    let format: Format = args.format.parse()?;
    let table: Table = args.table.parse()?;
    let mut store = Store::open(&args.db, &OpenOptions::default())?;
    let opts = ExportOptions { format, table, header: args.header, filter: args.filter.filter()? };
    let total = if args.filter.is_empty() {
        let sql = if table == Table::Mentions {
            "SELECT COUNT(*) FROM mentions"
        } else {
            "SELECT COUNT(*) FROM events"
        };
        store.connection().query_row(sql, [], |r| r.get::<_, i64>(0)).ok().map(|n| n.max(0) as u64)
    } else {
        None
    };
    let pb = bar(total, "export");
    let mut tick = |n: u64| {
        if n & 0xff == 0 {
            pb.set_position(n);
        }
    };
    let n = if format == Format::Parquet {
        let Some(path) = &args.output else { bail!("Parquet is binary: give a file with -o FILE") };
        let file =
            std::fs::File::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
        dyad_store::export_parquet(&mut store, &opts, file, &mut tick)?
    } else {
        match &args.output {
            Some(path) => {
                let file = std::fs::File::create(path)
                    .with_context(|| format!("{}: cannot create", path.display()))?;
                let mut w = std::io::BufWriter::new(file);
                dyad_store::export(&mut store, &opts, &mut w, &mut tick)?
            }
            None => {
                let stdout = std::io::stdout();
                let mut w = std::io::BufWriter::new(stdout.lock());
                match dyad_store::export(&mut store, &opts, &mut w, &mut tick) {
                    Ok(n) => n,
                    Err(dyad_store::Error::Export { .. }) => return Ok(()), // the reader went away
                    Err(e) => return Err(e.into()),
                }
            }
        }
    };
    pb.finish_and_clear();
    let noun = if table == Table::Mentions { "mentions" } else { "events" };
    match &args.output {
        Some(p) => eprintln!("exported {n} {noun} to {} ({})", p.display(), args.format),
        None => eprintln!("exported {n} {noun} ({})", args.format),
    }
    Ok(())
}

impl FilterArgs {
    fn is_empty(&self) -> bool {
        self.actor.is_none()
            && self.dyad.is_none()
            && self.cameo.is_none()
            && self.root.is_none()
            && self.plover.is_none()
            && self.from.is_none()
            && self.to.is_none()
            && self.place.is_none()
            && self.source.is_none()
            && self.text.is_none()
            && self.doc.is_none()
            && self.limit.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dyad_store::{Input, ReadFailure};

    fn doc(id: &str, text: &str) -> Result<Input, ReadFailure> {
        let mut d = Document::new(id, text);
        d.date = "2025-03-14".parse().ok();
        Ok(Input { doc: d, origin: format!("test:{id}") })
    }

    /// The real coder in the store's pipeline: a document the coder rejects
    /// (or panics on) is recorded with its reason, the rest is coded, and
    /// the failure goes away once the document codes.
    #[test]
    fn a_document_that_fails_to_code_is_recorded_and_the_batch_goes_on() {
        let engine = load_engine(&[]).unwrap();
        let dir = std::env::temp_dir().join(format!("dyad-cmd-fail-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("s.db");
        let news = "Turkey accused Greece of spying. Egyptian officials met with Israeli envoys in Cairo.";
        let inputs = || {
            vec![
                doc("a", news),
                doc("fails", news),
                doc("panics", news),
                Err(ReadFailure { origin: "feed.jsonl:4".into(), doc_id: None, reason: "bad JSON".into() }),
                doc("b", news),
            ]
        };
        let strict = |d: &Document| match d.id.as_str() {
            "fails" => Err("the coder gave up on this one".to_string()),
            "panics" => panic!("the coder fell over"),
            _ => code_for_store(&engine, d),
        };
        let mut store = Store::open(&db, &OpenOptions { create: true, ..Default::default() }).unwrap();
        let s = dyad_store::ingest(&mut store, inputs(), strict, &IngestOptions::default(), &|_| {}).unwrap();
        assert_eq!((s.new, s.failed), (2, 3), "{s:?}");
        assert!(s.mentions >= 4 && s.sentences == 4, "{s:?}");
        let reasons: Vec<String> = {
            let mut st =
                store.connection().prepare("SELECT reason FROM failures ORDER BY failure_key").unwrap();
            let v = st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
            v
        };
        assert_eq!(reasons.len(), 3);
        assert!(reasons[0].contains("gave up"), "{reasons:?}");
        assert!(reasons[1].contains("panicked: the coder fell over"), "{reasons:?}");
        assert_eq!(reasons[2], "bad JSON");

        // Next time the coder takes them: stored, and their failures cleared.
        let lenient = |d: &Document| code_for_store(&engine, d);
        let s =
            dyad_store::ingest(&mut store, inputs(), lenient, &IngestOptions::default(), &|_| {}).unwrap();
        assert_eq!((s.new, s.unchanged, s.failed), (2, 2, 1), "{s:?}");
        let c = store.counts().unwrap();
        assert_eq!((c.documents, c.failures), (4, 1));
        // The same text gives each document the same number of events.
        let per_doc: Vec<i64> = {
            let mut st = store.connection().prepare("SELECT n_events FROM documents ORDER BY id").unwrap();
            let v = st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
            v
        };
        assert!(per_doc[0] >= 2 && per_doc.iter().all(|&n| n == per_doc[0]), "{per_doc:?}");
        drop(store);
        std::fs::remove_dir_all(&dir).ok();
    }

    /// Every record the coder writes reaches the store, with the document's
    /// sentence count.
    #[test]
    fn the_coder_records_reach_the_store() {
        let engine = load_engine(&[]).unwrap();
        let Ok(Input { doc: d, .. }) = doc("x", "Turkey accused Greece of spying. The weather was mild.")
        else {
            unreachable!()
        };
        let coded = code_for_store(&engine, &d).unwrap();
        let records = engine.code_one(&d);
        assert_eq!(coded.record_count(), records.len());
        assert_eq!(coded.sentences, 2);
        assert!(!coded.events.is_empty());
        let m = &coded.events[0];
        assert!(m.id.starts_with("ev-") && m.dictionary.is_some() && m.sentence_text.is_some(), "{m:?}");
    }
}
