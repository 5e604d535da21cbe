//! `dyad bench` without `--code`: tokenize + tag + lemmatise + parse on one core.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use dyad_nlp::pipeline::{Analysis, Models, Scratch};
use dyad_text::{Document, Segmented};

/// Documents of a bench file: the `# text` lines of a CoNLL-U file (one
/// document per `# newdoc`, one line per sentence), the `text` of each JSON
/// line of a `.jsonl` file, or the whole of a plain-text file.
pub fn documents(path: &Path) -> anyhow::Result<Vec<Document>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let mut docs = Vec::new();
    match ext {
        "conllu" => {
            let mut cur = String::new();
            for line in text.lines() {
                if line.starts_with("# newdoc") && !cur.is_empty() {
                    docs.push(Document::new(format!("d{}", docs.len()), std::mem::take(&mut cur)));
                }
                if let Some(t) = line.strip_prefix("# text = ") {
                    cur.push_str(t);
                    cur.push('\n');
                }
            }
            if !cur.is_empty() {
                docs.push(Document::new(format!("d{}", docs.len()), cur));
            }
        }
        "jsonl" | "ndjson" => {
            for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line)
                    .with_context(|| format!("{}: line {}: not JSON", path.display(), i + 1))?;
                let body = v.get("text").and_then(|t| t.as_str()).unwrap_or_default();
                docs.push(Document::new(format!("d{i}"), body));
            }
        }
        _ => docs.push(Document::new("d0", text)),
    }
    Ok(docs)
}

/// CPU time of this process (user + system) from `/proc`, where there is one:
/// on a shared machine it, not the wall clock, measures one core's work.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

pub struct NlpBench {
    pub text: PathBuf,
    pub models: PathBuf,
    pub seconds: f64,
}

pub fn run(args: &NlpBench) -> anyhow::Result<serde_json::Value> {
    let docs = documents(&args.text)?;
    let t0 = Instant::now();
    let models = Models::load(&args.models).with_context(|| format!("loading {}", args.models.display()))?;
    let load = t0.elapsed().as_secs_f64();
    let mut seg = Segmented::default();
    let (mut scratch, mut analysis) = (Scratch::default(), Analysis::default());
    // One warm-up pass, which also gives the per-pass counts.
    let (mut tokens, mut sentences, mut check) = (0usize, 0usize, 0u64);
    for d in &docs {
        seg.segment(&d.text);
        models.analyze(&d.text, &seg, &mut scratch, &mut analysis);
        tokens += seg.tokens.len();
        sentences += seg.sentences.len();
        check += analysis.deps.iter().map(|d| u64::from(d.head)).sum::<u64>();
    }
    let mut rounds = 0usize;
    let start = Instant::now();
    let cpu0 = cpu_seconds();
    while rounds == 0 || start.elapsed().as_secs_f64() < args.seconds {
        for d in &docs {
            seg.segment(&d.text);
            models.analyze(&d.text, &seg, &mut scratch, &mut analysis);
        }
        rounds += 1;
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = match (cpu0, cpu_seconds()) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => wall,
    };
    let per = |n: usize| (n * rounds) as f64 / cpu;
    println!(
        "tokenize+tag+lemmatise+parse: {} documents, {sentences} sentences, {tokens} tokens x {rounds} rounds \
         in {cpu:.2} s CPU ({wall:.2} s wall): {:.0} tokens/s, {:.0} sentences/s on one core; models loaded in {:.0} ms",
        docs.len(),
        per(tokens),
        per(sentences),
        load * 1000.0
    );
    Ok(serde_json::json!({
        "bench": "nlp",
        "text": args.text.display().to_string(),
        "tokens": tokens,
        "sentences": sentences,
        "head_checksum": check,
        "rounds": rounds,
        "tokens_per_second": per(tokens).round(),
        "sentences_per_second": per(sentences).round(),
        "cpu_seconds": cpu,
        "wall_seconds": wall,
        "load_ms": (load * 1000.0).round(),
    }))
}
