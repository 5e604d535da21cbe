//! Hand-made gold records (`*.gold.json`, e.g. `../shared/examples/seed-article.gold.json`)
//! and scoring of coded events against them.
//!
//! The rules are the gold file's own (its `about` field):
//!
//! * an actor code matches when the produced code starts with the expected
//!   one (`RUS` matches `RUSGOV`); an expected `null` matches anything;
//! * an event matches when its sentence contains the gold `evidence`, its
//!   source and target match (either way round when the gold event is
//!   `symmetric`), and its CAMEO code starts with one of `cameo` or its PLOVER
//!   type is one of `plover`;
//! * `optional` gold events are neither misses when absent nor false
//!   positives when present;
//! * where a field holds a list, any of its values is accepted.
//!
//! Only events are scored for now; quotes, dates, places and positions are
//! read and left for later.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// A gold file.
#[derive(Clone, Debug, Deserialize)]
pub struct Gold {
    #[serde(default)]
    pub about: String,
    pub document: GoldDocument,
    #[serde(default)]
    pub events: Vec<GoldEvent>,
    #[serde(default)]
    pub actors: Vec<Value>,
    #[serde(default)]
    pub quotes: Vec<Value>,
    #[serde(default)]
    pub dates: Vec<Value>,
    #[serde(default)]
    pub places: Vec<Value>,
    #[serde(default)]
    pub positions: Vec<Value>,
}

/// The document a gold file describes.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldDocument {
    pub id: String,
    /// Publication date, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    /// The text file, relative to the gold file.
    pub file: String,
}

/// One expected event.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldEvent {
    pub id: String,
    /// Words the event's sentence contains.
    pub evidence: String,
    #[serde(default)]
    pub source: OneOrMany,
    #[serde(default)]
    pub target: OneOrMany,
    #[serde(default)]
    pub cameo: Vec<String>,
    #[serde(default)]
    pub plover: Vec<String>,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub symmetric: bool,
}

/// A code, a list of accepted codes, or `null` (anything).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    #[default]
    Any,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// Whether the produced `code` matches (prefix rule).
    pub fn matches(&self, code: &str) -> bool {
        match self {
            OneOrMany::Any => true,
            OneOrMany::One(c) => code.starts_with(c.as_str()),
            OneOrMany::Many(cs) => cs.iter().any(|c| code.starts_with(c.as_str())),
        }
    }

    fn show(&self) -> String {
        match self {
            OneOrMany::Any => "*".to_string(),
            OneOrMany::One(c) => c.clone(),
            OneOrMany::Many(cs) => cs.join("|"),
        }
    }
}

impl Gold {
    /// Reads a gold file.
    pub fn load(path: &Path) -> Result<Gold> {
        let text =
            std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        serde_json::from_str(&text).map_err(|e| Error::syntax(path, e.line(), e.to_string()))
    }

    /// The document text's path: `document.file` beside the gold file.
    pub fn text_path(&self, gold_path: &Path) -> std::path::PathBuf {
        gold_path.parent().unwrap_or(Path::new(".")).join(&self.document.file)
    }
}

/// A produced event, as the gold rules see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Produced {
    /// The sentence the event was coded from.
    pub sentence: String,
    /// Full actor codes (`USAGOV`); `---` or empty for none.
    pub source: String,
    pub target: String,
    pub cameo: String,
    /// PLOVER type, if the code has one.
    pub plover: Option<String>,
}

/// The outcome of scoring one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GoldReport {
    /// Non-optional gold events.
    pub expected: usize,
    /// Non-optional gold events found.
    pub found: usize,
    /// Optional gold events found.
    pub optional_found: usize,
    /// Gold events (non-optional) not found: id and description.
    pub misses: Vec<String>,
    /// Produced events matching no gold event.
    pub false_positives: Vec<String>,
    /// Produced events in all.
    pub produced: usize,
}

/// Apostrophes, quotes and dashes made ASCII, runs of white space made one
/// blank, lower case: evidence is compared on this form.
fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = false;
    for c in s.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        };
        if c.is_whitespace() {
            blank = true;
            continue;
        }
        if blank && !out.is_empty() {
            out.push(' ');
        }
        blank = false;
        out.extend(c.to_lowercase());
    }
    out
}

fn code_of(c: &str) -> &str {
    let c = c.trim();
    if c.starts_with("---") {
        ""
    } else {
        c
    }
}

impl GoldEvent {
    /// Whether the produced event is this gold event.
    pub fn matches(&self, p: &Produced) -> bool {
        if !norm(&p.sentence).contains(&norm(&self.evidence)) {
            return false;
        }
        let (s, t) = (code_of(&p.source), code_of(&p.target));
        let sides = |a: &str, b: &str| self.source.matches(a) && self.target.matches(b);
        if !(sides(s, t) || (self.symmetric && sides(t, s))) {
            return false;
        }
        let cameo_ok = self.cameo.iter().any(|c| p.cameo.starts_with(c.as_str()));
        let plover_ok =
            p.plover.as_ref().is_some_and(|t| self.plover.iter().any(|g| g.eq_ignore_ascii_case(t)));
        cameo_ok || plover_ok
    }

