//! Shared by `tests/places.rs` and `tests/positions.rs`: the fixture
//! articles with their gold files and hand-built coder inputs
//! (`NN-name.events.json`: names, events, partial parses), laid out as the
//! coder, name recogniser and parser will give them, located in the text by
//! their words so that the tests do not depend on the tokenizer.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use dyad_code::places::{NameKind, NameSpan, Syntax};
use dyad_dict::gazetteer::Gazetteer;
use dyad_text::{Date, Segmented, Span};
use serde_json::Value;

pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn gazetteer() -> Arc<Gazetteer> {
    static G: OnceLock<Arc<Gazetteer>> = OnceLock::new();
    G.get_or_init(|| Arc::new(Gazetteer::embedded().expect("embedded gazetteer"))).clone()
}

/// An article with its gold record and coder inputs.
pub struct Doc {
    pub name: String,
    pub text: String,
    pub date: Option<Date>,
    pub gold: Value,
    pub inputs: Value,
    pub seg: Segmented,
}

fn read_json(p: &Path) -> Value {
    let s = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn make(name: String, text: String, gold: Value, inputs: Value) -> Doc {
    let date = gold["document"]["date"].as_str().and_then(|d| d.parse().ok());
    let mut seg = Segmented::default();
    seg.segment(&text);
    Doc { name, text, date, gold, inputs, seg }
}

/// The fixture articles (`tests/data/articles`), in name order.
pub fn fixtures() -> Vec<Doc> {
    let dir = manifest().join("tests/data/articles");
    let mut golds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/data/articles")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".gold.json"))
        .collect();
    golds.sort();
    golds
        .into_iter()
        .map(|g| {
            let gold = read_json(&g);
            let file = gold["document"]["file"].as_str().expect("document.file").to_string();
            let text = std::fs::read_to_string(dir.join(&file)).expect("article text");
            let stem = file.trim_end_matches(".txt");
            let ev = dir.join(format!("{stem}.events.json"));
            let inputs = if ev.exists() { read_json(&ev) } else { Value::Null };
            make(file, text, gold, inputs)
        })
        .collect()
}

/// The seed article, or `None` (with a notice) when `../shared` is absent.
pub fn seed() -> Option<Doc> {
    let gold_path = manifest().join("../../../shared/examples/seed-article.gold.json");
    if !gold_path.exists() {
        eprintln!("notice: {} not found, seed article skipped", gold_path.display());
        return None;
    }
    let text =
        std::fs::read_to_string(manifest().join("../../examples/seed-article.txt")).expect("seed text");
    let inputs = read_json(&manifest().join("tests/data/seed/seed-article.events.json"));
    Some(make("seed-article.txt".into(), text, read_json(&gold_path), inputs))
}

/// Byte ranges of `needle` in `text` at word boundaries.
pub fn occurrences(text: &str, needle: &str) -> Vec<Span> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let mut from = 0;
    while let Some(p) = text[from..].find(needle) {
        let s = from + p;
        let e = s + needle.len();
        let before = text[..s].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = text[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before && after {
            out.push(Span::new(s, e));
        }
        from = s + needle.len().max(1);
        while !text.is_char_boundary(from) {
            from += 1;
        }
    }
    out
}

/// Where `needle` is: inside each occurrence of `evidence` when given, else everywhere.
pub fn locate(text: &str, needle: &str, evidence: Option<&str>) -> Vec<Span> {
    match evidence {
        Some(ev) => {
            let evs = occurrences(text, ev);
            assert!(!evs.is_empty(), "evidence not in the text: {ev:?}");
            evs.iter()
                .filter_map(|e| {
                    let inner = occurrences(&text[e.start as usize..e.end as usize], needle);
                    inner.first().map(|s| Span { start: s.start + e.start, end: s.end + e.start })
                })
                .collect()
        }
        None => occurrences(text, needle),
    }
}

impl Doc {
    /// The sentence holding byte `b`.
    pub fn sentence_at(&self, b: u32) -> Option<usize> {
        self.seg.sentences.iter().position(|s| s.span.start <= b && b < s.span.end.max(s.span.start + 1))
    }

    /// Tokens of sentence `s` (relative indices) overlapping `span`.
    pub fn token_range(&self, s: usize, span: Span) -> std::ops::Range<usize> {
        let toks = self.seg.sentence_tokens(s);
        let a = toks.iter().position(|t| t.span.end > span.start && t.span.start < span.end);
        let b = toks.iter().rposition(|t| t.span.end > span.start && t.span.start < span.end);
        match (a, b) {
            (Some(a), Some(b)) => a..b + 1,
            _ => 0..0,
        }
    }

    pub fn words(&self, s: usize) -> Vec<&str> {
        self.seg.sentence_tokens(s).iter().map(|t| t.text(&self.text)).collect()
    }

    pub fn spans(&self, s: usize) -> Vec<Span> {
        self.seg.sentence_tokens(s).iter().map(|t| t.span).collect()
    }

    /// The inputs' names: (sentence, NameSpan, code).
    pub fn names(&self) -> Vec<(usize, NameSpan, Option<String>, Span)> {
        let mut out = Vec::new();
        for n in self.inputs["names"].as_array().cloned().unwrap_or_default() {
            let text = n["text"].as_str().expect("name text");
            let kind = match n["kind"].as_str() {
                Some("person") => NameKind::Person,
                Some("organization") => NameKind::Organization,
                _ => NameKind::Actor,
            };
            let code = n["code"].as_str().map(str::to_string);
            let spans = locate(&self.text, text, n["evidence"].as_str());
            assert!(!spans.is_empty(), "{}: name not found: {text:?}", self.name);
            for sp in spans {
                let Some(s) = self.sentence_at(sp.start) else { continue };
                let r = self.token_range(s, sp);
                out.push((s, NameSpan { start: r.start as u32, end: r.end as u32, kind }, code.clone(), sp));
            }
        }
        out
    }

    /// The partial parse of sentence `s` from the inputs (empty when none).
    pub fn syntax(&self, s: usize) -> Vec<Syntax<'static>> {
        let toks = self.seg.sentence_tokens(s);
        let mut syn: Vec<Syntax<'static>> = Vec::new();
        for p in self.inputs["parse"].as_array().cloned().unwrap_or_default() {
            let ev = p["evidence"].as_str().expect("parse evidence");
            for e in occurrences(&self.text, ev) {
                if self.sentence_at(e.start) != Some(s) {
                    continue;
                }
                if syn.is_empty() {
                    syn = vec![Syntax::default(); toks.len()];
                }
                let word_at = |w: &str| -> usize {
                    let (w, nth) = match w.split_once('#') {
                        Some((a, n)) => (a, n.parse::<usize>().expect("#n")),
                        None => (w, 1),
                    };
                    let hits: Vec<usize> = (0..toks.len())
                        .filter(|&i| {
                            let t = toks[i].text(&self.text);
                            let t =
                                t.trim_end_matches(['’', '\'']).trim_end_matches("’s").trim_end_matches("'s");
                            let t = t.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
                            toks[i].span.start >= e.start && toks[i].span.end <= e.end && t == w
                        })
                        .collect();
                    *hits
                        .get(nth - 1)
                        .unwrap_or_else(|| panic!("{}: parse word {w:?} #{nth} not in {ev:?}", self.name))
                };
                for a in p["arcs"].as_array().cloned().unwrap_or_default() {
                    let h = a[0].as_str().expect("head");
                    let rel = static_rel(a[1].as_str().expect("rel"));
                    let d = word_at(a[2].as_str().expect("dependent"));
                    let head = if h == "ROOT" { 0 } else { word_at(h) as u32 + 1 };
                    syn[d] = Syntax { head, rel, upos: "" };
                }
            }
        }
        syn
    }

    /// The inputs' events located in the text.
    pub fn events(&self) -> Vec<EventLoc> {
        let mut out = Vec::new();
        for e in self.inputs["events"].as_array().cloned().unwrap_or_default() {
            let ev = e["evidence"].as_str().expect("event evidence");
            let evs = occurrences(&self.text, ev);
            let ev_span =
                *evs.first().unwrap_or_else(|| panic!("{}: event evidence not found: {ev:?}", self.name));
            let inside = |w: &str| -> Span {
                let r = locate(&self.text, w, Some(ev));
                *r.first().unwrap_or_else(|| panic!("{}: {w:?} not in {ev:?}", self.name))
            };
            let trigger = inside(e["trigger"].as_str().expect("trigger"));
            let complement = e["complement"].as_str().map(inside);
            let s = self.sentence_at(trigger.start).expect("sentence of trigger");
            let holder = |v: &Value| {
                v.as_object().map(|o| {
                    (
                        o["code"].as_str().unwrap_or("").to_string(),
                        o["text"].as_str().unwrap_or("").to_string(),
                    )
                })
            };
            out.push(EventLoc {
                id: e["id"].as_str().unwrap_or("").to_string(),
                sentence: s,
                sentence_span: self.seg.sentences[s].span,
                evidence: ev_span,
                trigger,
                complement,
                source: holder(&e["source"]).unwrap_or_default(),
                target: holder(&e["target"]),
                cameo: e["cameo"].as_str().unwrap_or("").to_string(),
                plover: e["plover"].as_str().unwrap_or("").to_string(),
                date: e["date"].as_str().and_then(|d| d.parse().ok()),
            });
        }
        out
    }
}

