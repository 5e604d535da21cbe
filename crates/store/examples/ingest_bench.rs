//! Ingest speed against coding alone, on the same documents and the same
//! stand-in coder.
//!
//! ```sh
//! python3 scripts/make_bench_corpus.py --docs 10000 --out target/bench-corpus
//! cargo run --release -p dyad-store --example ingest_bench -- target/bench-corpus/docs.jsonl 0
//! cargo run --release -p dyad-store --example ingest_bench -- target/bench-corpus/docs.jsonl 20
//! ```
//!
//! The second argument is how many extra times the stand-in coder segments
//! each document, to stand in for the work of the real coder (tagging,
//! parsing and dictionary look-ups cost many times one segmentation). The
//! stand-in codes one event per third sentence. "code" codes every document
//! on all cores and writes its records as JSON Lines to a sink (what
//! `dyad code` does); "ingest" codes the same way and stores the records in
//! a new database. Both count whole runs, reading excluded.

use std::io::{BufRead, Write};
use std::time::Instant;

use rayon::prelude::*;

use dyad_code::record::{
    event_id, DateSource, Entity, EventRecord, Output, Provenance, TextInfo, DYAD_VERSION,
};
use dyad_store::{ingest, CodedDoc, IngestOptions, Input, OpenOptions, Store};
use dyad_text::Document;

const ACTORS: [&str; 5] = ["USAGOV", "RUSGOV", "UKRMIL", "IGOUNO", "CHNGOV"];
const CODES: [&str; 4] = ["040", "042", "190", "111"];

fn records(doc: &Document, work: usize) -> Vec<Output> {
    let mut out = Vec::new();
    let mut seg = dyad_text::Segmented::default();
    for _ in 0..work {
        seg.segment(&doc.text);
        std::hint::black_box(&seg);
    }
    seg.segment(&doc.text);
    for (i, s) in seg.sentences.iter().enumerate() {
        if i % 3 != 0 {
            continue;
        }
        let (a, b) = (s.span.start, s.span.end);
        let k = (doc.id.len() + i) % ACTORS.len();
        let src = ACTORS[k];
        let tgt = ACTORS[(k + 1) % ACTORS.len()];
        let code = CODES[(k + i) % CODES.len()];
        let ent = |c: &str| Entity {
            code: c.into(),
            entity_text: c.into(),
            start: a,
            end: a,
            ..Default::default()
        };
        out.push(Output::Event(Box::new(EventRecord {
            kind: "event",
            id: event_id(&doc.id, i as u32, [a, b], src, tgt, code),
            doc_id: doc.id.clone(),
            date: doc.date.map(|d| d.to_string()),
            date_source: DateSource::Publication,
            actor: vec![ent(src)],
            recipient: vec![ent(tgt)],
            event: vec!["CONSULT".into()],
            mode: vec![],
            context: vec![],
            quad_code: Some(1),
            event_text: vec!["met".into()],
            event_loc: None,
            text_info: TextInfo { sequence: i as u32, start: a, end: b },
            cameo: code.into(),
            cameo_name: None,
            goldstein: Some(1.0),
            provenance: Provenance {
                verb: "MEET".into(),
                dictionary: "bench:1".into(),
                ..Default::default()
            },
            dyad_version: DYAD_VERSION,
        })));
    }
    out
}

/// CPU seconds (user + system) this process has used, from /proc (Linux);
/// wall-clock times are unreliable on a shared machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of the file; 12 and 13 after the command name.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: ingest_bench DOCS.jsonl [WORK_US]");
        std::process::exit(2);
    };
    let work: usize = args.get(2).and_then(|w| w.parse().ok()).unwrap_or(0);
    let file = std::fs::File::open(path).expect("cannot open the corpus");
    let mut docs = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let v: serde_json::Value = serde_json::from_str(&line.expect("read")).expect("json");
        let mut d =
            Document::new(v["id"].as_str().unwrap_or_default(), v["text"].as_str().unwrap_or_default());
        d.date = v["date"].as_str().and_then(|s| s.parse().ok());
        d.source = v["source"].as_str().map(str::to_string);
        d.url = v["url"].as_str().map(str::to_string);
        docs.push(d);
    }
    let n = docs.len() as f64;
    let threads = rayon::current_num_threads();

    let t = Instant::now();
    let c0 = cpu_seconds();
    let lines: Vec<String> = docs
        .par_iter()
        .map(|d| {
            let mut s = String::new();
            for r in records(d, work) {
                s.push_str(&serde_json::to_string(&r).unwrap_or_default());
                s.push('\n');
            }
            s
        })
        .collect();
    let mut sink = std::io::sink();
    for l in &lines {
        sink.write_all(l.as_bytes()).ok();
    }
    let code_s = t.elapsed().as_secs_f64();
    let code_cpu = cpu_seconds() - c0;
    let n_records: usize = lines.iter().map(|l| l.lines().count()).sum();

    let dir = std::env::temp_dir().join(format!("dyad-ingest-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok();
    let db = dir.join("bench.db");
    let t = Instant::now();
    let c0 = cpu_seconds();
    let mut store = Store::open(&db, &OpenOptions { create: true, ..Default::default() }).expect("open");
    let inputs = docs.iter().map(|d| Ok(Input { doc: d.clone(), origin: "bench".into() }));
    let coder = |d: &Document| {
        let mut c = CodedDoc::new(0);
        for r in records(d, work) {
            c.push_record(d, &r)?;
        }
        Ok(c)
    };
    let s = ingest(&mut store, inputs, coder, &IngestOptions::default(), &|_| {}).expect("ingest");
    let ingest_s = t.elapsed().as_secs_f64();
    let ingest_cpu = cpu_seconds() - c0;
    drop(store);
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    std::fs::remove_dir_all(&dir).ok();

    println!(
        "{} documents, {n_records} event records, {threads} threads, coder work: {} segmentations per document",
        docs.len(),
        work + 1
    );
    println!("code   : {code_s:.2} s wall, {code_cpu:.2} s CPU  {:.0} docs/s", n / code_s);
    println!(
        "ingest : {ingest_s:.2} s wall, {ingest_cpu:.2} s CPU  {:.0} docs/s  ({} mentions, {} events, database {:.1} MB)",
        n / ingest_s,
        s.mentions,
        s.events,
        size as f64 / 1e6
    );
    println!(
        "ingest / code speed: {:.0}% (wall), {:.0}% (CPU)",
        100.0 * code_s / ingest_s,
        100.0 * code_cpu / ingest_cpu
    );
}
