//! The event ontology: every CAMEO event code with its name, Goldstein score and
//! quad class, and its PLOVER (draft 2.0) event type, mode(s), context(s) and score.
//!
//! The table is `dictionaries/events.tsv`, generated from `../shared/data/{cameo,plover}`
//! by `cargo run -p dyad-dict --example build_tables` and embedded in the crate. The
//! decisions taken when updating the 2021 CAMEO→PLOVER mapping to the current manual are
//! listed in that file's header.
//!
//! ```
//! use dyad_dict::ontology::{Ontology, PloverType, Quad};
//!
//! let onto = Ontology::embedded().unwrap();
//! let visit = onto.lookup("042").unwrap();
//! assert_eq!(visit.name, "Make a visit");
//! assert_eq!(visit.plover, Some(PloverType::Consult));
//! assert_eq!(visit.modes, ["visit"]);
//! // An unknown four-digit code falls back to its longest known prefix, and says so.
//! let found = onto.lookup("0459").unwrap();
//! assert!(!found.exact);
//! assert_eq!(found.code, "045");
//! assert_eq!(found.cameo_quad, Quad::VerbalCooperation);
//! ```

use std::fmt;
use std::ops::Deref;

/// The committed table, embedded at compile time.
pub const EVENTS_TSV: &str = include_str!("../../../dictionaries/events.tsv");

/// The file name used in error messages for the embedded table.
pub const EVENTS_TSV_NAME: &str = "dictionaries/events.tsv";

/// The columns of `events.tsv`, in order (its first non-comment line).
pub const COLUMNS: [&str; 9] = [
    "code",
    "cameo_name",
    "goldstein",
    "cameo_quad",
    "plover_type",
    "plover_mode",
    "plover_context",
    "plover_score",
    "note",
];

/// Errors from reading the event table or from a malformed CAMEO code.
///
/// (Module-local until the dict crate's shared error type lands.)
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A line of the table is malformed; `column` is the 1-based byte column where the
    /// bad field starts.
    #[error("{file}:{line}:{column}: {message}")]
    Table { file: String, line: usize, column: usize, message: String },
    /// A CAMEO code is not 2–4 ASCII digits with a root between 01 and 20.
    #[error("invalid CAMEO code {code:?}: {why}")]
    Code { code: String, why: &'static str },
}

/// The four quad classes: verbal/material cooperation/conflict, numbered 1–4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Quad {
    VerbalCooperation = 1,
    MaterialCooperation = 2,
    VerbalConflict = 3,
    MaterialConflict = 4,
}

impl Quad {
    /// The quad number, 1–4 (PLOVER's `quad_code`, GDELT's `QuadClass`).
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The quad with number `n` (1–4).
    pub fn from_number(n: u8) -> Option<Quad> {
        match n {
            1 => Some(Quad::VerbalCooperation),
            2 => Some(Quad::MaterialCooperation),
            3 => Some(Quad::VerbalConflict),
            4 => Some(Quad::MaterialConflict),
            _ => None,
        }
    }

    /// CAMEO's quad class of a root (two-digit) code: 01–05 verbal cooperation, 06–09
    /// material cooperation, 10–14 verbal conflict, 15–20 material conflict.
    pub fn of_cameo_root(root: u8) -> Option<Quad> {
        match root {
            1..=5 => Some(Quad::VerbalCooperation),
            6..=9 => Some(Quad::MaterialCooperation),
            10..=14 => Some(Quad::VerbalConflict),
            15..=20 => Some(Quad::MaterialConflict),
            _ => None,
        }
    }

    /// "verbal cooperation", ...
    pub fn name(self) -> &'static str {
        match self {
            Quad::VerbalCooperation => "verbal cooperation",
            Quad::MaterialCooperation => "material cooperation",
            Quad::VerbalConflict => "verbal conflict",
            Quad::MaterialConflict => "material conflict",
        }
    }
}

