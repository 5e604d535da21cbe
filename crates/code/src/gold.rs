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
//! [`score_document`] scores every section a gold file has from the records
//! `dyad code` writes (`crate::record::Output`):
//!
//! * **events** as above; a gold event with a `date` (or `date_within`)
//!   or a `location` is found only by an event that also has that date (or
//!   a date in the range) and a location of that name and country;
//! * **actors**: a gold actor (`text`, `code`, optional `evidence`) is found
//!   when an actor record or an event's actor names it (either text holds
//!   the other as whole words) with a matching code, in a sentence holding
//!   the evidence; a produced actor with a gold actor's text and a code no
//!   gold actor with that text accepts is a false positive;
//! * **quotes**: same text (ignoring white space, quotation marks and
//!   punctuation at the ends) and a speaker — as written, or for a pronoun
//!   what it refers to — holding the last word of one of the gold speakers;
//!   quotes matching no gold one are false positives (indirect speech only
//!   when the gold lists indirect speech);
//! * **dates**: a date record overlapping the gold text (inside its
//!   `evidence`) with the gold `value`, a value inside `value_within`, or
//!   unresolved with the gold `reason`;
//! * **places**: a gold place (`use` place or both, the default) is found by
//!   a place record at one of its occurrences (inside `evidence` when given)
//!   with the gold country (and `kind`, `geonameid` when given); a name whose
//!   gold `use` is actor or modifier is found when no place record claims it;
//!   place records no gold item claims are false positives. Each
//!   `location_of` evidence (an event located there) is scored in the
//!   **event_locations** section: the event coded inside the evidence has
//!   that place as its `event_loc`;
//! * **positions**: same issue (ignoring case), actor code starting with the
//!   gold's and one of the gold stances; a produced position on a gold
//!   actor and issue with another stance, or on a pair the gold does not
//!   list, is a false positive.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::record::Output;

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
    /// The event's date, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: Option<String>,
    /// A range of accepted dates `[first, last]`.
    #[serde(default)]
    pub date_within: Option<Vec<String>>,
    /// The event's location: `{"name", "country"}`.
    #[serde(default)]
    pub location: Option<Value>,
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

/// The figures of one section.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Section {
    /// Gold items counted (non-optional).
    pub expected: usize,
    pub found: usize,
    /// Produced records of the section.
    pub produced: usize,
    #[serde(skip)]
    pub misses: Vec<String>,
    #[serde(skip)]
    pub false_positives: Vec<String>,
}

impl Section {
    fn hit(&mut self, ok: bool, miss: impl FnOnce() -> String) {
        self.expected += 1;
        if ok {
            self.found += 1;
        } else {
            self.misses.push(miss());
        }
    }

    /// Found as a share of expected (1 when nothing is expected).
    pub fn recall(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.found as f64 / self.expected as f64
        }
    }

    /// Adds another document's figures.
    pub fn add(&mut self, o: &Section) {
        self.expected += o.expected;
        self.found += o.found;
        self.produced += o.produced;
        self.misses.extend(o.misses.iter().cloned());
        self.false_positives.extend(o.false_positives.iter().cloned());
    }

    fn json(&self) -> Value {
        serde_json::json!({
            "expected": self.expected,
            "found": self.found,
            "missed": self.misses.len(),
            "produced": self.produced,
            "false_positives": self.false_positives.len(),
            "recall": (self.recall() * 1000.0).round() / 1000.0,
        })
    }
}

/// The section names, in report order.
pub const SECTIONS: [&str; 7] =
    ["events", "actors", "quotes", "dates", "places", "event_locations", "positions"];

/// Every section's figures for one document (or a sum of documents).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    pub documents: usize,
    pub sections: [Section; 7],
    /// Which sections some gold file had items for.
    pub present: [bool; 7],
    /// Optional gold events found.
    pub optional_events: usize,
}

impl Scores {
    pub fn section(&self, name: &str) -> Option<&Section> {
        SECTIONS.iter().position(|s| *s == name).map(|i| &self.sections[i])
    }

