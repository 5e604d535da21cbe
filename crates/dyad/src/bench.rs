//! `dyad bench`: throughput on real text, one core.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;

use crate::bench_nlp::{cpu_seconds, documents};

/// Options of `dyad bench`.
pub struct BenchArgs {
    /// Time the coder: raw text → events with the dictionaries.
    pub code: bool,
    /// Text: a CoNLL-U file (its `# text =` lines, documents at `# newdoc`),
    /// JSON Lines (`text`) or plain text (one document), as [`documents`] reads it.
    pub text: Option<PathBuf>,
    pub dict: Vec<PathBuf>,
    /// Least time to measure, in seconds.
    pub seconds: f64,
    /// Events and actors only: without quotes, dates, places and positions.
    pub no_stages: bool,
}

/// The UD English-EWT test set in `../shared`, if it is there.
pub fn default_text() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ud/UD_English-EWT/en_ewt-ud-test.conllu")
}

pub fn run(args: BenchArgs) -> anyhow::Result<serde_json::Value> {
    if !args.code {
        anyhow::bail!("nothing to time: try `dyad bench --code`");
    }
    let path = args.text.clone().unwrap_or_else(default_text);
    let mut docs = documents(&path)?;
    let date = dyad_text::Date::new(2025, 3, 14);
    for d in &mut docs {
        d.date = date;
    }
    let t0 = Instant::now();
    let layers = crate::code::layers(&args.dict);
    let mut engine = crate::code::Engine::load(&layers)?;
    if args.no_stages {
        engine.stages = None;
    }
    let load = t0.elapsed().as_secs_f64();
    let mut scratch = dyad_code::document::DocScratch::default();
    let mut out = Vec::new();
    let (mut sentences, mut tokens, mut events, mut rounds) = (0usize, 0usize, 0usize, 0usize);
    let start = Instant::now();
    let cpu0 = cpu_seconds();
    while rounds == 0 || start.elapsed().as_secs_f64() < args.seconds {
        for d in &docs {
            out.clear();
            engine.code_doc(d, &mut scratch, &mut out);
            sentences += scratch.seg.sentences.len();
            tokens += scratch.seg.tokens.len();
            events += out.iter().filter(|o| matches!(o, dyad_code::record::Output::Event(_))).count();
        }
        rounds += 1;
    }
    let wall = start.elapsed().as_secs_f64();
    let secs = match (cpu0, cpu_seconds()) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => wall,
    };
    let rate = sentences as f64 / secs;
    let mut stdout = std::io::stdout().lock();
    // A closed stdout (`| head`) ends the output quietly.
    let _ = writeln!(
        stdout,
        "code: {} documents, {} sentences x {rounds} in {secs:.2} s CPU ({wall:.2} s wall) on one core: {rate:.0} sentences/s, {:.1} events per 100 sentences; dictionaries loaded in {load:.2} s ({} roots)",
        docs.len(),
        sentences / rounds,
        events as f64 * 100.0 / sentences.max(1) as f64,
        engine.lex.roots.len(),
    );
    Ok(serde_json::json!({
        "bench": "code",
        "stages": !args.no_stages,
        "text": path.display().to_string(),
        "sentences_per_second": rate.round(),
        "tokens_per_second": (tokens as f64 / secs).round(),
        "sentences": sentences / rounds,
        "rounds": rounds,
        "cpu_seconds": secs,
        "wall_seconds": wall,
        "load_seconds": load,
    }))
}

/// Checks a bench's JSON figures against the `[speed]` floors of a ratchet
/// file (`<bench>.<figure> = value` lines); returns the complaints.
pub fn below_floors(ratchet: &Path, figures: &serde_json::Value) -> anyhow::Result<Vec<String>> {
    let text =
        std::fs::read_to_string(ratchet).with_context(|| format!("{}: cannot read", ratchet.display()))?;
    let bench = figures["bench"].as_str().unwrap_or_default();
    let mut in_speed = false;
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            in_speed = line == "[speed]";
            continue;
        }
        let Some((key, value)) = line.split_once('=').filter(|_| in_speed) else { continue };
        let Some(figure) = key.trim().strip_prefix(bench).and_then(|k| k.strip_prefix('.')) else { continue };
        let want: f64 = value
            .trim()
            .parse()
            .with_context(|| format!("{}:{}: {value:?} is not a number", ratchet.display(), n + 1))?;
        match figures[figure].as_f64() {
            Some(got) if got >= want => {}
            Some(got) => bad.push(format!("{bench}.{figure}: {got} < {want}")),
            None => bad.push(format!("{bench}.{figure}: the bench has no such figure")),
        }
    }
    Ok(bad)
}