/// The 16 PLOVER event types of the current manual (draft 2.0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PloverType {
    Agree,
    Consult,
    Support,
    Concede,
    Cooperate,
    Aid,
    Retreat,
    Request,
    Accuse,
    Reject,
    Threaten,
    Protest,
    Sanction,
    Mobilize,
    Coerce,
    Assault,
}

/// What the manual says about one event type.
struct TypeInfo {
    name: &'static str,
    quad: Quad,
    requires_recipient: bool,
    score: f32,
    /// The type's modes in the manual's order, with the mode's PLOVER score when the
    /// manual's score table lists one.
    modes: &'static [(&'static str, Option<f32>)],
}

const TYPES: [TypeInfo; 16] = [
    TypeInfo {
        name: "AGREE",
        quad: Quad::VerbalCooperation,
        requires_recipient: false,
        score: 2.5,
        modes: &[],
    },
    TypeInfo {
        name: "CONSULT",
        quad: Quad::VerbalCooperation,
        requires_recipient: false,
        score: 2.5,
        modes: &[
            ("visit", Some(4.0)),
            ("third-party", Some(1.0)),
            ("multilateral", Some(4.0)),
            ("phone", Some(1.5)),
        ],
    },
    TypeInfo {
        name: "SUPPORT",
        quad: Quad::VerbalCooperation,
        requires_recipient: false,
        score: 5.0,
        modes: &[],
    },
    TypeInfo {
        name: "CONCEDE",
        quad: Quad::VerbalCooperation,
        requires_recipient: false,
        score: 4.5,
        modes: &[],
    },
    TypeInfo {
        name: "COOPERATE",
        quad: Quad::MaterialCooperation,
        requires_recipient: true,
        score: 9.5,
        modes: &[],
    },
    TypeInfo {
        name: "AID",
        quad: Quad::MaterialCooperation,
        requires_recipient: true,
        score: 10.0,
        modes: &[],
    },
    TypeInfo {
        name: "RETREAT",
        quad: Quad::MaterialCooperation,
        requires_recipient: false,
        score: 6.5,
        modes: &[
            ("withdraw", Some(8.0)),
            ("release", Some(6.5)),
            ("disarm", Some(10.0)),
            ("ceasefire", Some(7.5)),
            ("access", Some(6.5)),
            ("resign", Some(4.5)),
        ],
    },
    TypeInfo {
        name: "REQUEST",
        quad: Quad::VerbalConflict,
        requires_recipient: false,
        score: 0.0,
        modes: &[("assist", Some(0.5)), ("change", Some(-1.0)), ("yield", Some(-1.0)), ("meet", Some(0.0))],
    },
    TypeInfo {
        name: "ACCUSE",
        quad: Quad::VerbalConflict,
        requires_recipient: false,
        // The manual's score table prints +3 for ACCUSE between modes scored -2 to -3.5;
        // we read it as a dropped minus sign (see the header of events.tsv).
        score: -3.0,
        modes: &[("disapprove", Some(-2.0)), ("investigate", Some(-3.5)), ("allege", Some(-3.5))],
    },
    TypeInfo {
        name: "REJECT",
        quad: Quad::VerbalConflict,
        requires_recipient: false,
        score: -2.0,
        modes: &[("assist", Some(-1.5)), ("change", Some(-2.0)), ("yield", Some(-2.0)), ("meet", Some(-2.0))],
    },
    TypeInfo {
        name: "THREATEN",
        quad: Quad::VerbalConflict,
        requires_recipient: false,
        score: -3.5,
        modes: &[
            ("restrict", Some(-3.0)),
            ("arrest", Some(-3.5)),
            ("relations", Some(-3.5)),
            ("expel", Some(-3.5)),
            ("territory", Some(-4.0)),
            ("violence", Some(-3.5)),
        ],
    },
    TypeInfo {
        name: "PROTEST",
        quad: Quad::MaterialConflict,
        requires_recipient: false,
        score: -5.0,
        modes: &[
            ("demo", Some(-5.0)),
            ("riot", Some(-7.0)),
            ("strike", Some(-5.0)),
            ("hunger", Some(-4.5)),
            ("boycott", Some(-4.5)),
            ("obstruct", Some(-4.5)),
            ("vandalize", None),
        ],
    },
    TypeInfo {
        name: "SANCTION",
        quad: Quad::MaterialConflict,
        requires_recipient: true,
        score: -6.0,
        modes: &[
            ("convict", Some(-6.0)),
            ("expel", Some(-5.5)),
            ("withdraw", Some(-6.0)),
            ("discontinue", Some(-6.0)),
        ],
    },
    TypeInfo {
        name: "MOBILIZE",
        quad: Quad::MaterialConflict,
        requires_recipient: false,
        score: -5.5,
        modes: &[
            ("troops", Some(-6.5)),
            ("weapons", Some(-6.5)),
            ("police", Some(-5.5)),
            ("militia", Some(-6.0)),
        ],
    },
    TypeInfo {
        name: "COERCE",
        quad: Quad::MaterialConflict,
        requires_recipient: false,
        score: -7.0,
        modes: &[
            ("seize", Some(-7.0)),
            ("restrict", Some(-7.0)),
            ("censor", Some(-6.5)),
            ("curfew", Some(-6.5)),
            ("martial-law", Some(-7.5)),
            ("arrest", Some(-7.0)),
            ("deport", Some(-7.0)),
            ("withhold", Some(-7.0)),
            ("misinformation", Some(-6.5)),
            ("cyber", Some(-7.0)),
        ],
    },
    TypeInfo {
        name: "ASSAULT",
        quad: Quad::MaterialConflict,
        requires_recipient: false,
        score: -9.0,
        modes: &[
            ("abduct", Some(-8.5)),
            ("beat", Some(-7.5)),
            ("torture", Some(-8.5)),
            ("sexual", Some(-8.5)),
            ("targeted", Some(-9.5)),
            ("destroy", Some(-8.5)),
            ("primitive", Some(-8.0)),
            ("firearms", Some(-9.0)),
            ("explosives", Some(-9.0)),
            ("suicide-attack", Some(-9.5)),
            ("aerial", Some(-9.5)),
            ("drone", Some(-9.5)),
            ("heavy-weapons", Some(-9.5)),
            ("crowd-control", Some(-7.5)),
            ("unconventional", Some(-10.0)),
        ],
    },
];

