//! Prints the quotes and time expressions of a text file, or times them.
//!
//! ```sh
//! cargo run --release -p dyad-code --example quotes_dates -- examples/seed-article.txt 2025-03-14
//! cargo build --release -p dyad-code --example quotes_dates
//! target/release/examples/quotes_dates FILE 2025-03-14 --bench 20 [dates|quotes|none]
//! ```
//!
//! With `--bench N` the file is segmented once and the chosen stages run N
//! times over it; the wall time is printed, but on a shared machine measure
//! CPU time instead (`perf stat -e task-clock ...`), subtracting a `none` run
//! (reading and segmenting only).

use std::time::Instant;

use dyad_code::dates::DateFinder;
use dyad_code::quotes::QuoteFinder;
use dyad_text::{Date, Segmented};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: quotes_dates FILE [YYYY-MM-DD] [--bench N [dates|quotes|none]]");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let date: Option<Date> = args.get(1).filter(|a| !a.starts_with("--")).and_then(|d| d.parse().ok());
    let bench = args.iter().position(|a| a == "--bench");
    let runs: Option<usize> = bench.and_then(|i| args.get(i + 1)).and_then(|n| n.parse().ok());
    let only = bench.and_then(|i| args.get(i + 2)).map(String::as_str).unwrap_or("both");

    let mut seg = Segmented::default();
    seg.segment(&text);
    let mut dates = DateFinder::new();
    let mut quotes = QuoteFinder::new();
    let mut times = Vec::new();
    let mut qs = Vec::new();

    if let Some(n) = runs {
        let t0 = Instant::now();
        let (mut n_dates, mut n_quotes) = (0usize, 0usize);
        for _ in 0..n {
            if matches!(only, "both" | "dates") {
                times.clear();
                for s in &seg.sentences {
                    dates.find_resolved(&text, s.span, date, &mut times);
                }
                n_dates += times.len();
            }
            if matches!(only, "both" | "quotes") {
                qs.clear();
                quotes.find(&text, &seg.sentences, &mut qs);
                n_quotes += qs.len();
            }
        }
        let secs = t0.elapsed().as_secs_f64();
        let sentences = (n * seg.sentences.len()) as f64;
        println!(
            "{n} runs of {only} over {} sentences: {n_dates} time expressions, {n_quotes} quotes; wall {:.2} µs/sentence",
            seg.sentences.len(),
            secs * 1e6 / sentences
        );
        return;
    }
    for s in &seg.sentences {
        dates.find_resolved(&text, s.span, date, &mut times);
    }
    quotes.find(&text, &seg.sentences, &mut qs);
    for t in &times {
        println!("{}", serde_json::to_string(t).unwrap_or_default());
    }
    for q in &qs {
        println!("{}", serde_json::to_string(q).unwrap_or_default());
    }
}
