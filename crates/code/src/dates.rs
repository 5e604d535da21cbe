//! Time expressions: finding them in a sentence and placing them on the
//! calendar relative to the document's date.
//!
//! Finding ([`DateFinder::find`]) and resolving ([`resolve`]) are separate
//! steps because resolution needs the tense of the clause the expression
//! sits in ("on Thursday" is last Thursday in "met on Thursday" and next
//! Thursday in "will meet on Thursday"), which the caller knows best: the
//! coder takes it from the tagger ([`tense_from_tags`]); without tags,
//! [`DateFinder::guess_tense`] reads it off the words.
//!
//! ```
//! use dyad_code::dates::{resolve, DateFinder, Tense};
//! use dyad_text::{Date, Span};
//!
//! let text = "Witkoff met Putin on Thursday and will return next week.";
//! let doc_date = Date::new(2025, 3, 14); // a Friday
//! let mut finder = DateFinder::new();
//! let mut found = Vec::new();
//! finder.find(text, Span::new(0, text.len()), &mut found);
//! assert_eq!(found[0].span.of(text), "on Thursday");
//! assert_eq!(resolve(&found[0], doc_date, Tense::Past).iso().as_deref(), Some("2025-03-13"));
//! assert_eq!(resolve(&found[0], doc_date, Tense::Future).iso().as_deref(), Some("2025-03-20"));
//! assert_eq!(resolve(&found[1], doc_date, Tense::Future).iso().as_deref(), Some("2025-03-17/2025-03-23"));
//! // Without a document date relative expressions stay unresolved.
//! assert_eq!(resolve(&found[0], None, Tense::Past).to_string(), "unresolved: no document date");
//! ```
//!
//! # Using it in the coder
//!
//! Keep one [`DateFinder`] per worker. For each sentence, `find` its time
//! expressions; for those whose [`TimeMention::needs_tense`], take the tense
//! of the clause holding the expression from the tagger
//! ([`tense_from_tags`] over that clause's words and XPOS tags), and
//! [`resolve`] with the document's date (`None` when the input gave none:
//! relative expressions then stay unresolved, never today's date). Attach
//! the value to the events of that clause (the parse's `obl:tmod`/`obl`
//! head, or the nearest verb) and set the event's date from
//! [`TimeValue::bounds`]: a day gives a date, a range or month a window.
//! [`DateFinder::find_resolved`] does all of this with a word-based tense
//! guess, for use without tags.
//!
//! # Resolution rules
//!
//! * Weekdays: in a past clause the most recent such day on or before the
//!   document date, in a future clause the next one on or after it; in a
//!   present-tense clause or when the tense is unknown, the nearest one
//!   (at most three days away). A weekday that is the publication day is
//!   the publication date ("said on Friday" in a Friday article is today).
//!   "last Thursday" is the most recent Thursday strictly before the
//!   document date, "next Monday" the first Monday strictly after it, and
//!   "this Thursday" the Thursday of the document's ISO week.
//! * Months and days without a year ("in March", "on March 13"): past
//!   clause → the most recent one (this year's if not after the document
//!   date), future clause → the next one; present or unknown tense → the
//!   document's year.
//! * "this/last/next week" are ISO weeks (Monday..Sunday); "this/last/next
//!   month/year" calendar months and years; "N days ago" and "in N days"
//!   are days, "N weeks/months/years ago" the week, month or year that far
//!   back; "the past/last N days/weeks" are trailing ranges ending on the
//!   document date.
//! * "early/mid/late": days 1–10/11–20/21–end of a month, months 1–4/5–8/
//!   9–12 of a year; "the end of" a year is December.
//! * Numeric dates: `2025-03-13`, `2025/03/13`, `3/13/2025` (US order, as
//!   in English news; day first when the first number is over 12),
//!   `13.3.2025` (day first).
//! * Impossible dates ("February 30", `2025-13-01`) are found but resolve
//!   to [`Unresolved::ImpossibleDate`].

use std::fmt;
use std::sync::OnceLock;

use dyad_text::{Date, Span};
use serde::ser::{Serialize, SerializeStruct, Serializer};

#[path = "dates_lex.rs"]
pub(crate) mod lex;

use lex::{is_capitalized, lower, Anchors, Kind, Tok, WordTable};

/// The tense of the clause a time expression belongs to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Tense {
    Past,
    Present,
    Future,
    #[default]
    Unknown,
}

/// How precise a resolved value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Granularity {
    Day,
    Week,
    Month,
    Year,
}

impl Granularity {
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Month => "month",
            Granularity::Year => "year",
        }
    }
}

/// Why an expression could not be placed on the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unresolved {
    /// A relative expression ("on Thursday", "last year") in a document
    /// without a date; dyad never falls back to today's date.
    NoDocumentDate,
    /// A date that does not exist ("February 30", `2025-13-01`).
    ImpossibleDate,
    /// Arithmetic left the years 1..=9999.
    OutOfRange,
}

impl Unresolved {
    pub fn as_str(self) -> &'static str {
        match self {
            Unresolved::NoDocumentDate => "no document date",
            Unresolved::ImpossibleDate => "impossible date",
            Unresolved::OutOfRange => "date out of range",
        }
    }
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where on the calendar an expression points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeValue {
    /// One day: `2025-03-13`.
    Day(Date),
    /// A calendar month: `2025-03`.
    Month {
        year: i32,
        month: u32,
    },
    /// A calendar year: `2025`.
    Year(i32),
    /// Days `start..=end`; `unit` is the granularity of the phrase ("this
    /// week" is [`Granularity::Week`], "between 2019 and 2021"
    /// [`Granularity::Year`]): `2025-03-10/2025-03-16`, `2019/2021`.
    Range {
        start: Date,
        end: Date,
        unit: Granularity,
    },
    /// From `start` with no known end ("since 2022" in an undated document):
    /// `2022/..`.
    From {
        start: Date,
        unit: Granularity,
    },
    Unresolved(Unresolved),
}

impl TimeValue {
    pub fn granularity(&self) -> Option<Granularity> {
        match *self {
            TimeValue::Day(_) => Some(Granularity::Day),
            TimeValue::Month { .. } => Some(Granularity::Month),
            TimeValue::Year(_) => Some(Granularity::Year),
            TimeValue::Range { unit, .. } | TimeValue::From { unit, .. } => Some(unit),
            TimeValue::Unresolved(_) => None,
        }
    }

    /// First and last day covered; `None` when unresolved or open-ended.
    pub fn bounds(&self) -> Option<(Date, Date)> {
        match *self {
            TimeValue::Day(d) => Some((d, d)),
            TimeValue::Month { year, month } => {
                Some((Date::new(year, month, 1)?, Date::new(year, month, month_len(year, month))?))
            }
            TimeValue::Year(y) => Some((Date::new(y, 1, 1)?, Date::new(y, 12, 31)?)),
            TimeValue::Range { start, end, .. } => Some((start, end)),
            TimeValue::From { .. } | TimeValue::Unresolved(_) => None,
        }
    }

    /// The ISO 8601 form (`2025-03-13`, `2025-03`, `2025`,
    /// `2025-03-10/2025-03-16`, `2022/..`); `None` when unresolved.
    pub fn iso(&self) -> Option<String> {
        match self {
            TimeValue::Unresolved(_) => None,
            v => Some(v.to_string()),
        }
    }

    pub fn is_resolved(&self) -> bool {
        !matches!(self, TimeValue::Unresolved(_))
    }

    /// Why the value is unresolved, if it is.
    pub fn reason(&self) -> Option<Unresolved> {
        match *self {
            TimeValue::Unresolved(r) => Some(r),
            _ => None,
        }
    }
}

impl fmt::Display for TimeValue {
    /// ISO 8601; unresolved values print as `unresolved: <reason>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TimeValue::Day(d) => write!(f, "{d}"),
            TimeValue::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            TimeValue::Year(y) => write!(f, "{y:04}"),
            TimeValue::Range { start, end, unit } => {
                write_bound(f, start, unit, true)?;
                f.write_str("/")?;
                write_bound(f, end, unit, false)
            }
            TimeValue::From { start, unit } => {
                write_bound(f, start, unit, true)?;
                f.write_str("/..")
            }
            TimeValue::Unresolved(r) => write!(f, "unresolved: {r}"),
        }
    }
}

/// Writes a range end at the unit's precision when it falls on the unit's
/// boundary (`2019` for 2019-01-01 as a start), else as a full date.
fn write_bound(f: &mut fmt::Formatter<'_>, d: Date, unit: Granularity, start: bool) -> fmt::Result {
    let (y, m) = (d.year(), d.month());
    match unit {
        Granularity::Year if (start && m == 1 && d.day() == 1) || (!start && m == 12 && d.day() == 31) => {
            write!(f, "{y:04}")
        }
        Granularity::Month | Granularity::Year
            if (start && d.day() == 1) || (!start && d.day() == month_len(y, m)) =>
        {
            write!(f, "{y:04}-{m:02}")
        }
        _ => write!(f, "{d}"),
    }
}