/// The general contexts of the current manual, in its order. Any context may go with
/// any event type; an event may carry several.
pub const CONTEXTS: [&str; 37] = [
    "military",
    "intelligence",
    "executive",
    "legislative",
    "election",
    "political_institutions",
    "pro_democracy",
    "pro_autocracy",
    "economic",
    "legal",
    "reparations",
    "human_rights",
    "rights_freedoms",
    "repression",
    "human_security",
    "gender",
    "lgbt",
    "religion_ethnicity",
    "inequality",
    "diplomatic",
    "territory",
    "peacekeeping",
    "health",
    "asylum",
    "migration",
    "disasters",
    "natural_resource",
    "environment",
    "technology",
    "terrorism",
    "cbrn",
    "cyber",
    "misinformation",
    "crime",
    "corruption",
    "illegal_drugs",
    "trafficking",
];

/// The manual's auxiliary modes (historical, future, hypothetical, negation), which a
/// coder reports alongside the event rather than as an event mode.
pub const AUXILIARY_MODES: [&str; 4] = ["historical", "future", "hypothetical", "negation"];

/// The canonical spelling of context `name`, if the manual defines it.
pub fn context(name: &str) -> Option<&'static str> {
    CONTEXTS.iter().copied().find(|c| *c == name)
}

impl PloverType {
    /// All 16 types in the manual's order.
    pub const ALL: [PloverType; 16] = [
        PloverType::Agree,
        PloverType::Consult,
        PloverType::Support,
        PloverType::Concede,
        PloverType::Cooperate,
        PloverType::Aid,
        PloverType::Retreat,
        PloverType::Request,
        PloverType::Accuse,
        PloverType::Reject,
        PloverType::Threaten,
        PloverType::Protest,
        PloverType::Sanction,
        PloverType::Mobilize,
        PloverType::Coerce,
        PloverType::Assault,
    ];

