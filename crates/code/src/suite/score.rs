//! Scoring suite runs: per-category true positives, false positives, false
//! negatives and exact records, a table for people and one JSON line for
//! machines (CI's ratchet reads it).
//!
//! A record is *exact* when the coder's outcome is the expected one: the same
//! set of (source, target, code) triples for event records, no events for
//! no-event records, and the expected rejection (complex, discard, error) for
//! the others. Event counts compare the expected and produced triples as sets;
//! a rejection produces no triples.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{Dialect, DiscardKind, Expected, Record, Triple};

/// What the coder made of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Coded; possibly no events.
    Events(Vec<Triple>),
    /// Rejected as too complex, with the reason.
    Complex(String),
    /// Rejected by a discard phrase or code.
    Discard { kind: DiscardKind, reason: String },
    /// Rejected as bad input (`dateline`, `bad_input_parse`, ...).
    Error(String),
}

impl Outcome {
    fn triples(&self) -> BTreeSet<Triple> {
        match self {
            Outcome::Events(v) => v.iter().cloned().collect(),
            _ => BTreeSet::new(),
        }
    }

    fn describe(&self) -> String {
        match self {
            Outcome::Events(v) if v.is_empty() => "no events".into(),
            Outcome::Events(v) => v.iter().map(|t| format!("{{{t}}}")).collect::<Vec<_>>().join(" "),
            Outcome::Complex(why) => format!("complex ({why})"),
            Outcome::Discard { kind, reason } => format!("discard {kind:?} ({reason})"),
            Outcome::Error(e) => format!("error {e}"),
        }
    }
}

fn expected_triples(e: &Expected) -> BTreeSet<Triple> {
    match e {
        Expected::Events(v) => v.iter().cloned().collect(),
        _ => BTreeSet::new(),
    }
}

fn describe_expected(e: &Expected) -> String {
    match e {
        Expected::Events(v) => v.iter().map(|t| format!("{{{t}}}")).collect::<Vec<_>>().join(" "),
        Expected::NoEvents => "no events".into(),
        Expected::Complex => "complex".into(),
        Expected::Discard(k) => format!("discard {k:?}"),
        Expected::Error(e) => format!("error {e}"),
    }
}

/// Whether `outcome` is exactly what `expected` asks for.
pub fn is_exact(expected: &Expected, outcome: &Outcome) -> bool {
    match (expected, outcome) {
        (Expected::Events(_), Outcome::Events(_)) => expected_triples(expected) == outcome.triples(),
        (Expected::NoEvents, Outcome::Events(v)) => v.is_empty(),
        (Expected::Complex, Outcome::Complex(_)) => true,
        (Expected::Discard(DiscardKind::Any), Outcome::Discard { .. }) => true,
        (Expected::Discard(k), Outcome::Discard { kind, .. }) => k == kind,
        (Expected::Error(e), Outcome::Error(o)) => e == o,
        _ => false,
    }
}

/// The result of one scored record.
#[derive(Clone, Debug)]
pub struct RecordResult {
    pub id: String,
    pub category: String,
    pub line: usize,
    pub expected: Expected,
    pub outcome: Outcome,
    pub exact: bool,
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

/// Totals for one category (or the whole suite).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub records: usize,
    pub exact: usize,
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Stats {
    fn add(&mut self, r: &RecordResult) {
        self.records += 1;
        self.exact += usize::from(r.exact);
        self.tp += r.tp;
        self.fp += r.fp;
        self.fn_ += r.fn_;
    }

    /// Percentage of exact records.
    pub fn exact_pct(&self) -> f64 {
        if self.records == 0 {
            0.0
        } else {
            100.0 * self.exact as f64 / self.records as f64
        }
    }
}

/// Collects outcomes as a suite runs.
pub struct Scorer {
    report: Report,
}

impl Scorer {
    pub fn new(dialect: Dialect, suite: &str) -> Scorer {
        Scorer {
            report: Report { dialect, suite: suite.to_string(), results: Vec::new(), skipped: Vec::new() },
        }
    }

    /// Scores one record; records that are not scored are listed as skipped.
    pub fn add(&mut self, record: &Record, outcome: Outcome) {
        let Some(expected) = record.expected.clone().filter(|_| record.scored()) else {
            let why = record.skip.clone().unwrap_or_else(|| "no expectation".into());
            self.report.skipped.push((record.id.clone(), why));
            return;
        };
        let want = expected_triples(&expected);
        let got = outcome.triples();
        let tp = want.intersection(&got).count();
        let exact = is_exact(&expected, &outcome);
        self.report.results.push(RecordResult {
            id: record.id.clone(),
            category: record.category.clone(),
            line: record.line,
            exact,
            tp,
            fp: got.len() - tp,
            fn_: want.len() - tp,
            expected,
            outcome,
        });
    }