/// A time expression found in text, not yet placed on the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeMention {
    /// Byte span in the document text, including a leading "on"/"in"/
    /// "since"/"from"/"between" that belongs to the phrase.
    pub span: Span,
    expr: Expr,
}

impl TimeMention {
    /// Whether the value depends on the document date.
    pub fn is_relative(&self) -> bool {
        match self.expr {
            Expr::Point(p) | Expr::Since(p) => p.is_relative(),
            Expr::Range(a, b) => a.is_relative() || b.is_relative(),
        }
    }

    /// Whether the value depends on the clause's tense (a bare weekday,
    /// month or day without a year).
    pub fn needs_tense(&self) -> bool {
        match self.expr {
            Expr::Point(p) | Expr::Since(p) => p.needs_tense(),
            Expr::Range(a, b) => a.needs_tense() || b.needs_tense(),
        }
    }

    /// The same as [`resolve`].
    pub fn resolve(&self, doc_date: Option<Date>, tense: Tense) -> TimeValue {
        resolve(self, doc_date, tense)
    }
}

/// A resolved time expression, ready to be written out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeExpr {
    pub span: Span,
    pub text: String,
    pub value: TimeValue,
    /// The tense the value was resolved with.
    pub tense: Tense,
}

impl Serialize for TimeExpr {
    /// `{"text", "start", "end", "value": ISO or null, "granularity",
    /// "unresolved": reason (only when unresolved)}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = if self.value.is_resolved() { 5 } else { 6 };
        let mut st = s.serialize_struct("TimeExpr", n)?;
        st.serialize_field("text", &self.text)?;
        st.serialize_field("start", &self.span.start)?;
        st.serialize_field("end", &self.span.end)?;
        st.serialize_field("value", &self.value.iso())?;
        st.serialize_field("granularity", &self.value.granularity().map(Granularity::as_str))?;
        if let Some(r) = self.value.reason() {
            st.serialize_field("unresolved", r.as_str())?;
        }
        st.end()
    }
}

/// Places `m` on the calendar relative to `doc_date`, reading bare weekdays
/// and year-less dates by `tense` (see the module docs for the rules).
///
/// Never fails: what cannot be resolved is [`TimeValue::Unresolved`] with
/// the reason. Without a document date only absolute expressions resolve.
pub fn resolve(m: &TimeMention, doc_date: Option<Date>, tense: Tense) -> TimeValue {
    let iv = match m.expr {
        Expr::Point(p) => interval(p, doc_date, tense),
        Expr::Range(a, b) => range(a, b, doc_date, tense),
        Expr::Since(p) => match interval(p, doc_date, tense) {
            Ok(start) => {
                return match doc_date {
                    Some(d) if d >= start.start => {
                        canonical(Iv { start: start.start, end: d, unit: Granularity::Day })
                    }
                    _ => TimeValue::From { start: start.start, unit: start.unit },
                }
            }
            Err(r) => Err(r),
        },
    };
    match iv {
        Ok(iv) => canonical(iv),
        Err(r) => TimeValue::Unresolved(r),
    }
}

/// Tense of a clause from its words and Penn Treebank tags (the tagger's
/// XPOS): a future modal (`will`, `'ll`, `shall`, `would`, `wo`) makes it
/// future; else a past form (VBD, or VBN) past; else a present form
/// (VBZ/VBP) present.
pub fn tense_from_tags<'a>(words: impl IntoIterator<Item = (&'a str, &'a str)>) -> Tense {
    let (mut past, mut present) = (false, false);
    for (word, tag) in words {
        match tag {
            "MD" => {
                let mut buf = [0u8; 24];
                if matches!(
                    lower(word.trim_start_matches(['\'', '’']), &mut buf),
                    Some("will" | "ll" | "shall" | "would" | "wo" | "d")
                ) {
                    return Tense::Future;
                }
            }
            "VBD" | "VBN" => past = true,
            "VBZ" | "VBP" => present = true,
            _ => {}
        }
    }
    if past {
        Tense::Past
    } else if present {
        Tense::Present
    } else {
        Tense::Unknown
    }
}

/// Finds time expressions; keep one per worker (its buffers are reused).
#[derive(Clone, Debug, Default)]
pub struct DateFinder {
    toks: Vec<Tok>,
    cls: Vec<C>,
    found: Vec<TimeMention>,
}

impl DateFinder {
    pub fn new() -> DateFinder {
        DateFinder::default()
    }

    /// Appends the time expressions in `text[range]` (a sentence, say) to
    /// `out`, in text order, without overlaps.
    pub fn find(&mut self, text: &str, range: Span, out: &mut Vec<TimeMention>) {
        if range.len() > lex::MAX_SENTENCE_BYTES {
            let mut pieces = Vec::new();
            lex::windows(text, range.start as usize, range.end as usize, |a, b| pieces.push(Span::new(a, b)));
            for p in pieces {
                self.find(text, p, out);
            }
            return;
        }
        if !anchors().any_in(text, range.start as usize, range.end as usize) {
            return;
        }
        self.load(text, range);
        let p = Parser { text, toks: &self.toks, cls: &self.cls };
        let mut i = 0;
        let mut last_end = usize::MAX;
        while i < self.toks.len() {
            // "in April and May": the second month needs no preposition.
            let found = if i == last_end && self.cls[i] == C::And {
                p.point(i + 1, true).map(|(pt, e)| (i + 1, Expr::Point(pt), e))
            } else {
                p.expr(i)
            };
            match found {
                Some((first, expr, end)) if end > first => {
                    let span = Span { start: self.toks[first].start, end: self.toks[end - 1].end };
                    out.push(TimeMention { span, expr });
                    i = end;
                    last_end = end;
                }
                _ => i += 1,
            }
        }
    }

    /// Finds and resolves in one go, guessing each expression's tense from
    /// the words of `sentence` (use [`DateFinder::find`] and [`resolve`]
    /// when tags are at hand).
    pub fn find_resolved(
        &mut self,
        text: &str,
        sentence: Span,
        doc_date: Option<Date>,
        out: &mut Vec<TimeExpr>,
    ) {
        if sentence.len() > lex::MAX_SENTENCE_BYTES {
            let mut pieces = Vec::new();
            lex::windows(text, sentence.start as usize, sentence.end as usize, |a, b| {
                pieces.push(Span::new(a, b))
            });
            for p in pieces {
                self.find_resolved(text, p, doc_date, out);
            }
            return;
        }
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        self.find(text, sentence, &mut found);
        // `find` left the sentence's tokens in `self.toks` (when it found anything).
        for &m in &found {
            let tense = if m.needs_tense() { tense_near(text, &self.toks, m.span) } else { Tense::Unknown };
            out.push(TimeExpr {
                span: m.span,
                text: m.span.of(text).to_string(),
                value: resolve(&m, doc_date, tense),
                tense,
            });
        }
        self.found = found;
    }

    /// Guesses the tense of the clause around `at` inside `sentence` from
    /// its words alone (no tagger): the nearest tense marker between the
    /// commas around the expression decides, else the nearest in the clause;
    /// words before the expression win ties. Markers are future (will, 'll,
    /// shall, would, "is expected/set/due/scheduled to", "planned for",
    /// "plans to"), past (was, were, had, did, -ed words, common irregular
    /// past forms) and present (is, are, am, says).
    /// Clauses are cut at `;`, `:`, dashes and "that", "which",
    /// "who", "but", "while", "because", "although", "if", "when".
    pub fn guess_tense(&mut self, text: &str, sentence: Span, at: Span) -> Tense {
        self.toks.clear();
        let half = lex::MAX_SENTENCE_BYTES / 2;
        let lo = lex::back(text, at.start as usize, half, sentence.start as usize);
        let hi = (at.end as usize).saturating_add(half).min(sentence.end as usize);
        lex::scan(text, lo, hi, &mut self.toks);
        tense_near(text, &self.toks, at)
    }

    fn load(&mut self, text: &str, range: Span) {
        self.toks.clear();
        self.cls.clear();
        lex::scan(text, range.start as usize, range.end as usize, &mut self.toks);
        self.cls.extend(self.toks.iter().map(|t| classify(text, t)));
    }
}