    fn info(self) -> &'static TypeInfo {
        &TYPES[self as usize]
    }

    /// The upper-case name used in PLOVER records ("AGREE", ...).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The type named `name` (upper case, as in the manual).
    pub fn from_name(name: &str) -> Option<PloverType> {
        PloverType::ALL.iter().copied().find(|t| t.name() == name)
    }

    /// The type's quad category per its section in the manual.
    pub fn quad(self) -> Quad {
        self.info().quad
    }

    /// Whether the manual says events of this type require a recipient.
    pub fn requires_recipient(self) -> bool {
        self.info().requires_recipient
    }

    /// The type's modes, in the manual's order (empty for types without modes).
    pub fn modes(self) -> impl ExactSizeIterator<Item = &'static str> {
        self.info().modes.iter().map(|(m, _)| *m)
    }

    /// The canonical spelling of `mode` if it is one of this type's modes.
    pub fn mode(self, mode: &str) -> Option<&'static str> {
        self.info().modes.iter().map(|(m, _)| *m).find(|m| *m == mode)
    }

    /// The PLOVER conflict–cooperation score (−10 … +10) of the type with `mode`: the
    /// mode's score when the manual lists one, else the type's.
    pub fn score(self, mode: Option<&str>) -> f32 {
        let info = self.info();
        mode.and_then(|m| info.modes.iter().find(|(name, _)| *name == m))
            .and_then(|(_, s)| *s)
            .unwrap_or(info.score)
    }
}

impl fmt::Display for PloverType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One row of the table: a CAMEO code and everything known about it.
#[derive(Clone, Debug, PartialEq)]
pub struct EventType {
    /// The CAMEO code, 2–4 digits ("042").
    pub code: String,
    /// CAMEO's name for it ("Make a visit").
    pub name: String,
    /// Goldstein conflict–cooperation score (−10 … +10).
    pub goldstein: f32,
    /// CAMEO quad class, from the code's root.
    pub cameo_quad: Quad,
    /// The PLOVER type, or `None` where PLOVER has no counterpart (most of CAMEO 01).
    pub plover: Option<PloverType>,
    /// PLOVER mode(s), canonical spellings from the manual; usually zero or one.
    pub modes: Vec<&'static str>,
    /// PLOVER context(s), canonical spellings from the manual.
    pub contexts: Vec<&'static str>,
    /// PLOVER score of type + first mode (`None` without a type).
    pub plover_score: Option<f32>,
    /// Why the row is as it is, where a decision was needed; else empty.
    pub note: String,
}

impl EventType {
    /// The PLOVER quad category (from the type), if there is a type.
    pub fn plover_quad(&self) -> Option<Quad> {
        self.plover.map(PloverType::quad)
    }
}

/// A lookup result: the row found, and whether it is the code asked for (`exact`) or
/// the longest known prefix of it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Found<'a> {
    pub entry: &'a EventType,
    pub exact: bool,
}

impl Deref for Found<'_> {
    type Target = EventType;
    fn deref(&self) -> &EventType {
        self.entry
    }
}

/// Slots in the dense code index: 100 two-digit, 1000 three-digit, 10000 four-digit.
const INDEX_SLOTS: usize = 100 + 1000 + 10000;

/// A validated code as (digit count, numeric value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CodeKey {
    len: u8,
    value: u16,
}

impl CodeKey {
    fn slot(self) -> usize {
        let base = match self.len {
            2 => 0,
            3 => 100,
            _ => 1100,
        };
        base + self.value as usize
    }

    /// The key of the code without its last digit.
    fn parent(self) -> Option<CodeKey> {
        (self.len > 2).then(|| CodeKey { len: self.len - 1, value: self.value / 10 })
    }

    fn root(self) -> u8 {
        let div = match self.len {
            2 => 1,
            3 => 10,
            _ => 100,
        };
        (self.value / div) as u8
    }
}

