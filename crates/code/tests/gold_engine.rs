//! The whole engine (default dictionaries, the tagger, every stage) on the
//! fixture articles (`tests/data/articles/*.gold.json`) and the seed article
//! (its gold is in `../shared`; skipped with a notice when absent), scored
//! by [`dyad_code::gold::score_document`] as `dyad eval gold` scores them.
//!
//! The module tests (`quotes.rs`, `dates.rs`, `places.rs`, `positions.rs`)
//! feed each stage hand-built inputs; this one feeds them what the coder
//! really produces, so a stage that works alone but not inside the engine
//! fails here. Figures below the 90% bar are pinned at what the
//! engine reaches (a ratchet, to be raised), and say so.

use std::path::{Path, PathBuf};

use dyad_code::engine::{default_layers, Engine};
use dyad_code::gold::{score_document, Gold, Scores};
use dyad_code::record::Output;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn engine() -> Engine {
    Engine::load(&default_layers()).unwrap_or_else(|e| panic!("{e}"))
}

fn run(engine: &Engine, gold_path: &Path) -> (Gold, Scores, Vec<Output>, String) {
    let gold = Gold::load(gold_path).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(gold.text_path(gold_path)).expect("article text");
    let mut doc = dyad_text::Document::new(gold.document.id.clone(), text);
    doc.date = gold.document.date.as_deref().and_then(|d| d.parse().ok());
    let out = engine.code_one(&doc);
    let scores = score_document(&gold, &doc.text, &out);
    (gold, scores, out, doc.text)
}

/// The numeric entries of one section of `ratchet.toml`.
fn ratchet(section: &str) -> Vec<(String, usize)> {
    let text = std::fs::read_to_string(manifest().join("../../ratchet.toml")).expect("ratchet.toml");
    let mut current = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = s.trim().to_string();
        } else if let (true, Some((k, v))) = (current == section, line.split_once('=')) {
            let v = v.trim().parse().unwrap_or_else(|_| panic!("ratchet.toml: {line}: not a number"));
            out.push((k.trim().to_string(), v));
        }
    }
    assert!(!out.is_empty(), "ratchet.toml: no [{section}] figures");
    out
}

fn pct(s: &Scores, name: &str) -> f64 {
    100.0 * s.section(name).expect("section").recall()
}

#[test]
fn fixture_articles_through_the_engine() {
    let dir = manifest().join("tests/data/articles");
    let mut golds: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/data/articles")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".gold.json"))
        .collect();
    golds.sort();
    assert!(golds.len() >= 50, "expected the fixture articles");
    let engine = engine();
    let mut total = Scores::default();
    for g in &golds {
        let (_, s, _, _) = run(&engine, g);
        total.add(&s);
    }
    print!("{}", total.listing());
    print!("{}", total.table());
    for name in ["quotes", "dates", "places"] {
        assert!(pct(&total, name) >= 90.0, "{name}: {:.1}% is under 90%", pct(&total, name));
    }
    // Below the bar, pinned where the engine is: positions and event
    // locations need events, and the coder (default dictionaries) codes
    // only part of the fixtures' events (they were annotated for the stages,
    // with hand-built events; see tests/positions.rs and tests/places.rs,
    // which reach 90% on those). Every fixture location miss is an event the
    // coder did not code; each located event is located right.
    for (key, want) in ratchet("engine") {
        let name = key.strip_prefix("fixtures.").unwrap_or(&key);
        let got = total.section(name).unwrap_or_else(|| panic!("ratchet.toml: no section {name}")).found;
        assert!(got >= want, "{name}: {got} gold items found, below ratchet.toml's {want}");
    }
    let loc = total.section("event_locations").expect("event_locations");
    assert!(
        loc.misses.iter().all(|m| m.contains("no event there")),
        "an event the coder found got the wrong location:\n{}",
        loc.misses.join("\n")
    );
}

#[test]
fn seed_article_through_the_engine() {
    let path = manifest().join("../../../shared/examples/seed-article.gold.json");
    if !path.exists() {
        println!("notice: {} not found; the seed article was not scored", path.display());
        return;
    }
    let (_, s, out, _) = run(&engine(), &path);
    print!("{}", s.listing());
    print!("{}", s.table());
    let sec = |n: &str| s.section(n).expect("section").clone();
    for name in ["events", "actors", "quotes", "dates", "places", "event_locations", "positions"] {
        let x = sec(name);
        assert_eq!(x.found, x.expected, "seed {name}: {}/{}", x.found, x.expected);
    }
    assert!(sec("events").false_positives.len() <= 2, "seed: more than 2 false events");
    let actors = sec("actors");
    assert_eq!(actors.found, actors.expected, "seed actors: {}/{}", actors.found, actors.expected);
    // Every record kind is there, with provenance.
    for kind in ["event", "actor", "quote", "date", "place", "position"] {
        let n = out
            .iter()
            .filter(|o| {
                serde_json::to_value(o).ok().and_then(|v| v["type"].as_str().map(|t| t == kind)) == Some(true)
            })
            .count();
        assert!(n > 0, "no {kind} record");
    }
}

