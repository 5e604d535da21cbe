//! Prints the sentences and tokens dyad finds in a text file (or standard input).
//!
//! ```sh
//! cargo run -p dyad-text --example segment -- examples/seed-article.txt
//! ```
//!
//! One line per sentence: its byte span, then its tokens separated by `|`.

use std::io::Read;

use dyad_text::Segmented;

fn main() -> std::process::ExitCode {
    let mut text = String::new();
    let read = match std::env::args().nth(1) {
        Some(path) if path != "-" => std::fs::read_to_string(&path).map(|t| text = t),
        _ => std::io::stdin().read_to_string(&mut text).map(drop),
    };
    if let Err(e) = read {
        eprintln!("segment: {e}");
        return std::process::ExitCode::FAILURE;
    }
    let mut seg = Segmented::default();
    seg.segment(&text);
    for (i, s) in seg.sentences.iter().enumerate() {
        let words: Vec<&str> = seg.sentence_tokens(i).iter().map(|t| t.text(&text)).collect();
        println!("{}..{}\t{}", s.span.start, s.span.end, words.join("|"));
    }
    std::process::ExitCode::SUCCESS
}
