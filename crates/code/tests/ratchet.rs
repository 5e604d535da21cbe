//! The ratchet: both validation suites, run from raw text, must do at least as
//! well as the figures in `ratchet.toml` at the repository root. Needs the
//! suites in `../shared` beside the repository; without them the test prints a
//! notice and passes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dyad_code::suite::{run_suite, Report};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Entries of one section of `ratchet.toml`: dotted key → value (quotes removed).
fn read_section(want: &str) -> BTreeMap<String, String> {
    let path = repo().join("ratchet.toml");
    let text = std::fs::read_to_string(&path).expect("ratchet.toml at the repository root");
    let mut section = String::new();
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = s.trim().to_string();
            continue;
        }
        let (k, v) =
            line.split_once('=').unwrap_or_else(|| panic!("ratchet.toml:{}: expected key = value", n + 1));
        if section == want {
            out.insert(k.trim().to_string(), v.trim().trim_matches('"').to_string());
        }
    }
    out
}

fn num(r: &BTreeMap<String, String>, key: &str) -> Option<usize> {
    r.get(key).map(|v| v.parse().unwrap_or_else(|_| panic!("ratchet.toml: {key} = {v} is not a number")))
}

/// Compares one suite's report with its figures; returns the complaints.
fn check(name: &str, r: &BTreeMap<String, String>, report: &Report) -> Vec<String> {
    let t = report.totals();
    let mut bad = Vec::new();
    let mut at_least = |what: &str, got: usize| {
        if let Some(want) = num(r, &format!("{name}.{what}")) {
            if got < want {
                bad.push(format!("{name}.{what}: {got} < {want}"));
            }
        }
    };
    at_least("exact", t.exact);
    at_least("tp", t.tp);
    for (cat, s) in report.categories() {
        at_least(&format!("category.{cat}"), s.exact);
    }
    for (what, got) in [("fp", t.fp), ("fn", t.fn_)] {
        if let Some(want) = num(r, &format!("{name}.{what}")) {
            if got > want {
                bad.push(format!("{name}.{what}: {got} > {want}"));
            }
        }
    }
    bad
}

/// The current figures in `ratchet.toml` form.
fn figures(name: &str, file: &str, report: &Report) -> String {
    let t = report.totals();
    let mut s = format!(
        "{name}.file = \"{file}\"\n{name}.records = {}\n{name}.exact = {}\n{name}.tp = {}\n{name}.fp = {}\n{name}.fn = {}\n",
        t.records, t.exact, t.tp, t.fp, t.fn_
    );
    for (cat, c) in report.categories() {
        s.push_str(&format!("{name}.category.{cat} = {}\n", c.exact));
    }
    s
}

#[test]
fn suites_do_not_fall_below_the_ratchet() {
    let r = read_section("suites");
    let mut complaints = Vec::new();
    let mut ran = 0;
    for name in ["tabari", "petrarch"] {
        let file = r.get(&format!("{name}.file")).unwrap_or_else(|| panic!("ratchet.toml: no {name}.file"));
        let path = repo().join(file);
        if !path.exists() {
            println!("notice: {} not found; {name} suite not run", path.display());
            continue;
        }
        let report = run_suite(&path).unwrap_or_else(|e| panic!("{e}"));
        ran += 1;
        let t = report.totals();
        println!(
            "{name}: {}/{} exact ({:.1}%), TP {} FP {} FN {}",
            t.exact,
            t.records,
            t.exact_pct(),
            t.tp,
            t.fp,
            t.fn_
        );
        if let Some(n) = num(&r, &format!("{name}.records")) {
            assert_eq!(
                t.records, n,
                "{name}: the suite has {} scored records, ratchet.toml says {n}",
                t.records
            );
        }
        let bad = check(name, &r, &report);
        if !bad.is_empty() {
            complaints.push(format!(
                "{}\n{}current figures:\n{}",
                bad.join("\n"),
                report.misses(),
                figures(name, file, &report)
            ));
        }
    }
    if ran == 0 {
        println!("notice: ../shared is absent; the suite ratchet was not checked");
    }
    assert!(complaints.is_empty(), "suite figures fell below ratchet.toml:\n{}", complaints.join("\n"));
}

#[test]
fn seed_article_does_not_fall_below_the_ratchet() {
    use dyad_code::engine::{default_layers, Engine};
    use dyad_code::gold::{score_events, Gold, Produced};
    use dyad_code::record::Output;

    let r = read_section("gold");
    let file = r.get("seed.file").expect("ratchet.toml: no seed.file");
    let path = repo().join(file);
    if !path.exists() {
        println!("notice: {} not found; the seed article was not scored", path.display());
        return;
    }
    let gold = Gold::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(gold.text_path(&path)).expect("the seed article text");
    let mut doc = dyad_text::Document::new(gold.document.id.clone(), text);
    doc.date = gold.document.date.as_deref().and_then(|d| d.parse().ok());
    let engine = Engine::load(&default_layers()).unwrap_or_else(|e| panic!("{e}"));
    let produced: Vec<Produced> = engine
        .code_one(&doc)
        .iter()
        .filter_map(|o| match o {
            Output::Event(e) => Some(Produced {
                sentence: doc.text[e.text_info.start as usize..e.text_info.end as usize].to_string(),
                source: e.actor.first().map(|a| a.code.clone()).unwrap_or_default(),
                target: e.recipient.first().map(|a| a.code.clone()).unwrap_or_default(),
                cameo: e.cameo.clone(),
                plover: e.event.first().cloned(),
            }),
            _ => None,
        })
        .collect();
    let report = score_events(&gold, &produced);
    println!(
        "seed: {}/{} gold events, {} false",
        report.found,
        report.expected,
        report.false_positives.len()
    );
    let found = num(&r, "seed.found").unwrap_or(0);
    let fp = num(&r, "seed.false_positives").unwrap_or(usize::MAX);
    assert!(
        report.found >= found && report.false_positives.len() <= fp,
        "seed article below ratchet.toml (found {} < {found} or false {} > {fp}):\n{}",
        report.found,
        report.false_positives.len(),
        report.listing()
    );
}