fn parse_code(code: &str) -> Result<CodeKey, Error> {
    let bad = |why| Error::Code { code: code.to_string(), why };
    let bytes = code.as_bytes();
    if !(2..=4).contains(&bytes.len()) {
        return Err(bad("expected 2 to 4 digits"));
    }
    let mut value: u16 = 0;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return Err(bad("expected only the digits 0-9"));
        }
        value = value * 10 + u16::from(b - b'0');
    }
    let key = CodeKey { len: bytes.len() as u8, value };
    if !(1..=20).contains(&key.root()) {
        return Err(bad("the first two digits must be 01 to 20"));
    }
    Ok(key)
}

/// Checks that `code` is a well-formed CAMEO code: 2–4 ASCII digits whose first two
/// are 01–20. It need not be in the table.
pub fn check_code(code: &str) -> Result<(), Error> {
    parse_code(code).map(|_| ())
}

/// The parsed table, with a dense index from code to row.
#[derive(Clone, Debug)]
pub struct Ontology {
    entries: Vec<EventType>,
    /// Row number + 1 per code slot; 0 for codes not in the table.
    index: Vec<u16>,
}

impl Ontology {
    /// Parses the table embedded in the crate.
    ///
    /// # Errors
    /// Only if the committed table is malformed (a test guards against this).
    pub fn embedded() -> Result<Ontology, Error> {
        Ontology::parse(EVENTS_TSV, EVENTS_TSV_NAME)
    }

    /// Parses a table in the `events.tsv` format; `file` names it in error messages.
    ///
    /// # Errors
    /// [`Error::Table`] with the line and column of the first malformed line: a wrong
    /// header, a wrong number of fields, a bad or duplicate code, a number out of range,
    /// a quad that disagrees with the code, or a PLOVER type, mode, context or score the
    /// manual does not have.
    pub fn parse(text: &str, file: &str) -> Result<Ontology, Error> {
        let mut entries: Vec<EventType> = Vec::new();
        let mut index = vec![0u16; INDEX_SLOTS];
        let mut header_seen = false;
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |column: usize, message: String| Error::Table {
                file: file.to_string(),
                line: line_no,
                column,
                message,
            };
            if !header_seen {
                let got: Vec<&str> = line.split('\t').collect();
                if got != COLUMNS {
                    return Err(err(
                        1,
                        format!("expected the header row {:?}, found {:?}", COLUMNS.join("\t"), line),
                    ));
                }
                header_seen = true;
                continue;
            }
            let row = parse_row(line).map_err(|(column, message)| err(column, message))?;
            let (entry, key) = row;
            let slot = index.get_mut(key.slot()).ok_or_else(|| err(1, "code out of range".to_string()))?;
            if *slot != 0 {
                return Err(err(1, format!("duplicate code {}", entry.code)));
            }
            if entries.len() >= u16::MAX as usize - 1 {
                return Err(err(1, "too many rows".to_string()));
            }
            entries.push(entry);
            *slot = entries.len() as u16;
        }
        if !header_seen {
            return Err(Error::Table {
                file: file.to_string(),
                line: text.lines().count().max(1),
                column: 1,
                message: "no header row: the table is empty".to_string(),
            });
        }
        Ok(Ontology { entries, index })
    }

    /// All rows, in file order (which is code order for the committed table).
    pub fn entries(&self) -> &[EventType] {
        &self.entries
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn at(&self, key: CodeKey) -> Option<&EventType> {
        let n = *self.index.get(key.slot())?;
        self.entries.get(usize::from(n).checked_sub(1)?)
    }

    /// The row for exactly `code`, if there is one (malformed codes give `None`).
    pub fn get(&self, code: &str) -> Option<&EventType> {
        self.at(parse_code(code).ok()?)
    }

    /// The row for `code`, or else for its longest known prefix ("0311" → "031" → "03")
    /// with `exact: false`. `None` if `code` is malformed (see [`check_code`]) or no
    /// prefix of it is known.
    pub fn lookup(&self, code: &str) -> Option<Found<'_>> {
        let mut key = parse_code(code).ok()?;
        let mut exact = true;
        loop {
            if let Some(entry) = self.at(key) {
                return Some(Found { entry, exact });
            }
            key = key.parent()?;
            exact = false;
        }
    }
}

