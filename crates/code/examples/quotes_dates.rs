//! Prints the quotes and time expressions of a text file, or times them.
//!
//! ```sh
//! cargo run --release -p dyad-code --example quotes_dates -- examples/seed-article.txt 2025-03-14
//! cargo run --release -p dyad-code --example quotes_dates -- examples/seed-article.txt 2025-03-14 --bench 20000
//! ```

use std::time::Instant;

use dyad_code::dates::DateFinder;
use dyad_code::quotes::QuoteFinder;
use dyad_text::{Date, Segmented};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: quotes_dates FILE [YYYY-MM-DD] [--bench N]");
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
    let bench: Option<usize> =
        args.iter().position(|a| a == "--bench").and_then(|i| args.get(i + 1)).and_then(|n| n.parse().ok());

    let mut seg = Segmented::default();
    seg.segment(&text);
    let mut dates = DateFinder::new();
    let mut quotes = QuoteFinder::new();
    let mut times = Vec::new();
    let mut qs = Vec::new();

    if let Some(n) = bench {
        let t0 = Instant::now();
        let mut count = 0usize;
        for _ in 0..n {
            times.clear();
            qs.clear();
            for s in &seg.sentences {
                dates.find_resolved(&text, s.span, date, &mut times);
            }
            quotes.find(&text, &seg.sentences, &mut qs);
            count += times.len() + qs.len();
        }
        let secs = t0.elapsed().as_secs_f64();
        let sentences = (n * seg.sentences.len()) as f64;
        println!(
            "{n} runs, {} sentences each, {count} records: {:.0} sentences/s ({:.2} µs/sentence) for dates + quotes",
            seg.sentences.len(),
            sentences / secs,
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
