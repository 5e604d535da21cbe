//! Checks the place finder's name detection against Universal NER's LOC
//! spans over the English Web Treebank, with the treebank's own parse or
//! without a parse. A development check, not a test: the treebank is web
//! text (reviews, e-mail, blogs) and UNER marks every location name whatever
//! its use, so this measures finding names, not telling places from actors.
//!
//! ```sh
//! cargo run --release -p dyad-code --example places_uner -- \
//!     ../shared/data/ud/UD_English-EWT/en_ewt-ud-dev.conllu \
//!     ../shared/data/ud/UNER_English-EWT/en_ewt-ud-dev.iob2 [--show]
//! ```
//!
//! A found name counts as right when a LOC span covers it exactly; a LOC
//! span counts as findable when the gazetteer knows its words as one name.

use std::collections::HashMap;
use std::sync::Arc;

use dyad_code::places::{DocPlaces, NameKind, NameSpan, PlaceFinder, SentenceIn, Syntax};
use dyad_dict::gazetteer::Gazetteer;
use dyad_nlp::conllu;
use dyad_text::Span;

/// LOC, PER and ORG spans (word ranges) per sentence id.
fn read_iob2(text: &str) -> HashMap<String, Vec<(usize, usize, String)>> {
    let mut out: HashMap<String, Vec<(usize, usize, String)>> = HashMap::new();
    let mut id = String::new();
    let mut open: Option<(usize, String)> = None;
    let mut n = 0;
    let mut spans = Vec::new();
    let flush = |id: &str, spans: &mut Vec<(usize, usize, String)>, out: &mut HashMap<_, _>| {
        if !id.is_empty() {
            out.insert(id.to_string(), std::mem::take(spans));
        }
    };
    for line in text.lines() {
        if let Some(s) = line.strip_prefix("# sent_id = ") {
            id = s.trim().to_string();
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if line.trim().is_empty() {
            if let Some((a, k)) = open.take() {
                spans.push((a, n, k));
            }
            flush(&id, &mut spans, &mut out);
            id.clear();
            n = 0;
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let tag = cols.get(2).copied().unwrap_or("O");
        let i = n;
        n += 1;
        let (bio, kind) = tag.split_once('-').unwrap_or((tag, ""));
        if bio == "I" && open.as_ref().is_some_and(|(_, k)| k == kind) {
            continue;
        }
        if let Some((a, k)) = open.take() {
            spans.push((a, i, k));
        }
        if (bio == "B" || bio == "I") && matches!(kind, "LOC" | "PER" | "ORG") {
            open = Some((i, kind.to_string()));
        }
    }
    if let Some((a, k)) = open.take() {
        spans.push((a, n, k));
    }
    flush(&id, &mut spans, &mut out);
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(conllu_path), Some(iob_path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: places_uner EWT.conllu UNER.iob2 [--show]");
        std::process::exit(2);
    };
    let show = args.iter().any(|a| a == "--show");
    let sents = match conllu::read_file(std::path::Path::new(conllu_path)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let iob = match std::fs::read_to_string(iob_path) {
        Ok(t) => read_iob2(&t),
        Err(e) => {
            eprintln!("{iob_path}: {e}");
            std::process::exit(1);
        }
    };
    let gaz = match Gazetteer::embedded() {
        Ok(g) => Arc::new(g),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let finder = PlaceFinder::new(gaz.clone());
    for parsed in [true, false] {
        let (mut found, mut right, mut gold, mut findable, mut hit) = (0, 0, 0, 0, 0);
        let mut place_use = (0, 0); // (classified as a place, of which inside a LOC span)
        for s in &sents {
            let Some(spans) = iob.get(&s.sent_id) else { continue };
            let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            let mut at = 0;
            let byte_spans: Vec<Span> = words
                .iter()
                .map(|w| {
                    let sp = Span::new(at, at + w.len());
                    at += w.len() + 1;
                    sp
                })
                .collect();
            let syntax: Vec<Syntax<'_>> = if parsed {
                s.words
                    .iter()
                    .map(|w| Syntax { head: w.head as u32, rel: w.deprel.as_str(), upos: w.upos.as_str() })
                    .collect()
            } else {
                Vec::new()
            };
            // The name recogniser's persons and organisations (here UNER's own).
            let names: Vec<NameSpan> = spans
                .iter()
                .filter(|(_, _, k)| k != "LOC")
                .map(|(a, b, k)| NameSpan {
                    start: *a as u32,
                    end: *b as u32,
                    kind: if k == "PER" { NameKind::Person } else { NameKind::Organization },
                })
                .collect();
            let sent =
                SentenceIn { index: 0, words: &words, spans: &byte_spans, syntax: &syntax, names: &names };
            let mut doc = DocPlaces::default();
            finder.find(&sent, &mut doc);
            let locs: Vec<(usize, usize)> =
                spans.iter().filter(|(_, _, k)| k == "LOC").map(|(a, b, _)| (*a, *b)).collect();
            for &(a, b) in &locs {
                gold += 1;
                let known = gaz.longest_match(&words[a..b]).is_some_and(|(n, _)| n == b - a);
                if known {
                    findable += 1;
                    if doc.mentions.iter().any(|m| m.start as usize == a && m.end as usize == b) {
                        hit += 1;
                    } else if show && parsed {
                        println!("missed: {:?} in {}", words[a..b].join(" "), s.text);
                    }
                }
            }
            for m in &doc.mentions {
                found += 1;
                let ok = locs.contains(&(m.start as usize, m.end as usize));
                right += usize::from(ok);
                if m.usage.is_place() {
                    place_use.0 += 1;
                    place_use.1 += usize::from(ok);
                }
                if show && !ok && parsed {
                    println!(
                        "not LOC: {:?} {:?} ({}) in {}",
                        words[m.start as usize..m.end as usize].join(" "),
                        m.usage,
                        m.why,
                        s.text
                    );
                }
            }
        }
        println!(
            "{}: names found {found}, of which LOC {right} ({:.1}%); LOC spans {gold}, in the gazetteer {findable}, found {hit} ({:.1}%); classified as places {} of which LOC {} ({:.1}%)",
            if parsed { "with the treebank parse" } else { "without a parse" },
            100.0 * right as f64 / found.max(1) as f64,
            100.0 * hit as f64 / findable.max(1) as f64,
            place_use.0,
            place_use.1,
            100.0 * place_use.1 as f64 / place_use.0.max(1) as f64
        );
    }
}