/// An input event located in the text.
#[derive(Clone, Debug)]
pub struct EventLoc {
    pub id: String,
    pub sentence: usize,
    pub sentence_span: Span,
    pub evidence: Span,
    pub trigger: Span,
    pub complement: Option<Span>,
    pub source: (String, String),
    pub target: Option<(String, String)>,
    pub cameo: String,
    pub plover: String,
    pub date: Option<Date>,
}

/// A gold field that holds a string or a list of strings.
pub fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// A UD relation name as a `&'static str`.
pub fn static_rel(r: &str) -> &'static str {
    const RELS: &[&str] = &[
        "root",
        "nsubj",
        "nsubj:pass",
        "nsubj:outer",
        "csubj",
        "csubj:pass",
        "obj",
        "iobj",
        "obl",
        "obl:tmod",
        "obl:npmod",
        "obl:arg",
        "nmod",
        "nmod:poss",
        "nmod:tmod",
        "nmod:npmod",
        "case",
        "compound",
        "amod",
        "advmod",
        "advcl",
        "acl",
        "acl:relcl",
        "xcomp",
        "ccomp",
        "conj",
        "cc",
        "appos",
        "flat",
        "mark",
        "det",
        "punct",
        "aux",
        "aux:pass",
        "cop",
        "parataxis",
        "dep",
        "nummod",
        "fixed",
        "list",
    ];
    RELS.iter().copied().find(|x| *x == r).unwrap_or_else(|| panic!("unknown relation {r:?}"))
}
