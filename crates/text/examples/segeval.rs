//! Scores dyad's segmenter on the raw text of CoNLL-U treebanks and, with
//! `--errors`, lists what it got wrong.
//!
//! ```sh
//! cargo run --release -p dyad-text --example segeval -- \
//!     ../shared/data/ud/UD_English-EWT/en_ewt-ud-dev.conllu [--errors tokens|sentences]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use dyad_nlp::segeval::{evaluate, reconstruct, score_doc, SegScores};
use dyad_text::{Segmented, Span};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let errors = args.iter().position(|a| a == "--errors").and_then(|k| args.get(k + 1)).cloned();
    let mut status = ExitCode::SUCCESS;
    for path in args.iter().filter(|a| a.ends_with(".conllu")) {
        let sentences = match dyad_nlp::conllu::read_file(&PathBuf::from(path)) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                status = ExitCode::FAILURE;
                continue;
            }
        };
        let scores = evaluate(&sentences);
        println!("{path}\n{scores}\n(unlocated gold words: {})", scores.unlocated);
        if args.iter().any(|a| a == "--by-genre") {
            let mut by: std::collections::BTreeMap<String, SegScores> = Default::default();
            let mut seg = Segmented::default();
            for doc in reconstruct(&sentences) {
                seg.segment(&doc.text);
                let s = score_doc(&doc, &seg);
                let genre = doc.id.split(['-', '_']).next().unwrap_or("").to_string();
                let t = by.entry(genre).or_default();
                t.sentences.correct += s.sentences.correct;
                t.sentences.gold += s.sentences.gold;
                t.sentences.predicted += s.sentences.predicted;
                t.tokens.correct += s.tokens.correct;
                t.tokens.gold += s.tokens.gold;
                t.tokens.predicted += s.tokens.predicted;
            }
            for (g, s) in by {
                println!(
                    "{g:<12} sentences F1 {:.4} ({} gold)  tokens F1 {:.4}",
                    s.sentences.f1(),
                    s.sentences.gold,
                    s.tokens.f1()
                );
            }
        }
        if let Some(kind) = &errors {
            let mut seg = Segmented::default();
            for doc in reconstruct(&sentences) {
                seg.segment(&doc.text);
                if kind == "gaps" {
                    gaps(&doc.text, &doc.sentences, &seg);
                    continue;
                }
                let (gold, pred): (Vec<Span>, Vec<Span>) = if kind == "sentences" {
                    (doc.sentences.clone(), seg.sentences.iter().map(|s| s.span).collect())
                } else {
                    (doc.words.clone(), seg.tokens.iter().map(|t| t.span).collect())
                };
                report(&doc.text, &gold, &pred, kind == "sentences");
            }
        }
    }
    status
}

/// Prints each stretch of text where gold and predicted spans disagree.
fn report(text: &str, gold: &[Span], pred: &[Span], sentences: bool) {
    use std::collections::HashSet;
    let g: HashSet<(u32, u32)> = gold.iter().map(|s| (s.start, s.end)).collect();
    let p: HashSet<(u32, u32)> = pred.iter().map(|s| (s.start, s.end)).collect();
    let show = |spans: &[Span], other: &HashSet<(u32, u32)>, tag: &str| {
        for s in spans {
            if !other.contains(&(s.start, s.end)) {
                if sentences {
                    let t = s.of(text);
                    let head: String = t.chars().take(60).collect();
                    let tail: String =
                        t.chars().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
                    println!("{tag} [{head}] ... [{tail}]");
                } else {
                    let a = (s.start as usize).saturating_sub(25);
                    let b = (s.end as usize + 25).min(text.len());
                    let ctx =
                        text.get(a..b).or_else(|| text.get(s.start as usize..s.end as usize)).unwrap_or("");
                    println!("{tag} {:?}  in  {:?}", s.of(text), ctx.replace('\n', " "));
                }
            }
        }
    };
    show(gold, &p, "MISSED");
    show(pred, &g, "WRONG ");
}

/// Prints each sentence end inside a paragraph that was missed (FN) or made up (FP).
fn gaps(text: &str, gold: &[Span], seg: &Segmented) {
    use std::collections::HashSet;
    let g: HashSet<u32> = gold.iter().map(|s| s.end).collect();
    let p: HashSet<u32> = seg.sentences.iter().map(|s| s.span.end).collect();
    let ctx = |end: u32| {
        let e = end as usize;
        let a = text[..e].char_indices().rev().nth(30).map_or(0, |(i, _)| i);
        let b = text[e..].char_indices().nth(30).map_or(text.len(), |(i, _)| e + i);
        format!("{} || {}", &text[a..e], text[e..b].trim_start()).replace('\n', "\u{b6}")
    };
    for &e in &g {
        let next = text[e as usize..].trim_start_matches([' ']);
        if !p.contains(&e) && !next.starts_with('\n') && !next.is_empty() {
            println!("FN {}", ctx(e));
        }
    }
    for &e in &p {
        let next = text[e as usize..].trim_start_matches([' ']);
        if !g.contains(&e) && !next.starts_with('\n') && !next.is_empty() {
            println!("FP {}", ctx(e));
        }
    }
}
