//! Time expressions scored against the gold files: the fixture articles in
//! `tests/data/articles/` and the seed article (its gold file is in
//! `../shared`; the seed is skipped with a notice when that is absent).
//!
//! A gold date matches when a found expression overlaps the gold text (found
//! inside its `evidence`) and has the gold `value` (ISO 8601), lies within
//! `value_within`, or is unresolved with the gold `reason`. The test prints
//! every miss and fails when recall or precision (over the fixtures, whose
//! gold lists every expression) falls below 90%, or when the seed misses any.

use std::path::{Path, PathBuf};

use dyad_code::dates::{DateFinder, TimeExpr};
use dyad_text::{Date, Segmented, Span};
use serde_json::Value;

struct Doc {
    name: String,
    text: String,
    gold: Value,
    /// Whether the gold lists every expression (the fixtures do, the seed not).
    complete: bool,
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(dir: &Path) -> Vec<Doc> {
    let mut docs = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/data/articles")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".gold.json"))
        .collect();
    names.sort();
    for gold_path in names {
        let gold: Value = serde_json::from_str(&std::fs::read_to_string(&gold_path).unwrap()).unwrap();
        let file = gold["document"]["file"].as_str().unwrap();
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        docs.push(Doc { name: file.to_string(), text, gold, complete: true });
    }
    docs
}

fn seed() -> Option<Doc> {
    let gold_path = manifest().join("../../../shared/examples/seed-article.gold.json");
    let Ok(gold) = std::fs::read_to_string(&gold_path) else {
        eprintln!("notice: {} not found, seed article skipped", gold_path.display());
        return None;
    };
    let text = std::fs::read_to_string(manifest().join("../../examples/seed-article.txt")).unwrap();
    Some(Doc {
        name: "seed-article.txt".into(),
        text,
        gold: serde_json::from_str(&gold).unwrap(),
        complete: false,
    })
}

fn run(doc: &Doc) -> Vec<TimeExpr> {
    let date: Option<Date> = doc.gold["document"]["date"].as_str().map(|d| d.parse().unwrap());
    let mut seg = Segmented::default();
    seg.segment(&doc.text);
    let mut finder = DateFinder::new();
    let mut out = Vec::new();
    for s in &seg.sentences {
        finder.find_resolved(&doc.text, s.span, date, &mut out);
    }
    out
}

/// The span of the gold `text` inside its `evidence`.
fn gold_span(text: &str, item: &Value) -> Span {
    let evidence = item["evidence"].as_str().unwrap();
    let at = text.find(evidence).unwrap_or_else(|| panic!("evidence not in text: {evidence}"));
    let t = item["text"].as_str().unwrap();
    let off = evidence.find(t).unwrap_or_else(|| panic!("{t} not in its evidence"));
    Span::new(at + off, at + off + t.len())
}

fn value_ok(item: &Value, e: &TimeExpr) -> bool {
    if let Some(w) = item["value_within"].as_array() {
        let lo: Date = w[0].as_str().unwrap().parse().unwrap();
        let hi: Date = w[1].as_str().unwrap().parse().unwrap();
        return e.value.bounds().is_some_and(|(a, b)| a >= lo && b <= hi);
    }
    match item["value"].as_str() {
        Some(v) => e.value.iso().as_deref() == Some(v),
        None => e.value.reason().map(|r| r.as_str()) == item["reason"].as_str(),
    }
}

#[derive(Default)]
struct Score {
    gold: usize,
    hit: usize,
    found: usize,
    extra: usize,
}

fn score(doc: &Doc, s: &mut Score) {
    let found = run(doc);
    let gold = doc.gold["dates"].as_array().cloned().unwrap_or_default();
    let mut used = vec![false; found.len()];
    for item in &gold {
        s.gold += 1;
        let g = gold_span(&doc.text, item);
        let hit =
            found.iter().position(|e| e.span.start < g.end && g.start < e.span.end && value_ok(item, e));
        match hit {
            Some(i) => {
                used[i] = true;
                s.hit += 1;
            }
            None => {
                let near: Vec<String> = found
                    .iter()
                    .filter(|e| e.span.start < g.end && g.start < e.span.end)
                    .map(|e| format!("{:?} = {} ({:?})", e.text, e.value, e.tense))
                    .collect();
                println!("MISS {}: {:?} want {} got {:?}", doc.name, item["text"], want(item), near);
            }
        }
    }
    if doc.complete {
        for (e, u) in found.iter().zip(&used) {
            s.found += 1;
            if !u {
                s.extra += 1;
                println!("EXTRA {}: {:?} = {}", doc.name, e.text, e.value);
            }
        }
    }
}

fn want(item: &Value) -> String {
    match (&item["value"], &item["value_within"]) {
        (Value::String(v), _) => v.clone(),
        (_, Value::Array(w)) => format!("within {w:?}"),
        _ => format!("unresolved: {}", item["reason"]),
    }
}

#[test]
fn fixtures_and_seed_dates() {
    let docs = load(&manifest().join("tests/data/articles"));
    assert!(docs.len() >= 20, "expected at least 20 fixture articles");
    let mut s = Score::default();
    for d in &docs {
        score(d, &mut s);
    }
    let recall = s.hit as f64 / s.gold as f64;
    let precision = 1.0 - s.extra as f64 / s.found.max(1) as f64;
    println!(
        "dates, {} fixtures: {}/{} gold found with the right value ({:.1}%), {} of {} found are extra (precision {:.1}%)",
        docs.len(),
        s.hit,
        s.gold,
        100.0 * recall,
        s.extra,
        s.found,
        100.0 * precision
    );
    if let Some(seed) = seed() {
        let mut ss = Score::default();
        score(&seed, &mut ss);
        println!("dates, seed article: {}/{}", ss.hit, ss.gold);
        assert_eq!(ss.hit, ss.gold, "the seed article's dates must all be found");
    }
    assert!(recall >= 0.9, "date recall {recall:.3} below 0.9");
    assert!(precision >= 0.9, "date precision {precision:.3} below 0.9");
}
