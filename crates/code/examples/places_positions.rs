//! Prints the places and positions dyad reads in a text file without the
//! coder (no parse, no actor mentions, no events: quotes only), or times the
//! stages.
//!
//! ```sh
//! cargo run --release -p dyad-code --example places_positions -- examples/seed-article.txt 2025-03-14
//! cargo build --release -p dyad-code --example places_positions
//! target/release/examples/places_positions FILE 2025-03-14 --bench 20 [places|positions|dates|quotes|all|none]
//! ```
//!
//! A `.jsonl` file holds one document per line (`{"text": ...}`); the
//! benchmark then runs each stage document by document, as the coder does.
//!
//! With `--bench N` the file is segmented once and the chosen stage runs N
//! times over it; the wall time per sentence is printed with a count of what
//! was found (so that a fast but wrong change cannot look like a win). On a
//! shared machine measure CPU time instead (`perf stat -e task-clock ...`),
//! subtracting a `none` run. The positions stage includes finding the quotes
//! it reads.

use std::sync::Arc;
use std::time::Instant;

use dyad_code::dates::DateFinder;
use dyad_code::places::{DocPlaces, PlaceFinder, SentenceIn};
use dyad_code::positions::{Holder, Issues, Position, PositionFinder, QuoteIn};
use dyad_code::quotes::{Quote, QuoteFinder};
use dyad_dict::gazetteer::Gazetteer;
use dyad_text::{Date, Segmented, Span};

struct Stages {
    places: PlaceFinder,
    doc_places: DocPlaces,
    positions: PositionFinder,
    quotes: QuoteFinder,
    dates: DateFinder,
    words: Vec<&'static str>,
}

/// Places of every sentence, resolved; returns the number of place mentions.
fn run_places(st: &mut Stages, text: &str, seg: &Segmented, spans: &[Vec<Span>]) -> usize {
    st.doc_places.clear();
    for (i, s) in seg.sentences.iter().enumerate() {
        let toks = &seg.tokens[s.tokens()];
        let mut words: Vec<&str> = std::mem::take(&mut st.words).into_iter().map(|_| "").collect();
        words.clear();
        words.extend(toks.iter().map(|t| t.text(text)));
        let sent = SentenceIn { index: i as u32, words: &words, spans: &spans[i], syntax: &[], names: &[] };
        st.places.find(&sent, &mut st.doc_places);
        // Reuse the buffer's allocation for the next sentence.
        words.clear();
        st.words = words.into_iter().map(|_| "").collect();
    }
    st.places.resolve(&mut st.doc_places, std::iter::empty());
    st.doc_places.mentions.len()
}

fn run_positions(
    st: &mut Stages,
    text: &str,
    seg: &Segmented,
    date: Option<Date>,
    quotes: &mut Vec<Quote>,
    out: &mut Vec<Position>,
) -> usize {
    quotes.clear();
    st.quotes.find(text, &seg.sentences, quotes);
    // Without the coder every speaker is coded by its words.
    let q_in: Vec<QuoteIn<'_>> = quotes
        .iter()
        .filter_map(|q| {
            let s = q.resolved_speaker()?;
            Some(QuoteIn {
                id: "",
                speaker: Holder { code: "SPEAKER", text: &s.text },
                parts: &q.parts,
                date: None,
            })
        })
        .collect();
    st.positions.derive(text, &seg.sentences, date, &[], &q_in, out);
    out.len()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!(
            "usage: places_positions FILE [YYYY-MM-DD] [--bench N [places|positions|dates|quotes|all|none]]"
        );
        std::process::exit(2);
    };
    let raw = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let texts: Vec<String> = if path.ends_with(".jsonl") {
        raw.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_string))
            .collect()
    } else {
        vec![raw]
    };
    let date: Option<Date> = args.get(1).filter(|a| !a.starts_with("--")).and_then(|d| d.parse().ok());
    let gaz = match Gazetteer::embedded() {
        Ok(g) => Arc::new(g),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let mut st = Stages {
        places: PlaceFinder::new(gaz.clone()),
        doc_places: DocPlaces::default(),
        positions: PositionFinder::new(Arc::new(Issues::embedded()), gaz.clone()),
        quotes: QuoteFinder::new(),
        dates: DateFinder::new(),
        words: Vec::new(),
    };
    let docs: Vec<(String, Segmented, Vec<Vec<Span>>)> = texts
        .into_iter()
        .map(|text| {
            let mut seg = Segmented::default();
            seg.segment(&text);
            let spans: Vec<Vec<Span>> = seg
                .sentences
                .iter()
                .map(|s| seg.tokens[s.tokens()].iter().map(|t| t.span).collect())
                .collect();
            (text, seg, spans)
        })
        .collect();
    let mut quotes = Vec::new();
    let mut positions = Vec::new();
    let bench = args.iter().position(|a| a == "--bench");
    let runs: Option<usize> = bench.and_then(|i| args.get(i + 1)).and_then(|n| n.parse().ok());
    let only = bench.and_then(|i| args.get(i + 2)).map(String::as_str).unwrap_or("all");

    if let Some(n) = runs {
        let mut found = 0usize;
        let mut times = Vec::new();
        let t0 = Instant::now();
        for _ in 0..n {
            for (text, seg, spans) in &docs {
                if matches!(only, "all" | "places") {
                    found += run_places(&mut st, text, seg, spans);
                }
                if matches!(only, "all" | "positions") {
                    found += run_positions(&mut st, text, seg, date, &mut quotes, &mut positions);
                }
                if matches!(only, "all" | "dates") {
                    times.clear();
                    for s in &seg.sentences {
                        st.dates.find_resolved(text, s.span, date, &mut times);
                    }
                    found += times.len();
                }
                if matches!(only, "quotes") {
                    quotes.clear();
                    st.quotes.find(text, &seg.sentences, &mut quotes);
                    found += quotes.len();
                }
            }
        }
        let secs = t0.elapsed().as_secs_f64();
        let total: usize = docs.iter().map(|d| d.1.sentences.len()).sum();
        let sentences = (n * total) as f64;
        println!(
            "{n} runs of {only} over {} documents, {total} sentences: {found} found; wall {:.2} µs/sentence",
            docs.len(),
            secs * 1e6 / sentences.max(1.0)
        );
        return;
    }
    let Some((text, seg, spans)) = docs.first() else { return };
    let (text, seg, spans) = (text.as_str(), seg, spans);
    run_places(&mut st, text, seg, spans);
    for (i, m) in st.doc_places.mentions.iter().enumerate() {
        let loc = st.doc_places.location(&gaz, text, i);
        println!(
            "place {:?} {:?} ({}) -> {}",
            m.span.of(text),
            m.usage,
            m.why,
            loc.map_or("unresolved".to_string(), |l| format!(
                "{} {} {}",
                l.resolved_place, l.country_code, l.kind
            ))
        );
    }
    run_positions(&mut st, text, seg, date, &mut quotes, &mut positions);
    for p in &positions {
        println!("{}", serde_json::to_string(p).unwrap_or_default());
    }
}