/// Splits `line` into fields, each with its 1-based byte column.
fn fields(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::with_capacity(COLUMNS.len());
    let mut start = 0;
    for f in line.split('\t') {
        out.push((start + 1, f));
        start += f.len() + 1;
    }
    out
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').map(str::trim).filter(|x| !x.is_empty())
}

/// Parses one data row, or gives (column, message).
fn parse_row(line: &str) -> Result<(EventType, CodeKey), (usize, String)> {
    let f = fields(line);
    if f.len() != COLUMNS.len() {
        return Err((1, format!("expected {} tab-separated fields, found {}", COLUMNS.len(), f.len())));
    }
    let field = |i: usize| f.get(i).copied().unwrap_or((1, ""));
    let (c_code, code) = field(0);
    let key = parse_code(code).map_err(|e| (c_code, e.to_string()))?;
    let (c_name, name) = field(1);
    if name.trim().is_empty() {
        return Err((c_name, "empty CAMEO name".to_string()));
    }
    let (c_gold, gold) = field(2);
    let goldstein: f32 =
        gold.parse().map_err(|_| (c_gold, format!("Goldstein score {gold:?} is not a number")))?;
    if !(-10.0..=10.0).contains(&goldstein) {
        return Err((c_gold, format!("Goldstein score {goldstein} is outside -10..10")));
    }
    let (c_quad, quad) = field(3);
    let cameo_quad = quad
        .parse::<u8>()
        .ok()
        .and_then(Quad::from_number)
        .ok_or_else(|| (c_quad, format!("CAMEO quad {quad:?} is not 1-4")))?;
    if Quad::of_cameo_root(key.root()) != Some(cameo_quad) {
        return Err((
            c_quad,
            format!("CAMEO quad {quad} disagrees with code {code} (root {:02})", key.root()),
        ));
    }
    let (c_type, ty) = field(4);
    let plover = if ty.is_empty() {
        None
    } else {
        Some(PloverType::from_name(ty).ok_or_else(|| (c_type, format!("unknown PLOVER type {ty:?}")))?)
    };
    let (c_mode, mode) = field(5);
    let mut modes = Vec::new();
    for m in split_list(mode) {
        let t = plover.ok_or_else(|| (c_mode, format!("mode {m:?} without a PLOVER type")))?;
        modes.push(t.mode(m).ok_or_else(|| (c_mode, format!("{m:?} is not a mode of {t}")))?);
    }
    let (c_ctx, ctx) = field(6);
    let mut contexts = Vec::new();
    for c in split_list(ctx) {
        contexts.push(context(c).ok_or_else(|| (c_ctx, format!("{c:?} is not a PLOVER context")))?);
    }
    let (c_score, score) = field(7);
    let plover_score = match (plover, score.is_empty()) {
        (None, true) => None,
        (None, false) => return Err((c_score, "PLOVER score without a PLOVER type".to_string())),
        (Some(_), true) => return Err((c_score, "missing PLOVER score".to_string())),
        (Some(t), false) => {
            let s: f32 =
                score.parse().map_err(|_| (c_score, format!("PLOVER score {score:?} is not a number")))?;
            let want = t.score(modes.first().copied());
            if (s - want).abs() > 1e-4 {
                return Err((
                    c_score,
                    format!("PLOVER score {s} disagrees with the manual's {want} for {t}"),
                ));
            }
            Some(s)
        }
    };
    let (_, note) = field(8);
    let entry = EventType {
        code: code.to_string(),
        name: name.to_string(),
        goldstein,
        cameo_quad,
        plover,
        modes,
        contexts,
        plover_score,
        note: note.to_string(),
    };
    Ok((entry, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn onto() -> Ontology {
        match Ontology::embedded() {
            Ok(o) => o,
            Err(e) => panic!("embedded table does not parse: {e}"),
        }
    }

    #[test]
    fn every_row_parses_and_covers_cameo() {
        let o = onto();
        // CAMEO.eventcodes.txt has 311 codes; every one has a row.
        assert_eq!(o.len(), 311);
        for root in 1..=20 {
            assert!(o.get(&format!("{root:02}")).is_some(), "root {root:02} missing");
        }
        for e in o.entries() {
            assert_eq!(o.get(&e.code), Some(e));
            assert!(e.plover.is_some() || !e.note.is_empty(), "{} has no type and no note", e.code);
        }
    }

    #[test]
    fn known_values() {
        let o = onto();
        let visit = o.get("042").unwrap();
        assert_eq!(visit.name, "Make a visit");
        assert_eq!(visit.goldstein, 1.9);
        assert_eq!(visit.cameo_quad, Quad::VerbalCooperation);
        assert_eq!(visit.plover, Some(PloverType::Consult));
        assert_eq!(visit.plover_score, Some(4.0));

        let force = o.get("190").unwrap();
        assert_eq!(force.plover, Some(PloverType::Assault));
        assert_eq!(force.cameo_quad, Quad::MaterialConflict);
        assert_eq!(force.goldstein, -10.0);
        assert_eq!(force.contexts, ["military"]);

        let meet = o.get("036").unwrap();
        assert_eq!(meet.name, "Express intent to meet or negotiate");
        assert_eq!(meet.plover, Some(PloverType::Agree));
        assert_eq!(meet.contexts, ["diplomatic"]);

        // Decisions against the 2021 mapping, per the current manual.
        assert_eq!(o.get("1712").unwrap().modes, ["destroy"]);
        assert_eq!(o.get("186").unwrap().modes, ["targeted"]);
        assert_eq!(o.get("195").unwrap().modes, ["aerial"]);
        assert_eq!(o.get("0811").unwrap().contexts, ["pro_democracy"]);
        assert_eq!(o.get("073").unwrap().contexts, ["human_security"]);
        assert_eq!(o.get("116").unwrap().plover, Some(PloverType::Sanction));
        assert_eq!(o.get("0813").unwrap().plover, Some(PloverType::Concede));
        assert_eq!(o.get("08").unwrap().plover, Some(PloverType::Concede));
        assert_eq!(o.get("0841").unwrap().plover, Some(PloverType::Retreat));
        // CAMEO 01 has no PLOVER counterpart; 02 (appeals) are requests.
        assert_eq!(o.get("010").unwrap().plover, None);
        assert_eq!(o.get("0233").unwrap().plover, Some(PloverType::Request));
        // The mis-encoded name in the source is repaired.
        assert_eq!(o.get("044").unwrap().name, "Meet at a 'third' location");
    }

    #[test]
    fn every_mode_and_context_is_the_manuals() {
        let o = onto();
        for e in o.entries() {
            for m in &e.modes {
                assert!(e.plover.unwrap().mode(m).is_some());
            }
            for c in &e.contexts {
                assert!(CONTEXTS.contains(c));
            }
        }
    }

    #[test]
    fn prefix_fallback() {
        let o = onto();
        let f = o.lookup("0311").unwrap();
        assert!(f.exact);
        assert_eq!(f.code, "0311");
        // 0459 and 1213 are not CAMEO codes: fall back to 045 and 121.
        let f = o.lookup("0459").unwrap();
        assert!(!f.exact);
        assert_eq!(f.code, "045");
        let f = o.lookup("1213").unwrap();
        assert!(!f.exact);
        assert_eq!(f.code, "121");
        assert_eq!(f.plover, Some(PloverType::Reject));
        assert!(o.lookup("190").unwrap().exact);
    }

    #[test]
    fn code_validation() {
        assert!(check_code("042").is_ok());
        assert!(check_code("20").is_ok());
        assert!(check_code("2042").is_ok());
        for bad in ["", "4", "00", "21", "99", "04a", "12345", " 04", "-04", "０４"] {
            assert!(check_code(bad).is_err(), "{bad:?} accepted");
        }
        let o = onto();
        assert!(o.lookup("21").is_none());
        assert!(o.lookup("x").is_none());
        assert!(o.get("0311x").is_none());
        let msg = check_code("21").unwrap_err().to_string();
        assert!(msg.contains("\"21\""), "{msg}");
    }

    #[test]
    fn plover_vocabulary() {
        assert_eq!(PloverType::ALL.len(), 16);
        assert_eq!(PloverType::from_name("ASSAULT"), Some(PloverType::Assault));
        assert_eq!(PloverType::from_name("FIGHT"), None);
        assert_eq!(PloverType::Sanction.quad(), Quad::MaterialConflict);
        assert_eq!(PloverType::Accuse.quad(), Quad::VerbalConflict);
        assert_eq!(PloverType::Consult.score(Some("visit")), 4.0);
        assert_eq!(PloverType::Consult.score(None), 2.5);
        assert_eq!(PloverType::Protest.score(Some("vandalize")), -5.0);
        assert!(PloverType::Aid.requires_recipient());
        assert_eq!(PloverType::Assault.modes().len(), 15);
        assert_eq!(context("cbrn"), Some("cbrn"));
        assert_eq!(context("democracy"), None);
    }

    const HEADER: &str =
        "code\tcameo_name\tgoldstein\tcameo_quad\tplover_type\tplover_mode\tplover_context\tplover_score\tnote\n";

    fn parse_err(body: &str) -> (usize, usize, String) {
        match Ontology::parse(&format!("# comment\n{HEADER}{body}"), "t.tsv") {
            Err(Error::Table { line, column, message, .. }) => (line, column, message),
            other => panic!("expected a table error, got {other:?}"),
        }
    }

    #[test]
    fn malformed_lines_report_line_and_column() {
        let good = "04\tCONSULT\t1.0\t1\tCONSULT\t\t\t2.5\t\n";
        assert!(Ontology::parse(&format!("{HEADER}{good}"), "t.tsv").is_ok());
        let (line, col, msg) =
            parse_err(&format!("{good}042\tMake a visit\tlots\t1\tCONSULT\tvisit\t\t4\t\n"));
        assert_eq!((line, col), (4, 18));
        assert!(msg.contains("not a number"), "{msg}");
        let (line, _, msg) = parse_err("042\tMake a visit\t1.9\t1\n");
        assert_eq!(line, 3);
        assert!(msg.contains("9 tab-separated fields"), "{msg}");
        let (_, _, msg) = parse_err("042\tMake a visit\t1.9\t3\tCONSULT\tvisit\t\t4\t\n");
        assert!(msg.contains("disagrees"), "{msg}");
        let (_, _, msg) = parse_err("042\tMake a visit\t1.9\t1\tCONSULT\tease\t\t4\t\n");
        assert!(msg.contains("not a mode of CONSULT"), "{msg}");
        let (_, _, msg) = parse_err("042\tMake a visit\t1.9\t1\tCONSULT\tvisit\tdemocracy\t4\t\n");
        assert!(msg.contains("not a PLOVER context"), "{msg}");
        let (_, _, msg) = parse_err("042\tMake a visit\t1.9\t1\tCONSULT\tvisit\t\t2\t\n");
        assert!(msg.contains("disagrees with the manual"), "{msg}");
        let (line, _, msg) = parse_err(&format!("{good}{good}"));
        assert_eq!(line, 4);
        assert!(msg.contains("duplicate"), "{msg}");
        let (_, _, msg) = parse_err("4a\tX\t1\t1\t\t\t\t\tn\n");
        assert!(msg.contains("invalid CAMEO code"), "{msg}");
        match Ontology::parse("code\tname\n", "t.tsv") {
            Err(Error::Table { line: 1, message, .. }) => assert!(message.contains("header")),
            other => panic!("{other:?}"),
        }
        assert!(Ontology::parse("# only comments\n", "t.tsv").is_err());
    }
}
