//! `dyad code`: documents in, JSON Lines records out (`docs/schema.md`).

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;

pub use dyad_code::engine::Engine;
use dyad_code::record::Output;
use dyad_text::Document;

/// Options of `dyad code`.
pub struct CodeArgs {
    pub inputs: Vec<PathBuf>,
    pub dict: Vec<PathBuf>,
    pub date: Option<String>,
    pub events_only: bool,
}

/// One JSON Lines input line.
#[derive(serde::Deserialize)]
struct JsonDoc {
    #[serde(default)]
    id: Option<String>,
    text: String,
    #[serde(default)]
    date: Option<String>,
}

fn parse_date(s: &str) -> Option<dyad_text::Date> {
    s.get(..10).unwrap_or(s).parse().ok()
}

/// Reads the documents of one input: a `.jsonl` file (one `{"id", "text",
/// "date"}` object per line) or a plain text file (one document).
fn read_docs(path: &Path, date: Option<dyad_text::Date>, out: &mut Vec<Document>) -> anyhow::Result<()> {
    let stdin = path.as_os_str() == "-";
    let name = if stdin { "stdin".to_string() } else { path.display().to_string() };
    let jsonl = path.extension().is_some_and(|e| e == "jsonl" || e == "ndjson");
    let reader: Box<dyn BufRead> = if stdin {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(path).with_context(|| format!("{name}: cannot open"))?,
        ))
    };
    if jsonl {
        for (i, line) in reader.lines().enumerate() {
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("error: {name}:{}: cannot read ({e}); skipped", i + 1);
                    continue;
                }
            };
            if line.trim().is_empty() {
                continue;
            }
            let d: JsonDoc = match serde_json::from_str(&line) {
                Ok(d) => d,
                Err(e) => {
                    // A bad document is reported and the rest of the batch goes on.
                    eprintln!("error: {name}:{}: not a document object ({e}); skipped", i + 1);
                    continue;
                }
            };
            let mut doc = Document::new(d.id.unwrap_or_else(|| format!("{name}:{}", i + 1)), d.text);
            doc.date = d.date.as_deref().and_then(parse_date).or(date);
            out.push(doc);
        }
    } else {
        let mut bytes = Vec::new();
        let mut r = reader;
        r.read_to_end(&mut bytes).with_context(|| format!("{name}: cannot read"))?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {name}: not UTF-8 text (byte {}); skipped", e.utf8_error().valid_up_to());
                return Ok(());
            }
        };
        let id = path.file_stem().map_or(name.clone(), |s| s.to_string_lossy().into_owned());
        let mut doc = Document::new(id, text);
        doc.date = date;
        out.push(doc);
    }
    Ok(())
}

/// The dictionary layers: `--dict` paths, else the defaults.
pub fn layers(dict: &[PathBuf]) -> Vec<PathBuf> {
    if dict.is_empty() {
        dyad_code::engine::default_layers()
    } else {
        dict.to_vec()
    }
}

pub fn run(args: CodeArgs) -> anyhow::Result<i32> {
    let date = match &args.date {
        Some(d) => Some(parse_date(d).with_context(|| format!("--date {d}: expected YYYY-MM-DD"))?),
        None => None,
    };
    let mut docs = Vec::new();
    let inputs = if args.inputs.is_empty() { vec![PathBuf::from("-")] } else { args.inputs.clone() };
    let mut failed = 0;
    for p in &inputs {
        if let Err(e) = read_docs(p, date, &mut docs) {
            eprintln!("error: {e:#}");
            failed += 1;
        }
    }
    let mut engine = Engine::load(&layers(&args.dict))?;
    for s in engine.lex.skipped.iter().take(5) {
        eprintln!("warning: {s}");
    }
    if engine.lex.skipped.len() > 5 {
        eprintln!("warning: ... {} dictionary entries skipped in all", engine.lex.skipped.len());
    }
    if args.events_only {
        engine.emit = dyad_code::document::Emit::events_only();
    }
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    // Documents in parallel, written in input order.
    for chunk in docs.chunks(256) {
        let outs: Vec<Vec<Output>> = chunk
            .par_iter()
            .map_init(dyad_code::document::DocScratch::default, |s, d| {
                let mut out = Vec::new();
                engine.code_doc(d, s, &mut out);
                out
            })
            .collect();
        for o in outs.iter().flatten() {
            serde_json::to_writer(&mut w, o)?;
            w.write_all(b"\n")?;
        }
    }
    w.flush()?;
    Ok(if failed > 0 { 1 } else { 0 })
}