    /// Adds another document's figures.
    pub fn add(&mut self, o: &Scores) {
        self.documents += o.documents;
        self.optional_events += o.optional_events;
        for i in 0..SECTIONS.len() {
            self.sections[i].add(&o.sections[i]);
            self.present[i] |= o.present[i];
        }
    }

    /// Misses and false positives, one per line, by section.
    pub fn listing(&self) -> String {
        let mut s = String::new();
        for (name, sec) in SECTIONS.iter().zip(&self.sections) {
            for m in &sec.misses {
                s.push_str(&format!("miss {name}: {m}\n"));
            }
            for f in &sec.false_positives {
                s.push_str(&format!("false {name}: {f}\n"));
            }
        }
        s
    }

    /// One line per section with items: found/expected, false positives.
    pub fn table(&self) -> String {
        let mut s = String::new();
        for (i, (name, sec)) in SECTIONS.iter().zip(&self.sections).enumerate() {
            if !self.present[i] {
                continue;
            }
            s.push_str(&format!(
                "{name:<16} {:>4}/{:<4} {:>5.1}%  false {:>3}  produced {}\n",
                sec.found,
                sec.expected,
                100.0 * sec.recall(),
                sec.false_positives.len(),
                sec.produced
            ));
        }
        s
    }

    /// The summary JSON line: per section present, its figures.
    pub fn json(&self, gold_path: &str) -> String {
        let mut o = serde_json::Map::new();
        o.insert("gold".into(), gold_path.into());
        o.insert("documents".into(), self.documents.into());
        for (i, (name, sec)) in SECTIONS.iter().zip(&self.sections).enumerate() {
            if self.present[i] {
                let mut j = sec.json();
                if *name == "events" {
                    j["optional_found"] = self.optional_events.into();
                }
                o.insert((*name).into(), j);
            }
        }
        Value::Object(o).to_string()
    }
}

/// The strings of a gold field holding a string or a list.
fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// Byte ranges of `needle` in `text` at word boundaries.
fn occurrences(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let mut from = 0;
    while let Some(p) = text.get(from..).and_then(|t| t.find(needle)) {
        let s = from + p;
        let e = s + needle.len();
        let before = text[..s].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = text[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before && after {
            out.push((s, e));
        }
        from = s + 1;
        while from < text.len() && !text.is_char_boundary(from) {
            from += 1;
        }
    }
    out
}

/// Where `needle` is: inside each occurrence of `evidence` when given, else everywhere.
fn locate(text: &str, needle: &str, evidence: Option<&str>) -> Vec<(usize, usize)> {
    match evidence {
        Some(ev) => occurrences(text, ev)
            .into_iter()
            .filter_map(|(a, b)| occurrences(&text[a..b], needle).first().map(|&(x, y)| (a + x, a + y)))
            .collect(),
        None => occurrences(text, needle),
    }
}

/// Quote text as compared: white space collapsed, marks and punctuation trimmed at the ends.
fn quote_norm(s: &str) -> String {
    let s: String = s.replace(['’', '‘'], "'").split_whitespace().collect::<Vec<_>>().join(" ");
    let strip: &[char] = &['“', '”', '"', '«', '»', '\'', ',', '.', ';', ':', ' '];
    s.trim_matches(strip).to_string()
}

/// Whether `found` (a speaker's words) names one of the gold speakers: it holds the last word of one.
fn speaker_ok(gold: &[String], found: &str) -> bool {
    let found = quote_norm(found).to_lowercase();
    gold.iter().any(|g| {
        let g = quote_norm(g).to_lowercase();
        let head = g.split_whitespace().last().unwrap_or("");
        found.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'').any(|w| w == head) || found == g
    })
}

/// Whether `a` holds `b` as whole words (both normalised).
fn holds_words(a: &str, b: &str) -> bool {
    let (a, b) = (norm(a), norm(b));
    !b.is_empty() && !occurrences(&a, &b).is_empty()
}

