//! Measures segmentation speed, single-threaded (build with `--release`).
//!
//! ```sh
//! cargo run --release -p dyad-text --example bench-segment -- [--passes N] [FILE...]
//! ```
//!
//! Without arguments it segments the bundled seed article and, when the
//! shared data is next to the repository, the raw text of the EWT training
//! set. Each text is segmented repeatedly for about two seconds; the token
//! count of one pass is printed with the speed, so a change that makes
//! segmentation fast by getting it wrong shows.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dyad_text::Segmented;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // A fixed number of passes instead of two seconds (for `perf stat`).
    let passes_wanted: Option<u64> = match args.iter().position(|a| a == "--passes") {
        Some(k) if k + 1 < args.len() => {
            let n = args[k + 1].parse().ok();
            args.drain(k..=k + 1);
            n
        }
        _ => None,
    };
    let args: Vec<PathBuf> = args.into_iter().map(PathBuf::from).collect();
    if args.is_empty() {
        let seed = root.join("examples/seed-article.txt");
        match std::fs::read_to_string(&seed) {
            Ok(t) => texts.push(("seed article".into(), t)),
            Err(e) => eprintln!("{}: {e}", seed.display()),
        }
        let ewt = root.join("../shared/data/ud/UD_English-EWT/en_ewt-ud-train.conllu");
        match dyad_nlp::conllu::read_file(&ewt) {
            Ok(sentences) => {
                let docs = dyad_nlp::segeval::reconstruct(&sentences);
                let all: Vec<String> = docs.into_iter().map(|d| d.text).collect();
                texts.push(("EWT train raw text".into(), all.join("\n\n")));
            }
            Err(e) => eprintln!("skipping EWT: {e}"),
        }
    }
    for path in args {
        match std::fs::read_to_string(&path) {
            Ok(t) => texts.push((path.display().to_string(), t)),
            Err(e) => eprintln!("{}: {e}", path.display()),
        }
    }
    let mut seg = Segmented::default();
    for (name, text) in &texts {
        seg.segment(text);
        let (tokens, sentences) = (seg.tokens.len(), seg.sentences.len());
        let start = Instant::now();
        let cpu0 = cpu_ns();
        let mut passes = 0u64;
        while passes_wanted.map_or(start.elapsed() < Duration::from_secs(2), |n| passes < n) {
            seg.segment(text);
            assert_eq!(seg.tokens.len(), tokens, "segmentation must be deterministic");
            passes += 1;
        }
        let wall = start.elapsed().as_secs_f64();
        // On a shared machine the wall clock also counts time other processes
        // ran; the thread's own CPU time (Linux) is the fairer figure.
        let cpu = match (cpu0, cpu_ns()) {
            (Some(a), Some(b)) if b > a => Some((b - a) as f64 / 1e9),
            _ => None,
        };
        let total = tokens as f64 * passes as f64;
        println!("{name}: {} bytes, {tokens} tokens, {sentences} sentences, {passes} passes", text.len());
        println!("  wall: {:.2} M tokens/s ({:.0} ns/token)", total / wall / 1e6, wall * 1e9 / total);
        if let Some(cpu) = cpu {
            println!(
                "  cpu:  {:.2} M tokens/s ({:.0} ns/token, {:.1} MB/s)",
                total / cpu / 1e6,
                cpu * 1e9 / total,
                text.len() as f64 * passes as f64 / cpu / 1e6
            );
        }
    }
}

/// Nanoseconds this thread has run on a CPU, from `/proc/thread-self/schedstat` (Linux only).
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}