/// [`DateFinder::guess_tense`] over a sentence's tokens.
fn tense_near(text: &str, toks: &[Tok], at: Span) -> Tense {
    let Some(pos) = toks.iter().position(|t| t.end > at.start) else { return Tense::Unknown };
    let boundary = |t: &Tok| -> bool {
        match t.kind {
            Kind::Punct => matches!(t.punct(text), ';' | ':' | '—'),
            Kind::Word => {
                let mut buf = [0u8; 24];
                matches!(
                    lower(t.text(text), &mut buf),
                    Some(
                        "that"
                            | "which"
                            | "who"
                            | "but"
                            | "while"
                            | "whereas"
                            | "because"
                            | "although"
                            | "though"
                            | "if"
                            | "when"
                    )
                )
            }
            Kind::Num => false,
        }
    };
    let mut lo = pos;
    while lo > 0 && !boundary(&toks[lo - 1]) {
        lo -= 1;
    }
    let mut hi = pos;
    while hi < toks.len() && !boundary(&toks[hi]) {
        hi += 1;
    }
    let expr_end = toks.iter().position(|t| t.start >= at.end).unwrap_or(toks.len()).max(pos);
    // The stretch between commas comes first: in "will vote on Tuesday,
    // the office announced" the vote, not the announcement, sets the tense.
    // A comma inside a number ("411,000") separates nothing.
    let comma = |i: usize| {
        toks[i].punct(text) == ','
            && !(toks[i].kind == Kind::Punct
                && !toks[i].space_before
                && i > 0
                && toks[i - 1].kind == Kind::Num
                && toks.get(i + 1).is_some_and(|n| n.kind == Kind::Num && !n.space_before))
    };
    let mut seg_lo = pos;
    while seg_lo > lo && !comma(seg_lo - 1) {
        seg_lo -= 1;
    }
    let mut seg_hi = expr_end;
    while seg_hi < hi && !comma(seg_hi) {
        seg_hi += 1;
    }
    let nearest = |from: usize, to: usize| -> Option<Tense> {
        let mut best: Option<(usize, Tense)> = None;
        for i in from..to {
            if i >= pos && i < expr_end {
                continue;
            }
            let Some(t) = word_tense(text, toks, i) else { continue };
            // Distance to the expression; words before it win ties.
            let dist = if i < pos { 2 * (pos - i) } else { 2 * (i - expr_end + 1) + 1 };
            if best.is_none_or(|(d, _)| dist < d) {
                best = Some((dist, t));
            }
        }
        best.map(|(_, t)| t)
    };
    nearest(seg_lo, seg_hi).or_else(|| nearest(lo, hi)).unwrap_or(Tense::Unknown)
}

/// The tense a word signals, looking at its neighbours for "expected to".
fn word_tense(text: &str, toks: &[Tok], i: usize) -> Option<Tense> {
    let t = toks.get(i)?;
    if t.kind != Kind::Word {
        return None;
    }
    let mut buf = [0u8; 24];
    let w = lower(t.text(text), &mut buf)?;
    let next_is = |s: &str| {
        toks.get(i + 1).is_some_and(|n| n.kind == Kind::Word && n.text(text).eq_ignore_ascii_case(s))
    };
    let prev_is_apostrophe = i > 0 && matches!(toks[i - 1].punct(text), '\'' | '’') && !t.space_before;
    // A participle after "be", "is", "are" takes the tense of its auxiliary:
    // "will be held", "is held".
    let after_be = i > 0 && {
        let mut pb = [0u8; 24];
        matches!(lower(toks[i - 1].text(text), &mut pb), Some("be" | "is" | "are" | "am"))
    };
    match w {
        "will" | "shall" | "would" => Some(Tense::Future),
        "was" | "were" | "had" | "did" | "been" => Some(Tense::Past),
        _ if after_be => None,
        "ll" if prev_is_apostrophe => Some(Tense::Future),
        "expected" | "set" | "due" | "scheduled" | "slated" | "poised" | "going" | "plans" | "plan"
        | "planned" | "intends" | "aims"
            if next_is("to") =>
        {
            Some(Tense::Future)
        }
        "set" | "due" | "scheduled" | "slated" | "planned" if next_is("for") => Some(Tense::Future),
        "said" | "told" | "met" | "held" | "went" | "came" | "took" | "made" | "gave" | "saw" | "spoke"
        | "left" | "sent" | "began" | "fought" | "struck" | "won" | "lost" | "brought" | "flew" | "led"
        | "wrote" | "rose" | "fell" | "stood" | "paid" | "kept" | "found" | "thought" | "knew" | "got"
        | "became" | "broke" | "chose" | "sold" | "meant" | "shot" | "ran" | "drew" | "hit" | "seized"
        | "beaten" | "begun" | "spoken" | "taken" | "given" | "written" | "done" | "ago" => Some(Tense::Past),
        "is" | "are" | "am" | "says" | "does" => Some(Tense::Present),
        _ if w.len() > 4 && w.ends_with("ed") => Some(Tense::Past),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Parsed expressions.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expr {
    Point(Point),
    /// `from a to b`, `between a and b`, `10-14 March`.
    Range(Point, Point),
    /// `since a`: from a up to the document date.
    Since(Point),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shift {
    /// By the clause's tense.
    Tense,
    Last,
    Next,
    This,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Whole,
    Early,
    Mid,
    Late,
    /// "the end of": December of a year, days 21.. of a month.
    End,
    /// "the beginning/start of": January of a year, days 1–10 of a month.
    Start,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Weekend,
    Month,
    Year,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Point {
    /// The document date moved by this many days.
    RelDay(i32),
    /// 0 = Monday.
    Weekday(u8, Shift),
    /// The week/month/year this many units from the document's.
    RelUnit(Unit, i32, Part),
    /// "the weekend": the last one in a past clause, else the coming one.
    Weekend,
    /// The last (or next, when `forward`) `n` units up to (from) the document date.
    Trailing(Unit, u32, bool),
    Month(u8, Option<i32>, Part, Shift),
    /// A month of the year this many years from the document's: "April last year".
    MonthOfRelYear(u8, i32, Part),
    MonthDay(u8, u8, Option<i32>),
    /// Numeric date; may be impossible.
    Date(i32, u32, u32),
    Year(i32, Part),
    Decade(i32),
}

impl Point {
    fn is_relative(self) -> bool {
        !matches!(
            self,
            Point::Date(..)
                | Point::Year(..)
                | Point::Decade(_)
                | Point::Month(_, Some(_), _, _)
                | Point::MonthDay(_, _, Some(_))
        )
    }

    fn needs_tense(self) -> bool {
        matches!(
            self,
            Point::Weekday(_, Shift::Tense)
                | Point::Weekend
                | Point::Month(_, None, _, Shift::Tense)
                | Point::MonthDay(_, _, None)
        )
    }
}

// ---------------------------------------------------------------------------
// Word classes.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum C {
    Weekday(u8),
    /// Month number; `true` for an abbreviation (Jan, Sept).
    Month(u8, bool),
    /// A number: value, digit count, suffix.
    Num(u32, u8, Suffix),
    /// A number word: a, an, one .. twelve.
    Count(u32),
    Today,
    Tonight,
    Yesterday,
    Tomorrow,
    This,
    Last,
    Next,
    Past,
    Coming,
    Earlier,
    Later,
    Unit(Unit),
    Part(Part),
    /// end, beginning, start, middle: only in "the end of".
    PartOf(Part),
    DayPart,
    Ago,
    Since,
    From,
    Between,
    To,
    Until,
    Through,
    And,
    On,
    In,
    During,
    /// Prepositions that license a bare month or year without belonging to
    /// the phrase: by, until, before, after, of, through, throughout.
    Trigger,
    Of,
    The,
    Before,
    After,
    Dash,
    Slash,
    Comma,
    Dot,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Suffix {
    None,
    Ordinal,
    Plural,
}

fn classify(text: &str, t: &Tok) -> C {
    let s = t.text(text);
    match t.kind {
        Kind::Punct => match t.punct(text) {
            '-' | '–' | '‐' => C::Dash,
            '/' => C::Slash,
            ',' => C::Comma,
            '.' => C::Dot,
            _ => C::Other,
        },
        Kind::Num => {
            let digits = s.bytes().take_while(u8::is_ascii_digit).count();
            let suffix = match digits < s.len() {
                false => Suffix::None,
                true if s[digits..].eq_ignore_ascii_case("s") => Suffix::Plural,
                true => Suffix::Ordinal,
            };
            match s[..digits].parse::<u32>() {
                Ok(v) if digits <= 9 => C::Num(v, digits as u8, suffix),
                _ => C::Other,
            }
        }
        Kind::Word => match words().get(s) {
            Some(C::Weekday(_) | C::Month(..)) if !is_capitalized(s) => C::Other,
            Some(c) => c,
            None => C::Other,
        },
    }
}

/// Every word the classifier knows, lowercase. Month and weekday names
/// count only when capitalised ("may", "march" are words too).
const WORDS: &[(&str, C)] = &[
    ("january", C::Month(1, false)),
    ("february", C::Month(2, false)),
    ("march", C::Month(3, false)),
    ("april", C::Month(4, false)),
    ("may", C::Month(5, false)),
    ("june", C::Month(6, false)),
    ("july", C::Month(7, false)),
    ("august", C::Month(8, false)),
    ("september", C::Month(9, false)),
    ("october", C::Month(10, false)),
    ("november", C::Month(11, false)),
    ("december", C::Month(12, false)),
    ("jan", C::Month(1, true)),
    ("feb", C::Month(2, true)),
    ("mar", C::Month(3, true)),
    ("apr", C::Month(4, true)),
    ("jun", C::Month(6, true)),
    ("jul", C::Month(7, true)),
    ("aug", C::Month(8, true)),
    ("sep", C::Month(9, true)),
    ("sept", C::Month(9, true)),
    ("oct", C::Month(10, true)),
    ("nov", C::Month(11, true)),
    ("dec", C::Month(12, true)),
    ("today", C::Today),
    ("tonight", C::Tonight),
    ("yesterday", C::Yesterday),
    ("tomorrow", C::Tomorrow),
    ("this", C::This),
    ("last", C::Last),
    ("previous", C::Last),
    ("next", C::Next),
    ("past", C::Past),
    ("coming", C::Coming),
    ("earlier", C::Earlier),
    ("later", C::Later),
    ("day", C::Unit(Unit::Day)),
    ("days", C::Unit(Unit::Day)),
    ("week", C::Unit(Unit::Week)),
    ("weeks", C::Unit(Unit::Week)),
    ("weekend", C::Unit(Unit::Weekend)),
    ("weekends", C::Unit(Unit::Weekend)),
    ("month", C::Unit(Unit::Month)),
    ("months", C::Unit(Unit::Month)),
    ("year", C::Unit(Unit::Year)),
    ("years", C::Unit(Unit::Year)),
    ("early", C::Part(Part::Early)),
    ("mid", C::Part(Part::Mid)),
    ("late", C::Part(Part::Late)),
    ("end", C::PartOf(Part::End)),
    ("beginning", C::PartOf(Part::Start)),
    ("start", C::PartOf(Part::Start)),
    ("middle", C::PartOf(Part::Mid)),
    ("morning", C::DayPart),
    ("afternoon", C::DayPart),
    ("evening", C::DayPart),
    ("night", C::DayPart),
    ("overnight", C::DayPart),
    ("ago", C::Ago),
    ("since", C::Since),
    ("from", C::From),
    ("between", C::Between),
    ("to", C::To),
    ("until", C::Until),
    ("till", C::Until),
    ("through", C::Through),
    ("thru", C::Through),
    ("and", C::And),
    ("on", C::On),
    ("in", C::In),
    ("during", C::During),
    ("by", C::Trigger),
    ("throughout", C::Trigger),
    ("before", C::Before),
    ("after", C::After),
    ("of", C::Of),
    ("the", C::The),
    ("a", C::Count(1)),
    ("an", C::Count(1)),
    ("one", C::Count(1)),
    ("two", C::Count(2)),
    ("three", C::Count(3)),
    ("four", C::Count(4)),
    ("five", C::Count(5)),
    ("six", C::Count(6)),
    ("seven", C::Count(7)),
    ("eight", C::Count(8)),
    ("nine", C::Count(9)),
    ("ten", C::Count(10)),
    ("eleven", C::Count(11)),
    ("twelve", C::Count(12)),
    ("fifteen", C::Count(15)),
    ("twenty", C::Count(20)),
    ("thirty", C::Count(30)),
    ("monday", C::Weekday(0)),
    ("tuesday", C::Weekday(1)),
    ("wednesday", C::Weekday(2)),
    ("thursday", C::Weekday(3)),
    ("friday", C::Weekday(4)),
    ("saturday", C::Weekday(5)),
    ("sunday", C::Weekday(6)),
];

/// The words without which a sentence holds no time expression (digits
/// aside): every pattern has a weekday, a month, a day word or a unit.
fn anchors() -> &'static Anchors {
    static ANCHORS: OnceLock<Anchors> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        let keys: Vec<&'static str> = WORDS
            .iter()
            .filter(|(_, c)| {
                matches!(
                    c,
                    C::Weekday(_)
                        | C::Month(..)
                        | C::Today
                        | C::Tonight
                        | C::Yesterday
                        | C::Tomorrow
                        | C::Unit(_)
                        | C::DayPart
                )
            })
            .map(|(k, _)| *k)
            .collect();
        Anchors::new(&keys, true)
    })
}

fn words() -> &'static WordTable<C> {
    static TABLE: OnceLock<WordTable<C>> = OnceLock::new();
    TABLE.get_or_init(|| WordTable::new(WORDS))
}

