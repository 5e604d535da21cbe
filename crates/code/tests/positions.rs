//! Positions scored against the gold files: the fixture articles in
//! `tests/data/articles/` and the seed article (its gold is in `../shared`;
//! skipped with a notice when that is absent).
//!
//! Inputs: the events of each article's hand-built coder stand-in
//! (`NN-name.events.json`; for the seed, the gold's E1–E14 with one code
//! each) and the quotes dyad's quote finder reads, with speakers attached to
//! the stand-in's actor mentions as the coder will attach them
//! ([`dyad_code::quotes::attach_speakers`]).
//!
//! A gold position `{issue, actor, stance}` is found when a derived
//! position has the issue (ignoring case), an actor code starting with the
//! gold's (RUS matches RUSGOV) and one of the gold stances. A derived
//! position with the gold's actor and issue but another stance contradicts
//! it. The seed must give all its gold positions and no contradiction; the
//! fixture suite must find 90% of its gold positions, with no more than 10%
//! contradictions and 80% of the derived positions in the gold.

mod common_places;

use common_places::{fixtures, gazetteer, seed, strings, Doc};
use dyad_code::positions::{EventIn, Holder, Issues, Position, PositionFinder, QuoteIn};
use dyad_code::quotes::{attach_speakers, Quote, QuoteFinder};
use dyad_text::Span;
use std::sync::Arc;

fn derive(doc: &Doc, finder: &mut PositionFinder) -> Vec<Position> {
    let events = doc.events();
    let ev_in: Vec<EventIn<'_>> = events
        .iter()
        .map(|e| EventIn {
            id: &e.id,
            source: Holder { code: &e.source.0, text: &e.source.1 },
            target: e.target.as_ref().map(|t| Holder { code: &t.0, text: &t.1 }),
            cameo: &e.cameo,
            plover: &e.plover,
            sentence: e.sentence_span,
            trigger: e.trigger,
            complement: e.complement,
            date: e.date,
        })
        .collect();
    // Quotes with speakers attached to the actor mentions.
    let mut quotes: Vec<Quote> = Vec::new();
    QuoteFinder::new().find(&doc.text, &doc.seg.sentences, &mut quotes);
    let names = doc.names();
    let actors: Vec<(Span, String, String)> = names
        .iter()
        .filter_map(|n| n.2.as_ref().map(|c| (n.3, c.clone(), n.3.of(&doc.text).to_string())))
        .collect();
    let spans: Vec<Span> = actors.iter().map(|a| a.0).collect();
    let mut attached = Vec::new();
    attach_speakers(&quotes, &spans, &mut attached);
    let ids: Vec<String> = (0..quotes.len()).map(|i| format!("Q{}", i + 1)).collect();
    let q_in: Vec<QuoteIn<'_>> = quotes
        .iter()
        .zip(&attached)
        .zip(&ids)
        .filter_map(|((q, a), id)| {
            let (_, code, text) = &actors[(*a)?];
            Some(QuoteIn { id, speaker: Holder { code, text }, parts: &q.parts, date: None })
        })
        .collect();
    let mut out = Vec::new();
    finder.derive(&doc.text, &doc.seg.sentences, doc.date, &ev_in, &q_in, &mut out);
    out
}

#[derive(Default)]
struct Score {
    gold: usize,
    found: usize,
    contradictions: usize,
    derived: usize,
    in_gold: usize,
}

fn score(doc: &Doc, finder: &mut PositionFinder, s: &mut Score) {
    let got = derive(doc, finder);
    let gold = doc.gold["positions"].as_array().cloned().unwrap_or_default();
    let same = |p: &Position, g: &serde_json::Value| {
        let issue = g["issue"].as_str().unwrap_or("");
        let actor = g["actor"].as_str().unwrap_or("");
        p.issue.eq_ignore_ascii_case(issue) && p.actor.code.starts_with(actor)
    };
    for g in &gold {
        s.gold += 1;
        let stances = strings(&g["stance"]);
        let ok = got.iter().any(|p| same(p, g) && stances.iter().any(|x| x == p.stance.as_str()));
        if ok {
            s.found += 1;
        } else {
            let near: Vec<String> =
                got.iter().map(|p| format!("{} {} {}", p.actor.code, p.issue, p.stance.as_str())).collect();
            println!("MISS {}: {} {} {:?}; derived {near:?}", doc.name, g["actor"], g["issue"], stances);
        }
        for p in got.iter().filter(|p| same(p, g) && !stances.iter().any(|x| x == p.stance.as_str())) {
            s.contradictions += 1;
            println!(
                "CONTRADICTS {}: {} {} {} vs gold {:?}",
                doc.name,
                p.actor.code,
                p.issue,
                p.stance.as_str(),
                stances
            );
        }
    }
    for p in &got {
        s.derived += 1;
        if gold.iter().any(|g| same(p, g)) {
            s.in_gold += 1;
        } else {
            let ev: Vec<String> =
                p.evidence.iter().map(|e| format!("{:?} {:?}: {}", e.source, e.id, e.rule)).collect();
            println!("EXTRA {}: {} {} {} ({ev:?})", doc.name, p.actor.code, p.issue, p.stance.as_str());
        }
    }
}

fn report(what: &str, s: &Score) -> f64 {
    let pct = 100.0 * s.found as f64 / s.gold.max(1) as f64;
    println!(
        "{what}: positions {}/{} ({pct:.1}%), contradictions {}, derived {} of which {} in the gold",
        s.found, s.gold, s.contradictions, s.derived, s.in_gold
    );
    pct
}

fn finder() -> PositionFinder {
    PositionFinder::new(Arc::new(Issues::embedded()), gazetteer())
}

#[test]
fn seed_article_positions() {
    let Some(doc) = seed() else { return };
    let mut s = Score::default();
    score(&doc, &mut finder(), &mut s);
    report("seed", &s);
    assert_eq!(s.found, s.gold, "seed: all gold positions");
    assert_eq!(s.contradictions, 0, "seed: no contradicting positions");
}

#[test]
fn fixture_positions() {
    let mut f = finder();
    let mut s = Score::default();
    for doc in fixtures() {
        score(&doc, &mut f, &mut s);
    }
    let pct = report("fixtures", &s);
    assert!(s.gold >= 15, "too few gold positions");
    assert!(pct >= 90.0, "positions: {pct:.1}% is under 90%");
    assert!(s.contradictions * 10 <= s.gold, "too many contradictions");
    assert!(s.in_gold * 100 >= s.derived * 80, "under 80% of the derived positions are in the gold");
}