fn date_ok(item: &Value, value: Option<&str>, unresolved: Option<&str>) -> bool {
    let bounds = |v: &str| -> Option<(String, String)> {
        let (a, b) = v.split_once('/').unwrap_or((v, v));
        Some((a.to_string(), b.to_string()))
    };
    if let Some(w) = item["value_within"].as_array() {
        let (lo, hi) =
            (w.first().and_then(Value::as_str).unwrap_or(""), w.get(1).and_then(Value::as_str).unwrap_or(""));
        return value.and_then(bounds).is_some_and(|(a, b)| {
            // Compare as days: a month or year value spans its first to last day.
            let a = if a.len() == 4 {
                format!("{a}-01-01")
            } else if a.len() == 7 {
                format!("{a}-01")
            } else {
                a
            };
            let b = if b.len() == 4 {
                format!("{b}-12-31")
            } else if b.len() == 7 {
                format!("{b}-31")
            } else {
                b
            };
            a.as_str() >= lo && b.as_str() <= hi
        });
    }
    match item["value"].as_str() {
        Some(v) => value == Some(v),
        None => unresolved.is_some() && unresolved == item["reason"].as_str(),
    }
}

/// Scores the records produced for the gold's document, section by section.
pub fn score_document(gold: &Gold, text: &str, out: &[Output]) -> Scores {
    let mut sc = Scores { documents: 1, ..Scores::default() };
    let sentence_of = |start: u32, end: u32| text.get(start as usize..end as usize).unwrap_or("");
    let events: Vec<&crate::record::EventRecord> =
        out.iter().filter_map(|o| if let Output::Event(e) = o { Some(e.as_ref()) } else { None }).collect();
    sc.present[0] = !gold.events.is_empty();
    sc.present[1] = !gold.actors.is_empty();
    sc.present[2] = !gold.quotes.is_empty();
    sc.present[3] = !gold.dates.is_empty();
    sc.present[4] = !gold.places.is_empty();
    sc.present[5] = gold.places.iter().any(|p| !strings(&p["location_of"]).is_empty())
        || gold.events.iter().any(|e| e.location.is_some());
    sc.present[6] = !gold.positions.is_empty();

    // Events.
    let produced: Vec<Produced> = events
        .iter()
        .map(|e| Produced {
            sentence: sentence_of(e.text_info.start, e.text_info.end).to_string(),
            source: e.actor.first().map(|a| a.code.clone()).unwrap_or_default(),
            target: e.recipient.first().map(|a| a.code.clone()).unwrap_or_default(),
            cameo: e.cameo.clone(),
            plover: e.event.first().cloned(),
        })
        .collect();
    {
        let sec = &mut sc.sections[0];
        sec.produced = produced.len();
        for g in &gold.events {
            let attrs_ok = |e: &crate::record::EventRecord| {
                let date = match (&g.date, &g.date_within) {
                    (Some(d), _) => e.date.as_deref() == Some(d.as_str()),
                    (None, Some(w)) => e.date.as_deref().is_some_and(|d| {
                        w.first().is_some_and(|lo| d >= lo.as_str())
                            && w.get(1).is_some_and(|hi| d <= hi.as_str())
                    }),
                    (None, None) => true,
                };
                let loc = match &g.location {
                    Some(l) => e.event_loc.as_ref().is_some_and(|p| {
                        let name = l["name"].as_str();
                        (name.is_none()
                            || p["name"].as_str() == name
                            || p["extracted_place"].as_str() == name)
                            && l["country"].as_str().is_none_or(|c| p["country_code"].as_str() == Some(c))
                    }),
                    None => true,
                };
                date && loc
            };
            let matching: Vec<usize> = (0..produced.len()).filter(|&i| g.matches(&produced[i])).collect();
            let hit = matching.iter().any(|&i| attrs_ok(events[i]));
            if g.optional {
                sc.optional_events += usize::from(hit);
                continue;
            }
            sec.hit(hit, || {
                let got: Vec<String> = matching
                    .iter()
                    .map(|&i| {
                        let e = events[i];
                        format!(
                            "date {} ({:?}), location {}",
                            e.date.as_deref().unwrap_or("-"),
                            e.date_source,
                            e.event_loc.as_ref().and_then(|l| l["name"].as_str()).unwrap_or("-")
                        )
                    })
                    .collect();
                let want = format!(
                    "{}{}",
                    g.date.as_ref().map(|d| format!(" date {d}")).unwrap_or_default(),
                    g.location.as_ref().map(|l| format!(" location {}", l["name"])).unwrap_or_default()
                );
                if got.is_empty() {
                    g.describe()
                } else {
                    format!("{} wants{want}; got {}", g.describe(), got.join("; "))
                }
            });
        }
        for p in &produced {
            if !gold.events.iter().any(|g| g.matches(p)) {
                sec.false_positives.push(format!(
                    "{}→{} [{} {}] in \"{}\"",
                    if p.source.is_empty() { "---" } else { &p.source },
                    if p.target.is_empty() { "---" } else { &p.target },
                    p.cameo,
                    p.plover.as_deref().unwrap_or("-"),
                    p.sentence.trim()
                ));
            }
        }
    }

    // Actors: actor records and events' sides.
    {
        let mut seen: Vec<(String, String, u32, u32)> = Vec::new();
        for o in out {
            match o {
                Output::Actor(a) => seen.push((
                    a.entity.entity_text.clone(),
                    a.entity.code.clone(),
                    a.text_info.start,
                    a.text_info.end,
                )),
                Output::Event(e) => {
                    for a in e.actor.iter().chain(&e.recipient) {
                        if !a.entity_text.is_empty() {
                            seen.push((
                                a.entity_text.clone(),
                                a.code.clone(),
                                e.text_info.start,
                                e.text_info.end,
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        let sec = &mut sc.sections[1];
        sec.produced = seen.len();
        let text_match = |g: &Value, t: &str| {
            let gt = g["text"].as_str().unwrap_or("");
            holds_words(t, gt) || holds_words(gt, t)
        };
        for g in &gold.actors {
            let code = g["code"].as_str().unwrap_or("");
            let ev = g["evidence"].as_str();
            let ok = seen.iter().any(|(t, c, a, b)| {
                text_match(g, t)
                    && c.starts_with(code)
                    && ev.is_none_or(|ev| norm(sentence_of(*a, *b)).contains(&norm(ev)))
            });
            sec.hit(ok, || {
                let got: Vec<String> =
                    seen.iter().filter(|s| text_match(g, &s.0)).map(|s| format!("{} {}", s.0, s.1)).collect();
                format!("{} {code}; got {got:?}", g["text"])
            });
        }
        let mut reported: Vec<(String, String)> = Vec::new();
        for (t, c, _, _) in &seen {
            let named: Vec<&Value> =
                gold.actors.iter().filter(|g| norm(g["text"].as_str().unwrap_or("")) == norm(t)).collect();
            if named.is_empty() || named.iter().any(|g| c.starts_with(g["code"].as_str().unwrap_or(""))) {
                continue;
            }
            if !reported.iter().any(|r| r.0 == *t && r.1 == *c) {
                reported.push((t.clone(), c.clone()));
                sec.false_positives.push(format!("{t:?} coded {c}"));
            }
        }
    }

    // Quotes.
    {
        let quotes: Vec<&crate::record::QuoteRecord> = out
            .iter()
            .filter_map(|o| if let Output::Quote(q) = o { Some(q.as_ref()) } else { None })
            .collect();
        let with_indirect = gold.quotes.iter().any(|q| q["kind"].as_str() == Some("indirect"));
        let sec = &mut sc.sections[2];
        let mut used = vec![false; quotes.len()];
        for g in &gold.quotes {
            let want = quote_norm(g["text"].as_str().unwrap_or(""));
            let spk = strings(&g["speaker"]);
            let same: Vec<usize> =
                (0..quotes.len()).filter(|&i| quote_norm(&quotes[i].text) == want).collect();
            for &i in &same {
                used[i] = true;
            }
            let speaker_words = |q: &crate::record::QuoteRecord| {
                q.speaker.as_ref().map(|s| {
                    let mut w = s.text.clone();
                    if let Some(r) = &s.refers_to {
                        w.push(' ');
                        w.push_str(r);
                    }
                    w
                })
            };
            let ok = same.iter().any(|&i| {
                let q = quotes[i];
                match speaker_words(q) {
                    Some(w) => {
                        let pronoun = q.speaker.as_ref().is_some_and(|s| s.pronoun);
                        let w = if pronoun {
                            q.speaker.as_ref().and_then(|s| s.refers_to.clone()).unwrap_or_default()
                        } else {
                            w
                        };
                        speaker_ok(&spk, &w)
                    }
                    None => spk.is_empty(),
                }
            });
            sec.hit(ok, || {
                let got: Vec<String> =
                    same.iter().map(|&i| format!("speaker {:?}", speaker_words(quotes[i]))).collect();
                format!(
                    "{want:?} ({}) by {spk:?}; {}",
                    g["kind"].as_str().unwrap_or("?"),
                    if got.is_empty() { "text not found".into() } else { got.join(", ") }
                )
            });
        }
        for (q, u) in quotes.iter().zip(&used) {
            if q.quote_kind == crate::quotes::QuoteKind::Indirect && !with_indirect {
                continue;
            }
            sec.produced += 1;
            if !u {
                sec.false_positives.push(format!(
                    "{:?} {:?} by {:?}",
                    q.quote_kind,
                    q.text,
                    q.speaker.as_ref().map(|s| &s.text)
                ));
            }
        }
    }

    // Dates.
    {
        let dates: Vec<&crate::record::DateRecord> = out
            .iter()
            .filter_map(|o| if let Output::Date(d) = o { Some(d.as_ref()) } else { None })
            .collect();
        let sec = &mut sc.sections[3];
        sec.produced = dates.len();
        let mut used = vec![false; dates.len()];
        for g in &gold.dates {
            let t = g["text"].as_str().unwrap_or("");
            let spans = locate(text, t, g["evidence"].as_str());
            let over = |d: &crate::record::DateRecord| {
                spans.iter().any(|&(a, b)| (d.start as usize) < b && a < d.end as usize)
            };
            let hit = dates.iter().position(|d| over(d) && date_ok(g, d.value.as_deref(), d.unresolved));
            if let Some(i) = hit {
                used[i] = true;
            }
            sec.hit(hit.is_some(), || {
                let got: Vec<String> = dates
                    .iter()
                    .filter(|d| over(d))
                    .map(|d| format!("{:?} = {}", d.text, d.value.as_deref().or(d.unresolved).unwrap_or("-")))
                    .collect();
                format!(
                    "{t:?} want {} got {got:?}",
                    if g["value"].is_null() {
                        format!("{} {}", g["value_within"], g["reason"])
                    } else {
                        g["value"].to_string()
                    }
                )
            });
        }
        for (d, u) in dates.iter().zip(&used) {
            if !u {
                sec.false_positives.push(format!(
                    "{:?} = {}",
                    d.text,
                    d.value.as_deref().or(d.unresolved).unwrap_or("-")
                ));
            }
        }
    }

    // Places and event locations.
    {
        let places: Vec<&crate::record::PlaceRecord> = out
            .iter()
            .filter_map(|o| if let Output::Place(p) = o { Some(p.as_ref()) } else { None })
            .collect();
        let mut claimed = vec![false; places.len()];
        let (left, right) = sc.sections.split_at_mut(5);
        let sec = &mut left[4];
        let locs = &mut right[0];
        sec.produced = places.len();
        locs.produced = events.iter().filter(|e| e.event_loc.is_some()).count();
        for g in &gold.places {
            let t = g["text"].as_str().unwrap_or("");
            let spans = locate(text, t, g["evidence"].as_str());
            let at: Vec<usize> = (0..places.len())
                .filter(|&i| {
                    spans.iter().any(|&(a, b)| {
                        places[i].location.start as usize == a && places[i].location.end as usize == b
                    })
                })
                .collect();
            let usage = g["use"].as_str().unwrap_or("place");
            if usage == "place" || usage == "both" {
                for &i in &at {
                    claimed[i] = true;
                }
                let ok = at.iter().any(|&i| {
                    let l = &places[i].location;
                    g["country"].as_str().is_none_or(|c| l.country_code == c)
                        && g["kind"].as_str().is_none_or(|k| l.kind == k)
                        && g["geonameid"].as_u64().is_none_or(|id| l.geonameid == Some(id as u32))
                });
                sec.hit(ok, || {
                    let got: Vec<String> = at
                        .iter()
                        .map(|&i| {
                            format!(
                                "{} {} {}",
                                places[i].name, places[i].location.country_code, places[i].location.kind
                            )
                        })
                        .collect();
                    format!("{t:?} {} {} ; got {got:?}", g["country"], g["kind"])
                });
            } else {
                sec.hit(at.is_empty(), || {
                    format!(
                        "{t:?} is a{} {usage}, taken for a place",
                        if usage == "actor" { "n" } else { "" }
                    )
                });
            }
            for ev in strings(&g["location_of"]) {
                let evs = occurrences(text, &ev);
                let hit = events.iter().find(|e| {
                    e.provenance
                        .trigger
                        .iter()
                        .any(|&[a, _]| evs.iter().any(|&(x, y)| x <= a as usize && (a as usize) < y))
                });
                let ok = hit.is_some_and(|e| {
                    e.event_loc.as_ref().is_some_and(|l| {
                        l["start"].as_u64().is_some_and(|s| spans.iter().any(|&(a, _)| a as u64 == s))
                            && g["country"].as_str().is_none_or(|c| l["country_code"].as_str() == Some(c))
                    })
                });
                locs.hit(ok, || {
                    format!(
                        "{ev:?} at {t:?}; got {}",
                        match hit {
                            None => "no event there".to_string(),
                            Some(e) => format!(
                                "{} ({})",
                                e.event_loc.as_ref().and_then(|l| l["name"].as_str()).unwrap_or("none"),
                                e.provenance.location.as_deref().unwrap_or("")
                            ),
                        }
                    )
                });
            }
        }
        for g in gold.events.iter().filter(|g| g.location.is_some() && !g.optional) {
            let l = g.location.as_ref().map(|l| l["name"].as_str().unwrap_or("")).unwrap_or("");
            let ok = events.iter().zip(&produced).any(|(e, p)| {
                g.matches(p)
                    && e.event_loc.as_ref().is_some_and(|x| {
                        x["name"].as_str() == Some(l) || x["extracted_place"].as_str() == Some(l)
                    })
            });
            locs.hit(ok, || format!("{} at {l}", g.id));
        }
        for (p, c) in places.iter().zip(&claimed) {
            if !c {
                sec.false_positives.push(format!(
                    "{:?} -> {} {} {}",
                    p.location.extracted_place, p.name, p.location.country_code, p.location.kind
                ));
            }
        }
    }

    // Positions.
    {
        let got: Vec<&crate::record::PositionRecord> = out
            .iter()
            .filter_map(|o| if let Output::Position(p) = o { Some(p.as_ref()) } else { None })
            .collect();
        let sec = &mut sc.sections[6];
        sec.produced = got.len();
        let same = |p: &crate::record::PositionRecord, g: &Value| {
            p.position.issue.eq_ignore_ascii_case(g["issue"].as_str().unwrap_or(""))
                && p.position.actor.code.starts_with(g["actor"].as_str().unwrap_or(""))
        };
        for g in &gold.positions {
            let stances = strings(&g["stance"]);
            let ok =
                got.iter().any(|p| same(p, g) && stances.iter().any(|s| s == p.position.stance.as_str()));
            sec.hit(ok, || {
                let near: Vec<String> = got
                    .iter()
                    .map(|p| {
                        format!(
                            "{} {} {}",
                            p.position.actor.code,
                            p.position.issue,
                            p.position.stance.as_str()
                        )
                    })
                    .collect();
                format!("{} {} {stances:?}; derived {near:?}", g["actor"], g["issue"])
            });
        }
        for p in &got {
            let agrees = gold
                .positions
                .iter()
                .any(|g| same(p, g) && strings(&g["stance"]).iter().any(|s| s == p.position.stance.as_str()));
            if !agrees {
                sec.false_positives.push(format!(
                    "{} {} {}",
                    p.position.actor.code,
                    p.position.issue,
                    p.position.stance.as_str()
                ));
            }
        }
    }
    sc
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