fn records(out: &[Output]) -> Vec<serde_json::Value> {
    out.iter().map(|o| serde_json::to_value(o).expect("record serialises")).collect()
}

fn of_type<'a>(recs: &'a [serde_json::Value], t: &str) -> Vec<&'a serde_json::Value> {
    recs.iter().filter(|r| r["type"] == t).collect()
}

/// Bad input through the whole engine: no panics, every span inside the
/// text on character boundaries, undated documents never dated today,
/// impossible dates unresolved with the reason, unbalanced quotation marks
/// bounded by their paragraph.
#[test]
fn bad_input_through_the_engine() {
    let engine = engine();
    let code = |text: &str, date: Option<&str>| {
        let mut doc = dyad_text::Document::new("bad".to_string(), text.to_string());
        doc.date = date.and_then(|d| d.parse().ok());
        let recs = records(&engine.code_one(&doc));
        for r in &recs {
            for (a, b) in [("start", "end")] {
                if let (Some(s), Some(e)) = (r[a].as_u64(), r[b].as_u64()) {
                    assert!(text.get(s as usize..e as usize).is_some(), "{text:?}: bad span in {r}");
                }
            }
        }
        recs
    };

    // Undated: relative expressions stay unresolved with the reason; events
    // have no date; nothing is dated today.
    let undated =
        "Russian President Vladimir Putin met Chinese President Xi Jinping in Beijing on Thursday. \
                   They will meet again next week, officials said.";
    let recs = code(undated, None);
    let today = {
        let secs =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        dyad_text::Date::new(1970, 1, 1)
            .and_then(|d| d.add_days((secs / 86_400) as i64))
            .map(|d| d.to_string())
    };
    let dates = of_type(&recs, "date");
    assert!(dates.len() >= 2, "{dates:?}");
    for d in &dates {
        assert!(d["value"].is_null(), "{d}");
        assert_eq!(d["unresolved"], "no document date", "{d}");
    }
    let events = of_type(&recs, "event");
    assert!(!events.is_empty(), "the meeting is an event");
    for e in &events {
        assert!(e["date"].is_null(), "{e}");
        assert_eq!(e["date_source"], "none");
        assert_eq!(e["provenance"]["time"]["unresolved"], "no document date", "{e}");
    }
    let all = serde_json::to_string(&recs).expect("json");
    if let Some(t) = today {
        assert!(!all.contains(&t), "today's date {t} in an undated document");
    }

    // Impossible dates are found and unresolved, not moved to a real day.
    let recs = code("The memo was dated February 30, 2025, and another one 2025-13-01.", Some("2025-03-14"));
    let dates = of_type(&recs, "date");
    assert_eq!(dates.len(), 2, "{dates:?}");
    assert!(dates.iter().all(|d| d["unresolved"] == "impossible date" && d["value"].is_null()), "{dates:?}");

    // An unclosed quote ends with its paragraph; the next paragraph's
    // sentence is coded as usual.
    let text = "“This quote never closes, Rutte said on Monday\nRutte met Putin in Moscow on Tuesday.";
    let recs = code(text, Some("2025-03-14"));
    let para = text.find('\n').expect("two paragraphs") as u64;
    for q in of_type(&recs, "quote") {
        assert!(q["end"].as_u64().expect("end") <= para, "quote crosses the paragraph: {q}");
    }
    assert!(!of_type(&recs, "event").is_empty());

    // Nested quotes and a quote continued in the next paragraph.
    let text = "“He told me ‘we will not give up’ on Friday,” Rutte said.\n\
                “The talks go on.\n“We will meet again in Geneva,” he added.";
    let recs = code(text, Some("2025-03-14"));
    let quotes = of_type(&recs, "quote");
    assert!(
        quotes.iter().any(|q| q["text"].as_str().is_some_and(|t| t.contains("‘we will not give up’"))),
        "{quotes:?}"
    );
    assert!(
        quotes.iter().any(|q| q["notes"].is_null() && q["provenance"]["notes"].to_string().contains("cross")),
        "{quotes:?}"
    );

    // Garbage: empty, marks only, control characters, a very long line.
    for t in ["", "“", "”“‘’«»\"\"", "\u{0}\u{1}\u{7f}", "«Moscow» – «Kiev»; ‘’"] {
        code(t, Some("2025-03-14"));
        code(t, None);
    }
    let long = "“Moscow said Kiev attacked on February 29, 2025 ".repeat(2000);
    code(&long, Some("2025-03-14"));
}