// ---------------------------------------------------------------------------
// Parsing: patterns over the word classes.

struct Parser<'a> {
    text: &'a str,
    toks: &'a [Tok],
    cls: &'a [C],
}

/// Words that may follow a year ("in 2020 and", "since 2019 over"), unlike
/// the noun after a count ("in 2000 attacks").
const FUNCTION_WORDS: &[&str] = &[
    "and", "or", "nor", "but", "to", "when", "where", "while", "after", "before", "as", "with", "without",
    "the", "a", "an", "in", "on", "at", "for", "of", "by", "from", "until", "through", "over", "under",
    "across", "into", "since", "amid", "during", "against", "toward", "towards", "because", "that", "which",
    "who", "than", "so", "if", "is", "was", "were", "are", "has", "had", "have", "will", "would", "could",
    "saw", "said",
];

/// A year a reader takes for a year without other evidence.
fn plausible_year(v: u32) -> bool {
    (1800..=2199).contains(&v)
}

impl Parser<'_> {
    fn c(&self, i: usize) -> C {
        self.cls.get(i).copied().unwrap_or(C::Other)
    }

    /// Whether token `i` directly follows the previous one (no space).
    fn tight(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.space_before)
    }

    fn word_is(&self, i: usize, w: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Kind::Word && t.text(self.text).eq_ignore_ascii_case(w))
    }

    /// A count: a number word or a plain number.
    fn count(&self, i: usize) -> Option<u32> {
        match self.c(i) {
            C::Count(n) => Some(n),
            C::Num(v, d, Suffix::None) if d <= 4 && v > 0 => Some(v),
            _ => None,
        }
    }

    fn year_at(&self, i: usize) -> Option<i32> {
        match self.c(i) {
            C::Num(v, 4, Suffix::None) if plausible_year(v) => Some(v as i32),
            _ => None,
        }
    }

    /// A day of the month (1–31, maybe ordinal) at `i`, not a clock time.
    fn day_at(&self, i: usize) -> Option<u8> {
        match self.c(i) {
            C::Num(v, 1 | 2, Suffix::None | Suffix::Ordinal) if (1..=31).contains(&v) => {
                if self.tight(i + 1) && self.toks.get(i + 1).is_some_and(|t| t.punct(self.text) == ':') {
                    return None;
                }
                Some(v as u8)
            }
            _ => None,
        }
    }

    /// The expression starting at `i`: (first token of the span, expression,
    /// end token exclusive).
    fn expr(&self, i: usize) -> Option<(usize, Expr, usize)> {
        match self.c(i) {
            C::Since => {
                let (p, e) = self.point(i + 1, true)?;
                Some((i, Expr::Since(p), e))
            }
            C::From => {
                let (p, e) = self.point(i + 1, true)?;
                if matches!(self.c(e), C::To | C::Until | C::Through | C::Dash) {
                    if let Some((a, b, e2)) = self.range_end(p, e + 1) {
                        return Some((i, Expr::Range(a, b), e2));
                    }
                }
                Some((i + 1, Expr::Point(p), e))
            }
            C::Between => {
                let (p, e) = self.point(i + 1, true)?;
                if self.c(e) == C::And {
                    if let Some((a, b, e2)) = self.range_end(p, e + 1) {
                        return Some((i, Expr::Range(a, b), e2));
                    }
                }
                Some((i + 1, Expr::Point(p), e))
            }
            C::In => {
                // "in two weeks", "in 10 days": from the document date on.
                if let (Some(n), C::Unit(u)) = (self.count(i + 1), self.c(i + 2)) {
                    if self.c(i + 3) != C::Ago {
                        return Some((i, Expr::Point(rel(u, n as i32)), i + 3));
                    }
                }
                let (p, e) = self.point(i + 1, true)?;
                let (x, e) = self.maybe_range(p, e);
                Some((i, x, e))
            }
            C::On | C::During => {
                let (p, e) = self.point(i + 1, true)?;
                let (x, e) = self.maybe_range(p, e);
                Some((i, x, e))
            }
            C::Trigger | C::Before | C::After | C::Until | C::Through => {
                let (p, e) = self.point(i + 1, true)?;
                let (x, e) = self.maybe_range(p, e);
                Some((i + 1, x, e))
            }
            _ => {
                // "10-14 March": a range of days.
                if let (Some(d1), C::Dash, Some(d2)) = (self.day_at(i), self.c(i + 1), self.day_at(i + 2)) {
                    if let Some((Point::MonthDay(m, _, y), e)) = self.point(i + 2, false) {
                        return Some((
                            i,
                            Expr::Range(Point::MonthDay(m, d1, y), Point::MonthDay(m, d2, y)),
                            e,
                        ));
                    }
                }
                let (p, e) = self.point(i, false)?;
                let (x, e) = self.maybe_range(p, e);
                Some((i, x, e))
            }
        }
    }

    /// A dash range after a point: "March 10-14", "2019–2021", "2024-25".
    fn maybe_range(&self, p: Point, e: usize) -> (Expr, usize) {
        if self.c(e) == C::Dash {
            match p {
                Point::MonthDay(m, _, y) => {
                    if let Some(d2) = self.day_at(e + 1) {
                        // "March 10-14, 2025"
                        let (y2, end) = match (self.c(e + 2), self.year_at(e + 3)) {
                            (C::Comma, Some(yy)) if y.is_none() => (Some(yy), e + 4),
                            _ => match self.year_at(e + 2) {
                                Some(yy) if y.is_none() => (Some(yy), e + 3),
                                _ => (y, e + 2),
                            },
                        };
                        if let Point::MonthDay(_, d1, _) = p {
                            return (
                                Expr::Range(Point::MonthDay(m, d1, y2), Point::MonthDay(m, d2, y2)),
                                end,
                            );
                        }
                    }
                }
                Point::Year(y, Part::Whole) => {
                    if let C::Num(v, d, Suffix::None) = self.c(e + 1) {
                        let y2 = match d {
                            4 => v as i32,
                            2 => y - y % 100 + v as i32,
                            _ => 0,
                        };
                        if y2 > y && y2 - y < 100 {
                            return (Expr::Range(p, Point::Year(y2, Part::Whole)), e + 2);
                        }
                    }
                }
                _ => {}
            }
        }
        (Expr::Point(p), e)
    }

    /// The second half of a range whose first half is `a`; a bare day or a
    /// year-less end inherits month and year from the other half.
    fn range_end(&self, a: Point, j: usize) -> Option<(Point, Point, usize)> {
        if let Point::MonthDay(m, _, y) = a {
            if let Some(d) = self.day_at(j) {
                if !matches!(self.c(j + 1), C::Month(..) | C::Of) {
                    let (y2, end) = match (self.c(j + 1), self.year_at(j + 2), self.year_at(j + 1)) {
                        (C::Comma, Some(yy), _) if y.is_none() => (Some(yy), j + 3),
                        (_, _, Some(yy)) if y.is_none() => (Some(yy), j + 2),
                        _ => (y, j + 1),
                    };
                    return Some((with_year(a, y2), Point::MonthDay(m, d, y2), end));
                }
            }
        }
        let (b, e) = self.point(j, true)?;
        let a = match (a, b) {
            (Point::MonthDay(_, _, None), Point::MonthDay(_, _, Some(y))) => with_year(a, Some(y)),
            (Point::Month(m, None, p, s), Point::Month(_, Some(y), _, _)) => Point::Month(m, Some(y), p, s),
            _ => a,
        };
        Some((a, b, e))
    }

    /// A single point in time at `i`; `trig` when a preposition before it
    /// licenses a bare month or year.
    fn point(&self, i: usize, trig: bool) -> Option<(Point, usize)> {
        match self.c(i) {
            C::The => self.the(i),
            C::Today | C::Tonight => Some((Point::RelDay(0), self.skip_daypart(i + 1))),
            C::Yesterday => Some((Point::RelDay(-1), self.skip_daypart(i + 1))),
            C::Tomorrow => Some((Point::RelDay(1), self.skip_daypart(i + 1))),
            C::Earlier | C::Later => match (self.c(i + 1), self.c(i + 2)) {
                (C::Today, _) => Some((Point::RelDay(0), i + 2)),
                (C::This, C::Unit(u)) if u != Unit::Day => Some((rel(u, 0), i + 3)),
                _ => None,
            },
            C::This | C::Last | C::Next | C::Past | C::Coming => {
                let mut dir = match self.c(i) {
                    C::This => 0,
                    C::Next | C::Coming => 1,
                    _ => -1,
                };
                let mut j = i + 1;
                if dir == 0 && self.c(j) == C::Past {
                    dir = -1; // "this past week"
                    j += 1;
                }
                match self.c(j) {
                    C::Weekday(w) => {
                        let shift = match dir {
                            0 => Shift::This,
                            1 => Shift::Next,
                            _ => Shift::Last,
                        };
                        Some((Point::Weekday(w, shift), self.skip_daypart(j + 1)))
                    }
                    C::Unit(u) if u != Unit::Day && !self.plural(j) => Some((rel(u, dir), j + 1)),
                    C::DayPart if dir == 0 => Some((Point::RelDay(0), j + 1)),
                    C::DayPart if dir == -1 && self.word_is(j, "night") => Some((Point::RelDay(-1), j + 1)),
                    C::Month(m, false) => {
                        let shift = match dir {
                            0 => Shift::This,
                            1 => Shift::Next,
                            _ => Shift::Last,
                        };
                        Some((Point::Month(m, None, Part::Whole, shift), j + 1))
                    }
                    _ => None,
                }
            }
            C::Part(part) => {
                let mut j = i + 1;
                if self.c(j) == C::Dash && self.tight(j) {
                    j += 1;
                }
                match self.c(j) {
                    C::Month(..) => match self.month(j, true)? {
                        (Point::Month(m, y, _, s), e) => Some((Point::Month(m, y, part, s), e)),
                        (Point::MonthOfRelYear(m, n, _), e) => Some((Point::MonthOfRelYear(m, n, part), e)),
                        _ => None,
                    },
                    C::Num(..) => {
                        let y = self.year_at(j)?;
                        Some((Point::Year(y, part), j + 1))
                    }
                    C::This | C::Last | C::Next => match self.point(j, true)? {
                        (Point::RelUnit(u @ (Unit::Month | Unit::Year), n, _), e) => {
                            Some((Point::RelUnit(u, n, part), e))
                        }
                        (p @ Point::RelUnit(..), e) => Some((p, e)),
                        (Point::Month(m, y, _, s), e) => Some((Point::Month(m, y, part, s), e)),
                        _ => None,
                    },
                    C::Weekday(w) => Some((Point::Weekday(w, Shift::Tense), self.skip_daypart(j + 1))),
                    _ => None,
                }
            }
            C::Weekday(w) => {
                // "Thursday, March 13, 2025": the explicit date wins.
                let j = if self.c(i + 1) == C::Comma { i + 2 } else { i + 1 };
                if let C::Month(..) = self.c(j) {
                    if let Some((p @ Point::MonthDay(..), e)) = self.month(j, false) {
                        return Some((p, e));
                    }
                }
                Some((Point::Weekday(w, Shift::Tense), self.skip_daypart(i + 1)))
            }
            C::Month(..) => self.month(i, trig),
            C::Num(..) | C::Count(_) => self.number(i, trig),
            _ => None,
        }
    }

    fn skip_daypart(&self, i: usize) -> usize {
        if self.c(i) == C::DayPart {
            i + 1
        } else {
            i
        }
    }

    /// Phrases opening with "the".
    fn the(&self, i: usize) -> Option<(Point, usize)> {
        match self.c(i + 1) {
            C::Unit(Unit::Day) => match (self.c(i + 2), self.c(i + 3)) {
                (C::Before, C::Yesterday) => Some((Point::RelDay(-2), i + 4)),
                (C::After, C::Tomorrow) => Some((Point::RelDay(2), i + 4)),
                _ => None,
            },
            C::Past | C::Last | C::Coming | C::Next => {
                let forward = matches!(self.c(i + 1), C::Coming | C::Next);
                if let (Some(n), C::Unit(u)) = (self.count(i + 2), self.c(i + 3)) {
                    if u != Unit::Weekend {
                        return Some((Point::Trailing(u, n, forward), i + 4));
                    }
                }
                match self.c(i + 2) {
                    C::Unit(u) if !matches!(u, Unit::Day | Unit::Weekend) && !self.plural(i + 2) => {
                        Some((Point::Trailing(u, 1, forward), i + 3))
                    }
                    _ => None,
                }
            }
            C::Unit(Unit::Weekend) if !self.plural(i + 1) => Some((Point::Weekend, i + 2)),
            C::Num(v, 4, Suffix::Plural) if v % 10 == 0 && plausible_year(v) => {
                Some((Point::Decade(v as i32), i + 2))
            }
            C::PartOf(part) | C::Part(part) if self.c(i + 2) == C::Of => {
                let j = i + 3;
                let inner = match self.c(j) {
                    C::The => match self.c(j + 1) {
                        C::Unit(u @ (Unit::Year | Unit::Month | Unit::Week)) => Some((rel(u, 0), j + 2)),
                        _ => None,
                    },
                    _ => self.point(j, true),
                }?;
                match inner {
                    (Point::Month(m, y, _, s), e) => Some((Point::Month(m, y, part, s), e)),
                    (Point::MonthOfRelYear(m, n, _), e) => Some((Point::MonthOfRelYear(m, n, part), e)),
                    (Point::Year(y, _), e) => Some((Point::Year(y, part), e)),
                    (Point::RelUnit(u, n, _), e) => Some((Point::RelUnit(u, n, part), e)),
                    _ => None,
                }
            }
            C::Num(..) => match self.number(i + 1, true)? {
                (p @ Point::MonthDay(..), e) => Some((p, e)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether a lowercase content word follows, as in "in 2000 attacks"
    /// (a count, not a year).
    fn noun_follows(&self, i: usize) -> bool {
        let Some(t) = self.toks.get(i) else { return false };
        if t.kind != Kind::Word || is_capitalized(t.text(self.text)) {
            return false;
        }
        let mut buf = [0u8; 24];
        let function_word = lower(t.text(self.text), &mut buf).is_some_and(|w| FUNCTION_WORDS.contains(&w));
        !function_word && self.c(i) != C::Dash
    }

    fn plural(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.text(self.text).ends_with(['s', 'S']))
    }

    /// Phrases opening with a month name.
    fn month(&self, i: usize, trig: bool) -> Option<(Point, usize)> {
        let C::Month(m, abbr) = self.c(i) else { return None };
        let mut j = i + 1;
        if abbr && self.c(j) == C::Dot && self.tight(j) {
            j += 1;
        }
        if let Some(d) = self.day_at(j) {
            let k = if self.c(j + 1) == C::Comma { j + 2 } else { j + 1 };
            if let Some(y) = self.year_at(k) {
                return Some((Point::MonthDay(m, d, Some(y)), k + 1));
            }
            return Some((Point::MonthDay(m, d, None), j + 1));
        }
        if let Some(y) = self.year_at(j) {
            return Some((Point::Month(m, Some(y), Part::Whole, Shift::Tense), j + 1));
        }
        if self.c(j) == C::Of {
            if let Some(y) = self.year_at(j + 1) {
                return Some((Point::Month(m, Some(y), Part::Whole, Shift::Tense), j + 2));
            }
        }
        // "April last year"
        if let (C::This | C::Last | C::Next, C::Unit(Unit::Year)) = (self.c(j), self.c(j + 1)) {
            let n = match self.c(j) {
                C::Last => -1,
                C::Next => 1,
                _ => 0,
            };
            if !self.plural(j + 1) {
                return Some((Point::MonthOfRelYear(m, n, Part::Whole), j + 2));
            }
        }
        // A bare month: "May" and "March" are common words, so they need a
        // preposition before them.
        if abbr || (!trig && matches!(m, 3 | 5)) {
            return None;
        }
        Some((Point::Month(m, None, Part::Whole, Shift::Tense), j))
    }

    /// Phrases opening with a number.
    fn number(&self, i: usize, trig: bool) -> Option<(Point, usize)> {
        // "two days ago", "a year ago"
        if let (Some(n), C::Unit(u), C::Ago) = (self.count(i), self.c(i + 1), self.c(i + 2)) {
            if u != Unit::Weekend {
                return Some((rel(u, -(n as i32)), i + 3));
            }
        }
        let C::Num(v, digits, suffix) = self.c(i) else { return None };
        let num_tight = |k: usize, max_digits: u8| match self.c(k) {
            C::Num(x, d, Suffix::None) if d <= max_digits && self.tight(k) => Some((x, d)),
            _ => None,
        };
        if digits == 4 && suffix == Suffix::Plural && v % 10 == 0 && plausible_year(v) {
            return Some((Point::Decade(v as i32), i + 1));
        }
        if digits == 4 && suffix == Suffix::None {
            // 2025-03-13, 2025/03/13
            let sep = self.c(i + 1);
            if matches!(sep, C::Dash | C::Slash) && self.tight(i + 1) {
                if let (Some((m, _)), Some((d, _))) = (num_tight(i + 2, 2), num_tight(i + 4, 2)) {
                    if self.c(i + 3) == sep && self.tight(i + 3) {
                        return Some((Point::Date(v as i32, m, d), i + 5));
                    }
                }
                // 2025-03: an ISO month (a two-digit number over 12 is a
                // season such as 2024-25, left to the range reader).
                if let Some((m, 2)) = num_tight(i + 2, 2) {
                    if sep == C::Dash && (1..=12).contains(&m) && plausible_year(v) {
                        return Some((
                            Point::Month(m as u8, Some(v as i32), Part::Whole, Shift::Tense),
                            i + 3,
                        ));
                    }
                }
            }
            if trig && plausible_year(v) && !self.noun_follows(i + 1) {
                return Some((Point::Year(v as i32, Part::Whole), i + 1));
            }
            // A year followed by a dash range ("2019–2021") needs no preposition.
            if plausible_year(v) && self.c(i + 1) == C::Dash {
                if let C::Num(_, 2 | 4, Suffix::None) = self.c(i + 2) {
                    return Some((Point::Year(v as i32, Part::Whole), i + 1));
                }
            }
            return None;
        }
        if digits > 2 {
            return None;
        }
        // 3/13/2025 (US order), 13/3/2025 (day first when it must be), 13.3.2025
        let sep = self.c(i + 1);
        if matches!(sep, C::Slash | C::Dot) && suffix == Suffix::None && self.tight(i + 1) {
            if let (Some((b, _)), true) = (num_tight(i + 2, 2), self.c(i + 3) == sep && self.tight(i + 3)) {
                if let Some((y, yd)) = num_tight(i + 4, 4) {
                    let year = match yd {
                        4 => y as i32,
                        2 if y < 70 => 2000 + y as i32,
                        2 => 1900 + y as i32,
                        _ => return None,
                    };
                    let (m, d) = if sep == C::Dot || (v > 12 && b <= 12) { (b, v) } else { (v, b) };
                    return Some((Point::Date(year, m, d), i + 5));
                }
            }
        }
        // 13 March 2025, 13th of March
        if let Some(d) = self.day_at(i) {
            let j = if self.c(i + 1) == C::Of { i + 2 } else { i + 1 };
            if let C::Month(m, abbr) = self.c(j) {
                let mut k = j + 1;
                if abbr && self.c(k) == C::Dot && self.tight(k) {
                    k += 1;
                }
                let yk = if self.c(k) == C::Comma { k + 1 } else { k };
                if let Some(y) = self.year_at(yk) {
                    return Some((Point::MonthDay(m, d, Some(y)), yk + 1));
                }
                return Some((Point::MonthDay(m, d, None), k));
            }
        }
        None
    }
}

fn rel(u: Unit, n: i32) -> Point {
    match u {
        Unit::Day => Point::RelDay(n),
        u => Point::RelUnit(u, n, Part::Whole),
    }
}

fn with_year(p: Point, y: Option<i32>) -> Point {
    match p {
        Point::MonthDay(m, d, None) => Point::MonthDay(m, d, y),
        p => p,
    }
}

// ---------------------------------------------------------------------------
// Resolution.

/// Days `start..=end` at a granularity.
#[derive(Clone, Copy, Debug)]
struct Iv {
    start: Date,
    end: Date,
    unit: Granularity,
}

fn month_len(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Result<Date, Unresolved> {
    Date::new(y, m, d).ok_or(Unresolved::OutOfRange)
}

fn shift_days(d: Date, n: i64) -> Result<Date, Unresolved> {
    d.add_days(n).ok_or(Unresolved::OutOfRange)
}

/// `(year, month)` moved by `n` months.
fn add_months(y: i32, m: u32, n: i32) -> (i32, u32) {
    let idx = y as i64 * 12 + (m as i64 - 1) + n as i64;
    (idx.div_euclid(12) as i32, (idx.rem_euclid(12) + 1) as u32)
}

fn month_iv(y: i32, m: u32, part: Part) -> Result<Iv, Unresolved> {
    let len = month_len(y, m);
    let (a, b, unit) = match part {
        Part::Whole => (1, len, Granularity::Month),
        Part::Early | Part::Start => (1, 10, Granularity::Day),
        Part::Mid => (11, 20, Granularity::Day),
        Part::Late | Part::End => (21, len, Granularity::Day),
    };
    Ok(Iv { start: ymd(y, m, a)?, end: ymd(y, m, b)?, unit })
}

fn year_iv(y: i32, part: Part) -> Result<Iv, Unresolved> {
    let (a, b, unit) = match part {
        Part::Whole => (1, 12, Granularity::Year),
        Part::Early => (1, 4, Granularity::Month),
        Part::Mid => (5, 8, Granularity::Month),
        Part::Late => (9, 12, Granularity::Month),
        Part::End => (12, 12, Granularity::Month),
        Part::Start => (1, 1, Granularity::Month),
    };
    Ok(Iv { start: ymd(y, a, 1)?, end: ymd(y, b, month_len(y, b))?, unit })
}

fn day_iv(d: Date) -> Iv {
    Iv { start: d, end: d, unit: Granularity::Day }
}

/// The year of a year-less month and day by tense, compared with the
/// document date.
fn infer_year(doc: Date, m: u32, d: u32, tense: Tense) -> i32 {
    let (y, key, now) = (doc.year(), (m, d), (doc.month(), doc.day()));
    match tense {
        Tense::Past => y - i32::from(key > now),
        Tense::Future => y + i32::from(key < now),
        Tense::Present | Tense::Unknown => y,
    }
}

fn interval(p: Point, doc: Option<Date>, tense: Tense) -> Result<Iv, Unresolved> {
    // Impossible dates are reported as such even without a document date.
    match p {
        Point::Date(y, m, d) => return Date::new(y, m, d).map(day_iv).ok_or(Unresolved::ImpossibleDate),
        Point::MonthDay(m, d, Some(y)) => {
            return Date::new(y, u32::from(m), u32::from(d)).map(day_iv).ok_or(Unresolved::ImpossibleDate)
        }
        Point::MonthDay(m, d, None) if u32::from(d) > month_len(2000, u32::from(m)) => {
            return Err(Unresolved::ImpossibleDate)
        }
        Point::Month(m, Some(y), part, _) => return month_iv(y, u32::from(m), part),
        Point::Year(y, part) => return year_iv(y, part),
        Point::Decade(y) => {
            return Ok(Iv { start: ymd(y, 1, 1)?, end: ymd(y + 9, 12, 31)?, unit: Granularity::Year })
        }
        _ => {}
    }
    let doc = doc.ok_or(Unresolved::NoDocumentDate)?;
    match p {
        Point::RelDay(n) => Ok(day_iv(shift_days(doc, i64::from(n))?)),
        Point::Weekday(w, shift) => {
            let today = doc.weekday() as i64;
            let w = i64::from(w);
            let back = (today - w).rem_euclid(7);
            let fwd = (w - today).rem_euclid(7);
            let delta = match shift {
                Shift::Last => -(if back == 0 { 7 } else { back }),
                Shift::Next => {
                    if fwd == 0 {
                        7
                    } else {
                        fwd
                    }
                }
                Shift::This => w - today,
                Shift::Tense => match tense {
                    Tense::Past => -back,
                    Tense::Future => fwd,
                    Tense::Present | Tense::Unknown => {
                        if back <= 3 {
                            -back
                        } else {
                            fwd
                        }
                    }
                },
            };
            Ok(day_iv(shift_days(doc, delta)?))
        }
        Point::RelUnit(unit, n, part) => match unit {
            Unit::Day => Ok(day_iv(shift_days(doc, i64::from(n))?)),
            Unit::Week | Unit::Weekend => {
                let monday = shift_days(doc, -(doc.weekday() as i64) + 7 * i64::from(n))?;
                let (a, b) = if unit == Unit::Week { (0, 6) } else { (5, 6) };
                let unit = if unit == Unit::Week { Granularity::Week } else { Granularity::Day };
                Ok(Iv { start: shift_days(monday, a)?, end: shift_days(monday, b)?, unit })
            }
            Unit::Month => {
                let (y, m) = add_months(doc.year(), doc.month(), n);
                month_iv(y, m, part)
            }
            Unit::Year => year_iv(doc.year() + n, part),
        },
        Point::Weekend => {
            // Saturday of the document's ISO week; a weekend not yet begun
            // is last week's in a past clause.
            let saturday = shift_days(doc, 5 - doc.weekday() as i64)?;
            let past = match tense {
                Tense::Past => true,
                Tense::Future => false,
                Tense::Present | Tense::Unknown => doc.weekday() <= 2,
            };
            let start = if past && doc < saturday { shift_days(saturday, -7)? } else { saturday };
            Ok(Iv { start, end: shift_days(start, 1)?, unit: Granularity::Day })
        }
        Point::Trailing(unit, n, forward) => {
            let n = i64::from(n);
            let other = match unit {
                Unit::Day => shift_days(doc, if forward { n } else { -n })?,
                Unit::Week | Unit::Weekend => shift_days(doc, if forward { 7 * n } else { -7 * n })?,
                Unit::Month | Unit::Year => {
                    let months = if unit == Unit::Month { n } else { 12 * n };
                    let months = i32::try_from(if forward { months } else { -months })
                        .map_err(|_| Unresolved::OutOfRange)?;
                    let (y, m) = add_months(doc.year(), doc.month(), months);
                    ymd(y, m, doc.day().min(month_len(y, m)))?
                }
            };
            let (start, end) = if forward { (doc, other) } else { (other, doc) };
            Ok(Iv { start, end, unit: Granularity::Day })
        }
        Point::Month(m, None, part, shift) => {
            let (m, cur, y) = (u32::from(m), doc.month(), doc.year());
            // Whole months compare: "in March" in a March article is this March.
            let y = match shift {
                Shift::This => y,
                Shift::Last => y - i32::from(m >= cur),
                Shift::Next => y + i32::from(m <= cur),
                Shift::Tense => match tense {
                    Tense::Past => y - i32::from(m > cur),
                    Tense::Future => y + i32::from(m < cur),
                    Tense::Present | Tense::Unknown => y,
                },
            };
            month_iv(y, m, part)
        }
        Point::MonthOfRelYear(m, n, part) => month_iv(doc.year() + n, u32::from(m), part),
        Point::MonthDay(m, d, None) => {
            let y = infer_year(doc, u32::from(m), u32::from(d), tense);
            Date::new(y, u32::from(m), u32::from(d)).map(day_iv).ok_or(Unresolved::ImpossibleDate)
        }
        // Handled above.
        Point::Date(..) | Point::MonthDay(..) | Point::Month(..) | Point::Year(..) | Point::Decade(_) => {
            Err(Unresolved::OutOfRange)
        }
    }
}

fn range(a: Point, b: Point, doc: Option<Date>, tense: Tense) -> Result<Iv, Unresolved> {
    let ia = interval(a, doc, tense)?;
    let mut ib = interval(b, doc, tense)?;
    if ib.end < ia.start {
        // A year-less end before the start belongs to the next week or year.
        ib = match b {
            Point::Weekday(..) => {
                Iv { start: shift_days(ib.start, 7)?, end: shift_days(ib.end, 7)?, unit: ib.unit }
            }
            Point::MonthDay(m, d, None) => {
                let y = ib.start.year() + 1;
                day_iv(Date::new(y, u32::from(m), u32::from(d)).ok_or(Unresolved::ImpossibleDate)?)
            }
            Point::Month(m, None, part, _) => month_iv(ib.start.year() + 1, u32::from(m), part)?,
            _ => ib,
        };
    }
    let unit = if ia.unit == ib.unit { ia.unit } else { Granularity::Day };
    Ok(Iv { start: ia.start, end: ib.end.max(ia.start), unit })
}

/// The simplest value for days `start..=end`: a day, a whole month or year,
/// or a range.
fn canonical(iv: Iv) -> TimeValue {
    let (s, e) = (iv.start, iv.end);
    if s == e && iv.unit == Granularity::Day {
        return TimeValue::Day(s);
    }
    let whole_month = s.day() == 1 && e.day() == month_len(e.year(), e.month());
    if whole_month && s.year() == e.year() && s.month() == e.month() && iv.unit >= Granularity::Month {
        return TimeValue::Month { year: s.year(), month: s.month() };
    }
    let whole_year =
        s.year() == e.year() && s.month() == 1 && s.day() == 1 && e.month() == 12 && e.day() == 31;
    if whole_year && iv.unit == Granularity::Year {
        return TimeValue::Year(s.year());
    }
    TimeValue::Range { start: s, end: e, unit: iv.unit }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// The expressions of `text` resolved with the guessed tense, as
    /// (text, value) pairs.
    fn run(text: &str, doc: Option<&str>) -> Vec<(String, String)> {
        let mut f = DateFinder::new();
        let mut out = Vec::new();
        f.find_resolved(text, Span::new(0, text.len()), doc.map(d), &mut out);
        out.into_iter().map(|e| (e.text, e.value.to_string())).collect()
    }

    fn one(text: &str, doc: Option<&str>) -> (String, String) {
        let v = run(text, doc);
        assert_eq!(v.len(), 1, "{text}: {v:?}");
        v.into_iter().next().unwrap()
    }

    const FRI: Option<&str> = Some("2025-03-14");

    #[test]
    fn weekdays_by_tense() {
        assert_eq!(one("Witkoff met Putin on Thursday.", FRI), ("on Thursday".into(), "2025-03-13".into()));
        assert_eq!(one("He will fly to Kyiv on Thursday.", FRI).1, "2025-03-20");
        assert_eq!(one("They said on Friday that the talks failed.", FRI).1, "2025-03-14");
        assert_eq!(one("The talks begin Monday.", FRI).1, "2025-03-17");
        assert_eq!(one("The rally was held last Thursday.", FRI).1, "2025-03-13");
        assert_eq!(one("She arrives next Monday.", FRI).1, "2025-03-17");
        assert_eq!(one("She arrives next Friday.", FRI).1, "2025-03-21");
        assert_eq!(one("The vote this Wednesday passed.", FRI).1, "2025-03-12");
        assert_eq!(one("On Thursday night, a drone struck a depot.", FRI).1, "2025-03-13");
    }

    #[test]
    fn relative_days_weeks_months_years() {
        assert_eq!(one("The ministry said today.", FRI).1, "2025-03-14");
        assert_eq!(one("Troops withdrew yesterday.", FRI).1, "2025-03-13");
        assert_eq!(one("Talks resume tomorrow.", FRI).1, "2025-03-15");
        assert_eq!(one("Talks took place this week.", FRI).1, "2025-03-10/2025-03-16");
        assert_eq!(one("Talks took place last week.", FRI).1, "2025-03-03/2025-03-09");
        assert_eq!(one("Talks resume next week.", FRI).1, "2025-03-17/2025-03-23");
        assert_eq!(one("It fell earlier this week.", FRI).1, "2025-03-10/2025-03-16");
        assert_eq!(one("Prices rose this month.", FRI).1, "2025-03");
        assert_eq!(one("Prices rose last month.", Some("2025-01-10")).1, "2024-12");
        assert_eq!(one("A deal could be reached this year.", FRI).1, "2025");
        assert_eq!(one("It grew last year.", FRI).1, "2024");
        assert_eq!(one("It grew earlier this year.", FRI).1, "2025");
        assert_eq!(one("It happened two days ago.", FRI).1, "2025-03-12");
        assert_eq!(one("It happened a year ago.", FRI).1, "2024");
        assert_eq!(one("He returns in two weeks.", FRI).1, "2025-03-24/2025-03-30");
        assert_eq!(one("He returns in 10 days.", FRI).1, "2025-03-24");
        assert_eq!(one("Fighting raged over the past two weeks.", FRI).1, "2025-02-28/2025-03-14");
        assert_eq!(one("Fighting raged last weekend.", FRI).1, "2025-03-08/2025-03-09");
    }

    #[test]
    fn months_and_explicit_dates() {
        assert_eq!(one("The strike happened in March.", Some("2025-06-05")).1, "2025-03");
        assert_eq!(one("The strike happened in August.", Some("2025-06-05")).1, "2024-08");
        assert_eq!(one("Elections will be held in March.", Some("2025-06-05")).1, "2026-03");
        assert_eq!(one("They met on March 13.", Some("2025-06-05")).1, "2025-03-13");
        assert_eq!(one("They met on March 13, 2024.", FRI).1, "2024-03-13");
        assert_eq!(one("They met on 13 March 2024.", FRI).1, "2024-03-13");
        assert_eq!(one("They met on 2024-03-13.", FRI).1, "2024-03-13");
        assert_eq!(one("They met on 3/13/2024.", FRI).1, "2024-03-13");
        assert_eq!(one("They met on 13/3/2024.", FRI).1, "2024-03-13");
        assert_eq!(one("They met on Sept. 5, 2024.", FRI).1, "2024-09-05");
        assert_eq!(one("They met on the 5th of September.", FRI).1, "2024-09-05");
        assert_eq!(one("Talks on Thursday, March 13, 2025 ended.", None).1, "2025-03-13");
        assert_eq!(one("It peaked in mid-March.", FRI).1, "2025-03-11/2025-03-20");
        assert_eq!(one("It peaked in late 2024.", FRI).1, "2024-09/2024-12");
        assert_eq!(one("It peaked at the end of 2024.", FRI).1, "2024-12");
        assert_eq!(one("It peaked in 2024.", FRI).1, "2024");
        assert_eq!(one("It was popular in the 1990s.", FRI).1, "1990/1999");
        assert_eq!(one("In March 2022, troops advanced.", FRI).1, "2022-03");
    }

    #[test]
    fn ranges_and_since() {
        assert_eq!(one("Talks ran from March 10 to 14.", FRI).1, "2025-03-10/2025-03-14");
        assert_eq!(one("Talks ran March 10-14, 2024.", FRI).1, "2024-03-10/2024-03-14");
        assert_eq!(one("Talks ran 10–14 March 2024.", FRI).1, "2024-03-10/2024-03-14");
        assert_eq!(one("He served between 2019 and 2021.", FRI).1, "2019/2021");
        assert_eq!(one("He served from 2019 to 2021.", FRI).1, "2019/2021");
        assert_eq!(one("He served 2019–2021.", FRI).1, "2019/2021");
        assert_eq!(one("The war has raged since 2022.", FRI).1, "2022-01-01/2025-03-14");
        assert_eq!(one("The war has raged since 2022.", None).1, "2022/..");
        assert_eq!(one("Talks ran from Monday to Wednesday.", FRI).1, "2025-03-10/2025-03-12");
    }

    #[test]
    fn unresolved_and_impossible() {
        assert_eq!(one("Witkoff met Putin on Thursday.", None).1, "unresolved: no document date");
        assert_eq!(one("It fell last year.", None).1, "unresolved: no document date");
        assert_eq!(one("They met on March 13, 2025.", None).1, "2025-03-13");
        assert_eq!(one("The letter was dated February 30.", FRI).1, "unresolved: impossible date");
        assert_eq!(one("The letter was dated February 30.", None).1, "unresolved: impossible date");
        assert_eq!(one("The file is stamped 2025-13-01.", FRI).1, "unresolved: impossible date");
        assert_eq!(one("It was sent on 31 April 2023.", FRI).1, "unresolved: impossible date");
        assert_eq!(one("It was sent on February 29, 2024.", FRI).1, "2024-02-29");
        assert_eq!(one("Near the end of time, 9999-12-31 passed.", None).1, "9999-12-31");
        assert_eq!(one("It happens tomorrow.", Some("9999-12-31")).1, "unresolved: date out of range");
    }

    #[test]
    fn weekends_coordination_and_relative_years() {
        assert_eq!(
            one("Students blocked a bridge over the weekend.", Some("2025-02-03")).1,
            "2025-02-01/2025-02-02"
        );
        assert_eq!(
            one("Students will block a bridge over the weekend.", Some("2025-02-03")).1,
            "2025-02-08/2025-02-09"
        );
        assert_eq!(one("The war began in April last year.", Some("2024-04-17")).1, "2023-04");
        let v = run("Rallies were held in April and May.", Some("2024-06-05"));
        assert_eq!(v, [("in April".into(), "2024-04".into()), ("May".into(), "2024-05".into())]);
        // The auxiliary, not the participle, sets the tense; the clause
        // between commas comes before the attribution.
        assert_eq!(one("Elections will be held on Monday.", FRI).1, "2025-03-17");
        assert_eq!(
            one("Parliament will vote on Tuesday, the speaker's office announced.", FRI).1,
            "2025-03-18"
        );
        assert_eq!(one("Protests are planned for Saturday.", FRI).1, "2025-03-15");
        assert_eq!(
            one("The group will add 411,000 barrels per day in May, officials said.", FRI).1,
            "2025-05"
        );
        // "next weeks" is no expression; a plural unit is a duration.
        assert!(run("The next weeks will be decisive.", FRI).is_empty());
    }

    #[test]
    fn not_dates() {
        for text in [
            "A 30-day ceasefire was proposed.",
            "Some 2,000 troops in 1,500 vehicles.",
            "They may march on the capital.",
            "March organisers said May was a good month for Jan.",
            "The score was 3/4 in the end.",
            "At last the day came.",
            "He met her at 10:30.",
        ] {
            assert!(run(text, FRI).is_empty(), "{text}: {:?}", run(text, FRI));
        }
    }

    #[test]
    fn tense_from_tagged_words() {
        assert_eq!(tense_from_tags([("He", "PRP"), ("will", "MD"), ("meet", "VB")]), Tense::Future);
        assert_eq!(tense_from_tags([("He", "PRP"), ("met", "VBD")]), Tense::Past);
        assert_eq!(tense_from_tags([("He", "PRP"), ("meets", "VBZ")]), Tense::Present);
        assert_eq!(tense_from_tags([("He", "PRP"), ("could", "MD")]), Tense::Unknown);
    }

    #[test]
    fn serialises() {
        let mut f = DateFinder::new();
        let mut out = Vec::new();
        let text = "Talks took place this week and on Thursday.";
        f.find_resolved(text, Span::new(0, text.len()), None, &mut out);
        let j = serde_json::to_value(&out).unwrap();
        assert_eq!(j[0]["text"], "this week");
        assert_eq!(j[0]["value"], serde_json::Value::Null);
        assert_eq!(j[0]["unresolved"], "no document date");
        out.clear();
        f.find_resolved(text, Span::new(0, text.len()), Some(d("2025-03-14")), &mut out);
        let j = serde_json::to_value(&out).unwrap();
        assert_eq!(j[0]["value"], "2025-03-10/2025-03-16");
        assert_eq!(j[0]["granularity"], "week");
        assert_eq!(j[1]["value"], "2025-03-13");
        assert!(j[1].get("unresolved").is_none());
    }
}
