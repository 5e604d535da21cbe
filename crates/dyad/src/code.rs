//! `dyad code`: documents in, JSON Lines records out (`docs/schema.md`).

use std::io::Write;
use std::path::PathBuf;

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

fn parse_date(s: &str) -> Option<dyad_text::Date> {
    s.get(..10).unwrap_or(s).parse().ok()
}

/// The dictionary layers: `--dict` paths, else the defaults.
pub fn layers(dict: &[PathBuf]) -> Vec<PathBuf> {
    if dict.is_empty() {
        dyad_code::engine::default_layers()
    } else {
        dict.to_vec()
    }
}

/// Documents coded in parallel before their records are handed to the
/// writer thread.
const CHUNK_DOCS: usize = 256;

pub fn run(args: CodeArgs) -> anyhow::Result<i32> {
    let default_date = match &args.date {
        Some(d) => Some(parse_date(d).with_context(|| format!("--date {d}: expected YYYY-MM-DD"))?),
        None => None,
    };
    let inputs = if args.inputs.is_empty() { vec![PathBuf::from("-")] } else { args.inputs.clone() };
    let mut failed = 0u64;
    let mut sources = Vec::new();
    for p in &inputs {
        match crate::read::sources(std::slice::from_ref(p)) {
            Ok(s) => sources.extend(s),
            Err(e) => {
                eprintln!("error: {e:#}");
                failed += 1;
            }
        }
    }
    let options = dyad_text::input::Options { default_date, ..dyad_text::input::Options::default() };
    let mut docs = crate::read::Docs::new(sources, options);
    let warnings = docs.warnings.clone();
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
    let engine = &engine;
    // Documents are coded a chunk at a time on all cores (rayon; each thread
    // with its own buffers, the records serialised there too) and written in
    // input order by one writer thread, so the output is the same bytes
    // whatever the number of threads.
    let written = std::thread::scope(|s| -> std::io::Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(2);
        let writer = s.spawn(move || -> std::io::Result<()> {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            for chunk in rx {
                for bytes in chunk {
                    w.write_all(&bytes)?;
                }
            }
            w.flush()
        });
        let mut chunk: Vec<Document> = Vec::with_capacity(CHUNK_DOCS);
        loop {
            chunk.clear();
            for item in docs.by_ref() {
                match item {
                    Ok(input) => chunk.push(input.doc),
                    Err(f) => {
                        // A bad document is reported and the rest of the batch goes on.
                        eprintln!("error: {}: {}; skipped", f.origin, f.reason);
                        failed += 1;
                    }
                }
                if chunk.len() == CHUNK_DOCS {
                    break;
                }
            }
            if chunk.is_empty() {
                break;
            }
            let out: Vec<Vec<u8>> = chunk
                .par_iter()
                .map_init(
                    || (dyad_code::document::DocScratch::default(), Vec::<Output>::new()),
                    |(scratch, records), d| {
                        records.clear();
                        engine.code_doc(d, scratch, records);
                        let mut bytes = Vec::with_capacity(records.len() * 512);
                        for o in records.iter() {
                            // Records are plain data: serialising them to memory cannot fail.
                            if serde_json::to_writer(&mut bytes, o).is_ok() {
                                bytes.push(b'\n');
                            }
                        }
                        bytes
                    },
                )
                .collect();
            if tx.send(out).is_err() {
                break; // the writer stopped: its error is reported below
            }
        }
        drop(tx);
        writer.join().unwrap_or_else(|_| Err(std::io::Error::other("the writer thread panicked")))
    });
    warnings.borrow().report();
    match written {
        // `dyad code ... | head`: the reader went away, which is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(anyhow::Error::new(e).context("writing the records")),
        Ok(()) => {}
    }
    Ok(if failed > 0 { 1 } else { 0 })
}