    pub fn finish(self) -> Report {
        self.report
    }
}

/// A finished suite run.
#[derive(Clone, Debug)]
pub struct Report {
    pub dialect: Dialect,
    pub suite: String,
    pub results: Vec<RecordResult>,
    /// Records not scored, with the reason.
    pub skipped: Vec<(String, String)>,
}

impl Report {
    /// Per-category totals, categories in order of first appearance.
    pub fn categories(&self) -> Vec<(String, Stats)> {
        let mut out: Vec<(String, Stats)> = Vec::new();
        for r in &self.results {
            match out.iter_mut().find(|(c, _)| *c == r.category) {
                Some((_, s)) => s.add(r),
                None => {
                    let mut s = Stats::default();
                    s.add(r);
                    out.push((r.category.clone(), s));
                }
            }
        }
        out
    }

    pub fn totals(&self) -> Stats {
        let mut s = Stats::default();
        for r in &self.results {
            s.add(r);
        }
        s
    }

    /// The per-category table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<12} {:>7} {:>6} {:>7} {:>6} {:>6} {:>6}",
            "category", "records", "exact", "exact%", "TP", "FP", "FN"
        );
        let row = |out: &mut String, name: &str, s: &Stats| {
            let _ = writeln!(
                out,
                "{:<12} {:>7} {:>6} {:>7.1} {:>6} {:>6} {:>6}",
                name,
                s.records,
                s.exact,
                s.exact_pct(),
                s.tp,
                s.fp,
                s.fn_
            );
        };
        for (c, s) in self.categories() {
            row(&mut out, &c, &s);
        }
        row(&mut out, "TOTAL", &self.totals());
        out
    }

    /// One line per record that was not exact.
    pub fn misses(&self) -> String {
        let mut out = String::new();
        for r in self.results.iter().filter(|r| !r.exact) {
            let _ = writeln!(
                out,
                "{} (line {}): expected {}; got {}",
                r.id,
                r.line,
                describe_expected(&r.expected),
                r.outcome.describe()
            );
        }
        out
    }

    /// The totals as one JSON object (printed as the run's last line).
    pub fn json(&self) -> serde_json::Value {
        let t = self.totals();
        let precision = ratio(t.tp, t.tp + t.fp);
        let recall = ratio(t.tp, t.tp + t.fn_);
        let cats: serde_json::Map<String, serde_json::Value> = self
            .categories()
            .into_iter()
            .map(|(c, s)| {
                (c, serde_json::json!({"records": s.records, "exact": s.exact, "tp": s.tp, "fp": s.fp, "fn": s.fn_}))
            })
            .collect();
        serde_json::json!({
            "suite": self.suite,
            "dialect": self.dialect.to_string(),
            "records": t.records,
            "exact": t.exact,
            "exact_pct": round1(t.exact_pct()),
            "tp": t.tp,
            "fp": t.fp,
            "fn": t.fn_,
            "precision": round1(precision * 100.0),
            "recall": round1(recall * 100.0),
            "skipped": self.skipped.len(),
            "categories": cats,
        })
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, expected: Expected) -> Record {
        Record {
            id: id.into(),
            category: super::super::category_of(id),
            line: 1,
            date: None,
            text: String::new(),
            expected: Some(expected),
            skip: None,
            parse: None,
        }
    }

    #[test]
    fn scores_records_and_categories() {
        let t = |a: &str, b: &str, c: &str| Triple::new(a, b, c);
        let mut s = Scorer::new(Dialect::Tabari, "x");
        s.add(
            &rec("DEMO-1", Expected::Events(vec![t("A", "B", "010")])),
            Outcome::Events(vec![t("A", "B", "010")]),
        );
        s.add(
            &rec("DEMO-2", Expected::Events(vec![t("A", "B", "010"), t("B", "A", "011")])),
            Outcome::Events(vec![t("A", "B", "010"), t("A", "C", "010")]),
        );
        s.add(&rec("CPLX-1", Expected::Complex), Outcome::Complex("verbs".into()));
        s.add(&rec("CPLX-2", Expected::NoEvents), Outcome::Complex("verbs".into()));
        s.add(&rec("DISC-1", Expected::Discard(DiscardKind::Any)), Outcome::Events(vec![t("A", "B", "1")]));
        let mut skipped = rec("X-1", Expected::NoEvents);
        skipped.skip = Some("valid=\"false\"".into());
        s.add(&skipped, Outcome::Events(vec![]));
        let r = s.finish();
        let cats = r.categories();
        assert_eq!(cats[0].0, "DEMO");
        assert_eq!(cats[0].1, Stats { records: 2, exact: 1, tp: 2, fp: 1, fn_: 1 });
        assert_eq!(cats[1].1, Stats { records: 2, exact: 1, tp: 0, fp: 0, fn_: 0 });
        assert_eq!(r.totals(), Stats { records: 5, exact: 2, tp: 2, fp: 2, fn_: 1 });
        assert_eq!(r.skipped.len(), 1);
        let j = r.json();
        assert_eq!(j["exact"], 2);
        assert_eq!(j["categories"]["DEMO"]["fp"], 1);
        assert!(r.table().contains("TOTAL"));
        assert!(r
            .misses()
            .contains("DEMO-2 (line 1): expected {A/B/010} {B/A/011}; got {A/B/010} {A/C/010}"));
    }
}