    fn describe(&self) -> String {
        let codes: Vec<&str> =
            self.cameo.iter().map(String::as_str).chain(self.plover.iter().map(String::as_str)).collect();
        format!(
            "{} {}→{} [{}] \"{}\"",
            self.id,
            self.source.show(),
            self.target.show(),
            codes.join(" "),
            self.evidence
        )
    }
}

/// Scores produced events against the gold events.
pub fn score_events(gold: &Gold, produced: &[Produced]) -> GoldReport {
    let mut r = GoldReport { produced: produced.len(), ..GoldReport::default() };
    for g in &gold.events {
        let hit = produced.iter().any(|p| g.matches(p));
        match (g.optional, hit) {
            (false, true) => r.found += 1,
            (false, false) => r.misses.push(g.describe()),
            (true, true) => r.optional_found += 1,
            (true, false) => {}
        }
        if !g.optional {
            r.expected += 1;
        }
    }
    for p in produced {
        if !gold.events.iter().any(|g| g.matches(p)) {
            let plover = p.plover.as_deref().unwrap_or("-");
            r.false_positives.push(format!(
                "{}→{} [{} {}] in \"{}\"",
                if p.source.is_empty() { "---" } else { &p.source },
                if p.target.is_empty() { "---" } else { &p.target },
                p.cameo,
                plover,
                p.sentence.trim()
            ));
        }
    }
    r
}

impl GoldReport {
    /// The misses and false positives, one per line.
    pub fn listing(&self) -> String {
        let mut s = String::new();
        for m in &self.misses {
            s.push_str(&format!("miss: {m}\n"));
        }
        for f in &self.false_positives {
            s.push_str(&format!("false: {f}\n"));
        }
        s
    }

    /// The summary JSON line.
    pub fn json(&self, gold_path: &str) -> String {
        serde_json::json!({
            "gold": gold_path,
            "events": {
                "expected": self.expected,
                "found": self.found,
                "missed": self.misses.len(),
                "optional_found": self.optional_found,
                "produced": self.produced,
                "false_positives": self.false_positives.len(),
            }
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold() -> Gold {
        serde_json::from_str(
            r#"{"about": "", "document": {"id": "d", "date": "2025-03-14", "file": "d.txt"},
                "events": [
                  {"id": "E1", "evidence": "met with Putin", "source": "USA", "target": "RUS",
                   "cameo": ["04"], "plover": ["CONSULT"], "symmetric": true},
                  {"id": "E2", "evidence": "Kiev’s desire", "source": "RUS", "target": "UKR",
                   "cameo": ["11"], "plover": [], "optional": true},
                  {"id": "E3", "evidence": "expressing optimism", "source": "IGOWSTNAT", "target": null,
                   "cameo": ["01"], "plover": []}
                ]}"#,
        )
        .expect("gold")
    }

    fn p(sentence: &str, s: &str, t: &str, cameo: &str, plover: Option<&str>) -> Produced {
        Produced {
            sentence: sentence.into(),
            source: s.into(),
            target: t.into(),
            cameo: cameo.into(),
            plover: plover.map(Into::into),
        }
    }

    #[test]
    fn matches_by_the_files_rules() {
        let g = gold();
        let produced = vec![
            // Symmetric, prefix codes, PLOVER type instead of CAMEO prefix.
            p("Witkoff  met with Putin on Thursday.", "RUSGOV", "USAGOV", "036", Some("CONSULT")),
            // Optional: neither a miss nor a false positive; curly quote matches.
            p("Moscow said Kiev's desire is a factor.", "RUS", "UKR", "112", Some("ACCUSE")),
            // Null target in the gold accepts a missing target.
            p("Rutte stated, expressing optimism.", "IGOWSTNAT", "---", "010", None),
            // Wrong code: a false positive.
            p("Witkoff met with Putin.", "USA", "RUS", "190", Some("ASSAULT")),
        ];
        let r = score_events(&g, &produced);
        assert_eq!((r.expected, r.found, r.optional_found), (2, 2, 1));
        assert!(r.misses.is_empty());
        assert_eq!(r.false_positives.len(), 1, "{:?}", r.false_positives);
        let j: serde_json::Value = serde_json::from_str(&r.json("g.json")).expect("json");
        assert_eq!(j["events"]["false_positives"], 1);
    }

    #[test]
    fn misses_are_listed() {
        let r = score_events(&gold(), &[]);
        assert_eq!(r.misses.len(), 2);
        assert!(r.listing().contains("miss: E1"));
    }

    #[test]
    fn bad_gold_files_are_errors_with_lines() {
        let dir = std::env::temp_dir().join(format!("dyad-gold-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let f = dir.join("bad.gold.json");
        std::fs::write(&f, "{\n \"document\": 3\n}").expect("write");
        let e = Gold::load(&f).expect_err("bad");
        assert!(e.to_string().contains("bad.gold.json:"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
