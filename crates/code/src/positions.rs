//! Positions: where actors stand on issues ("Ukraine joining NATO",
//! "30-day ceasefire"), derived from the coder's events and from quotes.
//!
//! A [`Position`] is an actor, a normalised issue, a [`Stance`] (for,
//! against, open, neutral), the date, and the evidence it came from (event
//! ids, quote ids, sentence spans). The same actor and issue seen several
//! times is one record holding all the evidence; when the evidence
//! disagrees, the latest by date (then by place in the text) decides and the
//! rest stays in the evidence.
//!
//! # Issues
//!
//! Issues are found in the document's text in three ways, all driven by the
//! issues file ([`Issues`], `dictionaries/issues.txt`, whose header
//! documents the format), so that a user adding lines to it changes the
//! issues found without touching code:
//!
//! * **named issues**: phrases listed under an issue name ("JCPOA" is "Iran
//!   nuclear deal"), optionally only for actors with a given code;
//! * **frames**: patterns with slots that name an issue from the countries
//!   and organisations they contain ("Kiev’s NATO aspirations", "Ukraine’s
//!   membership in the alliance", "the possibility of Ukraine joining NATO"
//!   are all "Ukraine joining NATO"; capitals and demonyms read as their
//!   country). A slot a phrase leaves out ("NATO membership") is filled from
//!   the event's actors. A pattern may also say where a slot's filler
//!   stands: "Kiev’s desire to join NATO" puts Ukraine *for*;
//! * **proposal nouns** ("head" entries: ceasefire, sanctions, membership,
//!   ...): the noun with its modifiers and the name it is about, without
//!   determiners, a person's possessive or the file's "drop" words: "a
//!   proposed 30-day ceasefire with Russia" is "30-day ceasefire", "any
//!   security guarantees for Kiev" "security guarantees for Ukraine". A bare
//!   noun, or one with only a generic word ("Trump’s ceasefire proposal"),
//!   names the document's nearest more specific issue with the same noun
//!   ("30-day ceasefire"), as does a name whose words another's hold ("the
//!   60-day truce" after "a 60-day truce in Gaza"). A named object of a
//!   preposition stays in the name ("sanctions on Iran", "tariffs on Chinese
//!   electric vehicles"), as does the object of "of" ("withdrawal of foreign
//!   troops").
//!
//! A generic noun after a definite determiner ("the plan", "the Egyptian
//! proposal", "the decision") and a pronoun complement ("voted against it")
//! stand for the issue named just before them. "Her country" in a frame
//! ("her country’s bid to join the EU") is filled from the event's actors.
//!
//! # Stances
//!
//! From **events** (the coder's CAMEO code and PLOVER type), about the issue
//! in the event's complement (else the rest of its clause); the event's
//! source holds the stance:
//!
//! | event | stance |
//! |---|---|
//! | REJECT, CAMEO 12x | against |
//! | ACCUSE, CAMEO 11x, when the issue is what is accused ("identified Kiev’s NATO aspirations as a cause") | against |
//! | REQUEST, CAMEO 02x (appeal), 10x (demand: "insists on") | for |
//! | AGREE, SUPPORT, CONCEDE, RETREAT, CAMEO 03x, 05x, 08x | for |
//! | CAMEO 014 (consider), 036 (intent to negotiate), or an AGREE whose words say "willing/ready/prepared to discuss", "open to" | open |
//! | CAMEO 163 (impose an embargo or sanctions) | for |
//! | CAMEO 16x otherwise (reduce or end relations, aid, talks: "ending its defence cooperation agreement") | against |
//! | CAMEO 01x statements | from the words, as for quotes |
//!
//! Words between the trigger and the issue can turn the stance: "asked to
//! be *exempted from* the target" and "accused Tehran of *violating* the
//! deal" give against and for; so can "to leave" after it ("ordered US
//! troops *to leave*"). An accusation that only names the issue inside its
//! charge ("accused X of looting aid convoys") gives no stance.
//!
//! From **quotes and reported speech** (direct, partial and indirect, with
//! the speaker the coder attached), by stance cues: a verb before the issue
//! ("we reject", "ruled out", "willing to discuss", "declined to comment
//! on"), or a predicate after it ("... is not being considered", "... is a
//! major factor in the conflict", "... would be needed"). A negation just
//! before a verb turns it ("does not support" is against, "has not ruled
//! out" open). A verb's subject must be the speaker: none, a pronoun, the
//! speaker's own name, organisation ("the alliance" for NATO's chief) or
//! country ("Moscow" for the Kremlin's spokesman); "Trump had ruled out ..."
//! reported by Rutte is Trump's stance, which the coder's event carries, not
//! Rutte's.
//!
//! Provenance: each [`Evidence`] names the event or quote, the issue as
//! written and where, the rule or cue that gave the stance, and the issues
//! file entry that named the issue (`dictionaries/issues.txt:70: frame {X}
//! joining {Y}`).
//!
//! Limits: issues are phrases, not events of the text, so "the move" or
//! "the decision" is taken for the issue named last before it, which is
//! sometimes not what it refers to; cues are English word lists
//! (`positions_cues.rs`); an issue the file's nouns and frames do not cover
//! is not found until a line is added for it.
//!
//! # Using it in the coder
//!
//! Keep one [`PositionFinder`] per worker. At the end of each document,
//! fill an [`EventIn`] for each event (source and target codes and texts,
//! CAMEO code, PLOVER type, the sentence, trigger and complement spans, the
//! date) and a [`QuoteIn`] for each quote with a coded speaker, and call
//! [`PositionFinder::derive`]. Give each [`Position`] an id and the
//! document's provenance when writing it.
//!
//! ```
//! use std::sync::Arc;
//! use dyad_code::positions::{EventIn, Holder, Issues, PositionFinder, Stance};
//! use dyad_dict::gazetteer::Gazetteer;
//! use dyad_text::{Segmented, Span};
//!
//! let text = "Trump had already ruled out the possibility of Ukraine joining NATO.";
//! let mut seg = Segmented::default();
//! seg.segment(text);
//! let gaz = Arc::new(Gazetteer::embedded().unwrap());
//! let mut finder = PositionFinder::new(Arc::new(Issues::embedded()), gaz);
//! let at = |w: &str| { let s = text.find(w).unwrap(); Span::new(s, s + w.len()) };
//! let event = EventIn {
//!     id: "E7",
//!     source: Holder { code: "USAGOV", text: "Trump" },
//!     target: Some(Holder { code: "UKR", text: "Ukraine" }),
//!     cameo: "120",
//!     plover: "REJECT",
//!     sentence: seg.sentences[0].span,
//!     trigger: at("ruled out"),
//!     complement: Some(at("the possibility of Ukraine joining NATO")),
//!     date: None,
//! };
//! let mut out = Vec::new();
//! finder.derive(text, &seg.sentences, None, &[event], &[], &mut out);
//! assert_eq!(out.len(), 1);
//! assert_eq!((out[0].actor.code.as_str(), out[0].issue.as_str(), out[0].stance), ("USAGOV", "Ukraine joining NATO", Stance::Against));
//! assert_eq!(out[0].evidence[0].id.as_deref(), Some("E7"));
//! ```

use std::sync::Arc;

use dyad_dict::gazetteer::{Gazetteer, Kind as GazKind};
use dyad_text::{Date, Sentence, Span};
use serde::ser::{Serialize, SerializeStruct, Serializer};

#[path = "positions_cues.rs"]
mod cues;
#[path = "positions_issues.rs"]
mod issues;

use crate::dates::lex::{self, Kind, Tok};
use cues::{is_negation, negate, Cue};
use issues::{norm_string, tok_eq, Item, Pattern, Slot, Val};
pub use issues::{IssueFileError, Issues, ISSUES_TXT};

/// Where an actor stands on an issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    For,
    Against,
    /// Willing to discuss or consider it.
    Open,
    /// Declines to take a side.
    Neutral,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::For => "for",
            Stance::Against => "against",
            Stance::Open => "open",
            Stance::Neutral => "neutral",
        }
    }

    /// `for`, `against`, `open`, `neutral`.
    pub fn parse(s: &str) -> Option<Stance> {
        match s {
            "for" => Some(Stance::For),
            "against" => Some(Stance::Against),
            "open" => Some(Stance::Open),
            "neutral" => Some(Stance::Neutral),
            _ => None,
        }
    }
}

/// An actor as the coder coded it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Holder<'a> {
    /// CAMEO actor code (`RUSGOV`, `IGOWSTNAT`).
    pub code: &'a str,
    /// The words naming it ("Moscow", "the Russian leader").
    pub text: &'a str,
}

/// One event, as the coder passes it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventIn<'a> {
    pub id: &'a str,
    pub source: Holder<'a>,
    pub target: Option<Holder<'a>>,
    /// CAMEO event code ("120", "0871"); may be empty.
    pub cameo: &'a str,
    /// PLOVER event type ("REJECT"); may be empty.
    pub plover: &'a str,
    /// The sentence's byte span.
    pub sentence: Span,
    /// The verb or noun that triggered the event ("ruled out", "talks").
    pub trigger: Span,
    /// What the event is about: the object or complement of the trigger
    /// ("the possibility of Ukraine joining NATO"); `None` when the coder
    /// has none (the rest of the clause is read instead).
    pub complement: Option<Span>,
    pub date: Option<Date>,
}

/// One quote or piece of reported speech with its coded speaker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QuoteIn<'a> {
    pub id: &'a str,
    pub speaker: Holder<'a>,
    /// The quoted text's parts (one for most quotes), byte spans.
    pub parts: &'a [Span],
    pub date: Option<Date>,
}

/// An actor in a position record.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Actor {
    pub code: String,
    pub text: String,
}

/// Where a piece of evidence comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Event,
    Quote,
    /// A phrase of the text itself ("Kiev’s desire to join NATO").
    Text,
}

/// One reason for a position.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Evidence {
    pub source: Source,
    /// The event's or quote's id.
    pub id: Option<String>,
    /// The issue as written.
    pub text: String,
    /// Where the issue is written (bytes).
    pub span: Span,
    pub stance: Stance,
    /// The rule or cue that gave the stance.
    pub rule: String,
    /// The issues-file entry that named the issue.
    pub issue_rule: String,
    #[serde(serialize_with = "ser_date")]
    pub date: Option<Date>,
}

/// An actor's stance on an issue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    pub actor: Actor,
    /// The normalised issue ("Ukraine joining NATO").
    pub issue: String,
    pub stance: Stance,
    /// The date of the deciding evidence (the event's or quote's, else the document's).
    pub date: Option<Date>,
    /// Every piece of evidence, in text order.
    pub evidence: Vec<Evidence>,
}

impl Serialize for Position {
    /// `{"actor": {"code", "text"}, "issue", "stance", "date", "evidence": [...]}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Position", 5)?;
        st.serialize_field("actor", &self.actor)?;
        st.serialize_field("issue", &self.issue)?;
        st.serialize_field("stance", &self.stance)?;
        st.serialize_field("date", &self.date.map(|d| d.to_string()))?;
        st.serialize_field("evidence", &self.evidence)?;
        st.end()
    }
}

fn ser_date<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

/// How an issue mention was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueKind {
    /// A phrase listed under an issue name.
    Named,
    /// A frame pattern.
    Frame,
    /// A proposal noun with its modifiers.
    Phrase,
}

/// A slot value: the canonical name, its actor code if known, the words.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Filler {
    name: String,
    code: Option<String>,
    text: String,
}

/// An issue named in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueMention {
    pub span: Span,
    /// The normalised issue (after linking a bare noun to the document's
    /// more specific issue).
    pub name: String,
    pub kind: IssueKind,
    /// Whether the name says more than its noun ("30-day ceasefire", not "ceasefire").
    pub specific: bool,
    head: Option<u32>,
    cond: Option<u32>,
    /// A frame with one slot to fill from the actors: frame, missing slot, the other filler.
    pending: Option<(u32, Slot, Filler)>,
    /// Where the phrase puts a slot's filler ("Kiev’s desire to join NATO").
    holder: Option<(Filler, Stance)>,
    /// Whether `name` was taken from another mention.
    linked: bool,
    /// A generic noun standing for an issue named before ("the plan").
    anaphor: bool,
    /// The entry of the issues file that matched ("issues.txt:52: frame {X} joining {Y}").
    pub origin: String,
}

/// Finds issues and derives positions; keep one per worker.
#[derive(Clone, Debug)]
pub struct PositionFinder {
    issues: Arc<Issues>,
    gaz: Arc<Gazetteer>,
    toks: Vec<Tok>,
    mentions: Vec<IssueMention>,
    found: Vec<Found>,
}

/// One stance before merging.
#[derive(Clone, Debug)]
struct Found {
    code: String,
    text: String,
    issue: String,
    ev: Evidence,
}

/// A frame pattern's match: end token, frame, pattern, slot fillers.
type FrameHit<'p> = (usize, u32, &'p Pattern, Vec<(Slot, Filler)>);

/// Clause breaks for cue scopes.
fn is_break_tok(text: &str, t: &Tok) -> bool {
    t.kind == Kind::Punct
        && matches!(
            t.punct(text),
            ',' | ';' | ':' | '.' | '!' | '?' | '“' | '”' | '"' | '(' | ')' | '—' | '–' | '…'
        )
}

fn lower_word<'b>(text: &str, t: &Tok, buf: &'b mut [u8; 32]) -> &'b str {
    issues::norm_into(t.text(text), buf).unwrap_or("")
}

fn is_determiner(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "this"
            | "that"
            | "these"
            | "those"
            | "its"
            | "their"
            | "his"
            | "her"
            | "our"
            | "my"
            | "your"
            | "some"
            | "no"
            | "every"
            | "each"
            | "another"
            | "all"
            | "both"
            | "which"
            | "what"
    )
}

/// Words that end a noun phrase's modifiers on the left.
fn stops_modifiers(w: &str) -> bool {
    is_determiner(w)
        || matches!(
            w,
            "to" | "of"
                | "in"
                | "on"
                | "at"
                | "for"
                | "with"
                | "by"
                | "from"
                | "and"
                | "or"
                | "but"
                | "as"
                | "is"
                | "are"
                | "was"
                | "were"
                | "be"
                | "been"
                | "being"
                | "has"
                | "have"
                | "had"
                | "will"
                | "would"
                | "could"
                | "should"
                | "can"
                | "may"
                | "might"
                | "must"
                | "not"
                | "no"
                | "it"
                | "he"
                | "she"
                | "they"
                | "we"
                | "i"
                | "you"
                | "than"
                | "if"
                | "after"
                | "before"
                | "about"
                | "against"
                | "over"
                | "under"
                | "into"
                | "while"
                | "when"
                | "since"
                | "also"
                | "only"
                | "very"
                | "more"
                | "most"
                | "so"
                | "such"
                | "said"
                | "says"
                | "told"
                | "seek"
                | "seeks"
                | "sought"
                | "want"
                | "wants"
                | "there"
                | "here"
                | "out"
                | "up"
                | "off"
                | "do"
                | "does"
                | "did"
                | "get"
                | "got"
        )
        || w.ends_with("ed")
        || w.ends_with("ing")
        || w.ends_with("ly")
}

/// Prepositions that keep their named object in an issue's name.
fn keeps_complement(w: &str) -> bool {
    matches!(w, "against" | "on" | "for" | "in" | "to" | "of" | "over" | "from")
}

const MAX_MODIFIERS: usize = 3;

/// Without a complement, how many tokens after an event's trigger its issue may start.
const NEAR_WORDS: usize = 6;

impl PositionFinder {
    pub fn new(issues: Arc<Issues>, gaz: Arc<Gazetteer>) -> PositionFinder {
        PositionFinder { issues, gaz, toks: Vec::new(), mentions: Vec::new(), found: Vec::new() }
    }

    /// The issues named in `text[range]` (a sentence), appended to `out` in
    /// text order, not yet linked across the document.
    pub fn issues_in(&mut self, text: &str, range: Span, out: &mut Vec<IssueMention>) {
        self.toks.clear();
        lex::scan(text, range.start as usize, range.end as usize, &mut self.toks);
        let toks = std::mem::take(&mut self.toks);
        let anchored = toks.iter().any(|t| self.issues.frame_words.has_first(t.text(text)));
        let mut i = 0;
        let mut last_end = 0;
        while i < toks.len() {
            // Punctuation starts no issue; nor does a word that opens no
            // phrase of the issues file, unless a frame may start with it
            // (a name in a sentence holding a frame's word).
            let t = &toks[i];
            let may_frame = anchored
                && (t.text(text).chars().next().is_some_and(char::is_uppercase)
                    || matches!(
                        lower_word(text, t, &mut [0u8; 32]),
                        "her" | "his" | "its" | "their" | "our"
                    ));
            if t.kind == Kind::Punct || !may_frame && !self.issues.phrases.has_first(t.text(text)) {
                i += 1;
                continue;
            }
            if let Some((end, m)) = self.mention_at(text, &toks, i, last_end, anchored) {
                let end = end.max(i + 1);
                out.push(m);
                i = end;
                last_end = end;
            } else {
                i += 1;
            }
        }
        self.toks = toks;
    }

    /// An issue mention involving token `i`: a named issue or frame starting
    /// there, else a phrase around a proposal noun there.
    fn mention_at(
        &self,
        text: &str,
        toks: &[Tok],
        i: usize,
        floor: usize,
        anchored: bool,
    ) -> Option<(usize, IssueMention)> {
        let span_of = |a: usize, b: usize| Span { start: toks[a].start, end: toks[b - 1].end };
        // Named issues, longest first.
        if let Some((n, Val::Issue(id, cond))) =
            self.issues.phrases.at(text, toks, i).find(|(_, v)| matches!(v, Val::Issue(..)))
        {
            let name = self.issues.names.get(id as usize).cloned().unwrap_or_default();
            let m = IssueMention {
                span: span_of(i, i + n),
                name,
                kind: IssueKind::Named,
                specific: true,
                head: None,
                cond,
                pending: None,
                holder: None,
                linked: false,
                anaphor: false,
                origin: format!(
                    "{}:{}: issue {}",
                    self.issues.file,
                    self.issues.name_lines.get(id as usize).copied().unwrap_or(0),
                    self.issues.names.get(id as usize).map_or("", String::as_str)
                ),
            };
            return Some((i + n, m));
        }
        if anchored {
            if let Some(found) = self.frame_at(text, toks, i) {
                return Some(found);
            }
        }
        if let Some(found) = self.anaphor_at(text, toks, i) {
            return Some(found);
        }
        let (hl, head) = self.issues.phrases.at(text, toks, i).find_map(|(n, v)| match v {
            Val::Head(h) => Some((n, h)),
            _ => None,
        })?;
        Some(self.head_phrase(text, toks, i, i + hl, head, floor))
    }

    /// A generic noun after a definite determiner ("the plan", "the
    /// Egyptian proposal", "the decision") that no proposal noun follows:
    /// it stands for the issue named before it.
    fn anaphor_at(&self, text: &str, toks: &[Tok], i: usize) -> Option<(usize, IssueMention)> {
        let (n, _) = self.issues.phrases.at(text, toks, i).find(|(_, v)| *v == Val::Generic)?;
        let mut buf = [0u8; 32];
        let mut j = i;
        // One capitalised modifier may come between ("the Egyptian proposal").
        if j > 0 && toks[j - 1].text(text).chars().next().is_some_and(char::is_uppercase) {
            j -= 1;
        }
        let det = j.checked_sub(1).map(|k| lower_word(text, &toks[k], &mut buf).to_string())?;
        if !matches!(
            det.as_str(),
            "the" | "this" | "that" | "these" | "those" | "such" | "its" | "their" | "his" | "her"
        ) {
            return None;
        }
        // "the proposal for a 60-day truce": the proposal noun names it.
        for k in i + n..(i + n + 5).min(toks.len()) {
            if is_break_tok(text, &toks[k]) {
                break;
            }
            if self.issues.phrases.at(text, toks, k).any(|(_, v)| matches!(v, Val::Head(_) | Val::Issue(..)))
            {
                return None;
            }
        }
        let m = IssueMention {
            span: Span { start: toks[j - 1].start, end: toks[i + n - 1].end },
            name: String::new(),
            kind: IssueKind::Phrase,
            specific: false,
            head: None,
            cond: None,
            pending: None,
            holder: None,
            linked: false,
            anaphor: true,
            origin: format!("{}: generic {}", self.issues.file, norm_string(toks[i].text(text))),
        };
        Some((i + n, m))
    }

    /// The longest frame pattern matching at token `i`.
    fn frame_at(&self, text: &str, toks: &[Tok], i: usize) -> Option<(usize, IssueMention)> {
        let mut best: Option<FrameHit<'_>> = None;
        // The filler at `i`, looked up once for all the patterns opening with a slot.
        let mut first: Option<Option<(usize, Filler)>> = None;
        for (f, frame) in self.issues.frames.iter().enumerate() {
            for p in &frame.patterns {
                let opening = match p.items.first() {
                    Some(Item::Word(w)) if !tok_eq(toks[i].text(text), w) => continue,
                    Some(Item::Slot(_)) => match first.get_or_insert_with(|| self.filler_at(text, toks, i)) {
                        Some(fill) => Some(fill.clone()),
                        None => continue,
                    },
                    _ => None,
                };
                if let Some((end, fills)) = self.match_pattern(text, toks, i, p, opening) {
                    if best.as_ref().is_none_or(|b| end > b.0) {
                        best = Some((end, f as u32, p, fills));
                    }
                }
            }
        }
        let (end, f, p, mut fills) = best?;
        // "her country" is a slot to fill from the event's actors.
        fills.retain(|(_, v)| !v.name.is_empty());
        let frame = self.issues.frames.get(f as usize)?;
        let get = |s: Slot| fills.iter().find(|(x, _)| *x == s).map(|(_, v)| v);
        let slots: Vec<Slot> =
            [Slot::X, Slot::Y].into_iter().filter(|s| frame.name.contains(&format!("{{{s}}}"))).collect();
        let missing: Vec<Slot> = slots.iter().copied().filter(|s| get(*s).is_none()).collect();
        let span = Span { start: toks[i].start, end: toks[end - 1].end };
        let holder = p.holder.and_then(|(s, st)| get(s).map(|v| (v.clone(), st)));
        let mut m = IssueMention {
            span,
            name: String::new(),
            kind: IssueKind::Frame,
            specific: true,
            head: None,
            cond: None,
            pending: None,
            holder,
            linked: false,
            anaphor: false,
            origin: format!("{}:{}: frame {}", self.issues.file, p.line, frame.name),
        };
        match missing.as_slice() {
            [] => m.name = fill_frame(&frame.name, get(Slot::X), get(Slot::Y)),
            [s] => {
                let other = slots.iter().find(|x| *x != s).and_then(|x| get(*x)).cloned()?;
                m.name = fill_frame(&frame.name, get(Slot::X), get(Slot::Y));
                m.pending = Some((f, *s, other));
            }
            _ => return None,
        }
        Some((end, m))
    }

    /// Matches pattern `p` at token `i`: the end and the slot fillers.
    fn match_pattern(
        &self,
        text: &str,
        toks: &[Tok],
        i: usize,
        p: &Pattern,
        mut opening: Option<(usize, Filler)>,
    ) -> Option<(usize, Vec<(Slot, Filler)>)> {
        let mut k = i;
        let mut fills: Vec<(Slot, Filler)> = Vec::new();
        for item in &p.items {
            match item {
                Item::Word(w) => {
                    if !tok_eq(toks.get(k)?.text(text), w) {
                        return None;
                    }
                    k += 1;
                }
                Item::Slot(s) => {
                    let (n, f) = match opening.take() {
                        Some(found) if k == i => found,
                        _ => self.filler_at(text, toks, k)?,
                    };
                    if fills.iter().any(|(_, g)| g.name == f.name) {
                        return None;
                    }
                    fills.push((*s, f));
                    k += n;
                }
            }
        }
        Some((k, fills))
    }

    /// A country, capital, demonym or entity at token `k`.
    fn filler_at(&self, text: &str, toks: &[Tok], k: usize) -> Option<(usize, Filler)> {
        let surface = |n: usize| {
            text.get(toks[k].start as usize..toks[k + n - 1].end as usize).unwrap_or("").to_string()
        };
        if let Some((n, Val::Entity(e))) =
            self.issues.phrases.at(text, toks, k).find(|(_, v)| matches!(v, Val::Entity(_)))
        {
            let ent = self.issues.entities.get(e as usize)?;
            return Some((n, Filler { name: ent.name.clone(), code: ent.code.clone(), text: surface(n) }));
        }
        // "her country", "the country": the actor's own, filled from the event.
        if toks.get(k).is_some_and(|t| {
            matches!(lower_word(text, t, &mut [0u8; 32]), "her" | "his" | "its" | "their" | "the" | "our")
        }) && toks.get(k + 1).is_some_and(|t| tok_eq(t.text(text), "country"))
        {
            return Some((2, Filler { name: String::new(), code: None, text: surface(2) }));
        }
        // "the EU", "the United States": the article belongs to the name.
        let lead = usize::from(toks.get(k).is_some_and(|t| tok_eq(t.text(text), "the")));
        if lead == 1 {
            let (n, f) = self.filler_at(text, toks, k + 1)?;
            return Some((n + 1, Filler { text: surface(n + 1), ..f }));
        }
        let first = toks.get(k)?;
        if is_calendar_word(first.text(text)) {
            return None;
        }
        if first.kind != Kind::Word || !first.text(text).chars().next().is_some_and(char::is_uppercase) {
            return None;
        }
        let mut win: [&str; 6] = [""; 6];
        let mut w = 0;
        while w < win.len() && k + w < toks.len() && toks[k + w].kind != Kind::Punct {
            win[w] = toks[k + w].text(text);
            w += 1;
        }
        if let Some((n, cands)) = self.gaz.longest_match(&win[..w]) {
            let res = self.gaz.choose(cands, false, &Default::default())?;
            let (name, iso3) = match res.kind {
                GazKind::City if res.candidate.is_capital() => {
                    let c = self.gaz.country_by_iso3(res.country_iso3)?;
                    (c.name().to_string(), c.iso3())
                }
                _ => (res.name.to_string(), res.country_iso3),
            };
            return Some((n, Filler { name, code: Some(iso3.to_string()), text: surface(n) }));
        }
        let dem = self.gaz.demonym(win[0]);
        let c = dem.first().and_then(|c| self.gaz.country(c.index))?;
        Some((1, Filler { name: c.name().to_string(), code: Some(c.iso3().to_string()), text: surface(1) }))
    }

    /// The noun phrase around proposal noun `head` at tokens `h0..h1`.
    fn head_phrase(
        &self,
        text: &str,
        toks: &[Tok],
        h0: usize,
        h1: usize,
        head: u32,
        floor: usize,
    ) -> (usize, IssueMention) {
        let mut buf = [0u8; 32];
        // Left: modifiers, a possessor.
        let mut start = h0;
        let mut mods: Vec<(usize, usize)> = Vec::new(); // token ranges kept in the name
        let mut possessor: Option<String> = None;
        let mut j = h0;
        let mut words = 0;
        while j > floor {
            let t = &toks[j - 1];
            let w = lower_word(text, t, &mut buf).to_string();
            if t.kind == Kind::Word
                && w == "s"
                && j >= 2
                && toks[j - 2].kind == Kind::Punct
                && matches!(toks[j - 2].punct(text), '\'' | '’')
            {
                // A possessor: a place or entity stays in the name; a person goes.
                if let Some((n, f)) = self.possessor_before(text, toks, j - 2, floor) {
                    possessor = f.map(|f| f.name);
                    start = j - 2 - n;
                }
                break;
            }
            if self.is_drop_word(text, toks, j - 1) {
                j -= 1;
                start = j;
                continue;
            }
            // A quoted label: the “foreign agents” bill.
            if t.kind == Kind::Punct && matches!(t.punct(text), '”' | '"') && mods.is_empty() {
                let open = (j.saturating_sub(7)..j - 1).rev().find(|&k| {
                    k >= floor && toks[k].kind == Kind::Punct && matches!(toks[k].punct(text), '“' | '"')
                });
                if let Some(o) = open {
                    let inner = o + 1..j - 1;
                    if !inner.is_empty() && toks[inner.clone()].iter().all(|x| x.kind == Kind::Word) {
                        for k in inner.rev() {
                            mods.push((k, k + 1));
                        }
                        j = o;
                        start = o;
                        words = MAX_MODIFIERS;
                        continue;
                    }
                }
                break;
            }
            let glued =
                !t.space_before || toks.get(j).is_some_and(|n| !n.space_before) && t.kind == Kind::Punct;
            let ok = match t.kind {
                Kind::Num => true,
                Kind::Punct => t.punct(text) == '-' && j >= 2 && !toks[j].space_before,
                Kind::Word => {
                    let cap = t.text(text).chars().next().is_some_and(char::is_uppercase);
                    if cap {
                        !is_determiner(&w) && !stops_modifiers(&w)
                            || t.text(text).len() > 1 && t.text(text).chars().all(|c| c.is_uppercase())
                    } else {
                        // A verb ("to offer", "would accept", "we oppose") ends the
                        // modifiers; an -ing noun inside a compound ("defence
                        // spending target") does not.
                        let compound_ing =
                            w.ends_with("ing") && j >= 2 && self.is_content_word(text, toks, j - 2);
                        !self.is_verbish(text, toks, j - 1)
                            && (!stops_modifiers(&w) || compound_ing && !is_determiner(&w))
                            && !self.issues.phrases.at(text, toks, j - 1).any(|(_, v)| v == Val::Generic)
                    }
                }
            };
            if !ok || words >= MAX_MODIFIERS && t.kind == Kind::Word && !glued {
                break;
            }
            if t.kind == Kind::Word {
                words += 1;
            }
            j -= 1;
            start = j;
            mods.push((j, j + 1));
        }
        mods.reverse();
        // Right: further proposal nouns and generic words, then a named complement.
        let mut end = h1;
        let mut last_head = (h0, h1, head);
        let mut generic_tail = false;
        loop {
            if let Some((n, v)) = self.issues.phrases.at(text, toks, end).next() {
                match v {
                    Val::Generic => {
                        end += n;
                        generic_tail = true;
                        continue;
                    }
                    Val::Head(h) if !generic_tail => {
                        last_head = (end, end + n, h);
                        end += n;
                        continue;
                    }
                    _ => {}
                }
            }
            break;
        }
        let mut complement: Option<String> = None;
        if let Some(p) = toks.get(end) {
            let pw = lower_word(text, p, &mut buf).to_string();
            if keeps_complement(&pw) {
                let mut k = end + 1;
                if toks.get(k).is_some_and(|t| lower_word(text, t, &mut [0u8; 32]) == "the") {
                    k += 1;
                }
                if let Some((n, f)) = self.filler_at(text, toks, k) {
                    let demonym = n == 1 && !self.gaz.demonym(toks[k].text(text)).is_empty();
                    if demonym {
                        // "on Chinese electric vehicles": the demonym and the nouns after it.
                        let mut e = k + 1;
                        while e < toks.len() && e < k + 4 && toks[e].kind == Kind::Word && {
                            let w = lower_word(text, &toks[e], &mut buf);
                            !stops_modifiers(w) && w.chars().next().is_some_and(char::is_lowercase)
                        } {
                            e += 1;
                        }
                        let words: Vec<String> =
                            toks[k..e]
                                .iter()
                                .enumerate()
                                .map(|(x, t)| {
                                    if x == 0 {
                                        t.text(text).to_string()
                                    } else {
                                        norm_string(t.text(text))
                                    }
                                })
                                .collect();
                        complement = Some(format!("{pw} {}", words.join(" ")));
                        end = e;
                    } else if !f.name.is_empty() {
                        complement = Some(format!("{pw} {}", f.name));
                        end = k + n;
                    }
                } else if pw == "of" {
                    // "the withdrawal of all foreign troops": a nominalisation's
                    // object, without its determiners.
                    let mut a = end + 1;
                    while toks.get(a).is_some_and(|t| {
                        let w = lower_word(text, t, &mut [0u8; 32]).to_string();
                        is_determiner(&w) || matches!(w.as_str(), "any" | "such")
                    }) {
                        a += 1;
                    }
                    let mut e = a;
                    while e < toks.len() && e < a + 3 && toks[e].kind == Kind::Word && {
                        let w = lower_word(text, &toks[e], &mut buf);
                        !stops_modifiers(w) && w.chars().next().is_some_and(char::is_lowercase)
                    } {
                        e += 1;
                    }
                    if e > a {
                        let words: Vec<String> =
                            toks[a..e].iter().map(|t| norm_string(t.text(text))).collect();
                        complement = Some(format!("of {}", words.join(" ")));
                        end = e;
                    }
                }
            }
        }
        // The name: possessor, modifiers, nouns (each proposal noun in its
        // canonical form; generic words dropped), complement.
        let mut name = String::new();
        if let Some(p) = &possessor {
            name.push_str(p);
            name.push_str("'s");
        }
        let mut prev_end: Option<u32> = None;
        for &(a, _) in &mods {
            let t = &toks[a];
            let glue = prev_end.is_some_and(|e| e == t.start);
            if !name.is_empty() && !glue {
                name.push(' ');
            }
            let s = t.text(text);
            if s.chars().next().is_some_and(char::is_uppercase) {
                // A country or capital reads as the country ("Kiev" → "Ukraine");
                // a demonym stays ("Russian peacekeepers").
                match self.filler_at(text, toks, a) {
                    Some((1, f))
                        if f.code.as_deref().is_some_and(|c| c.len() == 3)
                            && self.gaz.demonym(s).is_empty() =>
                    {
                        name.push_str(&f.name)
                    }
                    _ => name.push_str(s),
                }
            } else {
                name.push_str(&norm_string(s));
            }
            prev_end = Some(t.end);
        }
        // Nouns between the first head and the last head (compounds like
        // "sanctions package" keep their words; generic words go).
        let mut k = h0;
        while k < last_head.1 {
            let (n, v) = self.issues.phrases.at(text, toks, k).next().unwrap_or((1, Val::Drop));
            let n = n.max(1);
            let word = match v {
                Val::Head(h) => self.issues.heads.get(h as usize).cloned().unwrap_or_default(),
                _ => toks[k..k + n].iter().map(|t| norm_string(t.text(text))).collect::<Vec<_>>().join(" "),
            };
            if !name.is_empty() {
                name.push(' ');
            }
            name.push_str(&word);
            k += n;
        }
        if let Some(c) = &complement {
            name.push(' ');
            name.push_str(c);
        }
        let specific = possessor.is_some() || !mods.is_empty() || complement.is_some() || last_head.0 != h0;
        let m = IssueMention {
            span: Span { start: toks[start].start, end: toks[end - 1].end },
            name,
            kind: IssueKind::Phrase,
            specific,
            head: Some(last_head.2),
            cond: None,
            pending: None,
            holder: None,
            linked: false,
            anaphor: false,
            origin: format!(
                "{}:{}: head {}",
                self.issues.file,
                self.issues.head_lines.get(last_head.2 as usize).copied().unwrap_or(0),
                self.issues.heads.get(last_head.2 as usize).map_or("", String::as_str)
            ),
        };
        (end, m)
    }

    /// Whether token `j` is used as a verb: a stance verb ("accept",
    /// "oppose") or a word after "to", a modal or a subject pronoun.
    fn is_verbish(&self, text: &str, toks: &[Tok], j: usize) -> bool {
        if cues::table().set.at(text, toks, j).next().is_some() {
            return true;
        }
        let mut buf = [0u8; 32];
        j.checked_sub(1).is_some_and(|k| {
            matches!(
                lower_word(text, &toks[k], &mut buf),
                "to" | "will"
                    | "would"
                    | "can"
                    | "could"
                    | "should"
                    | "may"
                    | "might"
                    | "must"
                    | "did"
                    | "does"
                    | "do"
                    | "not"
                    | "t"
                    | "we"
                    | "they"
                    | "i"
                    | "he"
                    | "she"
                    | "it"
                    | "who"
                    | "which"
            )
        })
    }

    /// Whether token `k` is a lower-case noun or adjective that can start a
    /// compound (not a function word, verb or adverb).
    fn is_content_word(&self, text: &str, toks: &[Tok], k: usize) -> bool {
        let t = &toks[k];
        let mut buf = [0u8; 32];
        let w = lower_word(text, t, &mut buf).to_string();
        t.kind == Kind::Word
            && t.text(text).chars().next().is_some_and(char::is_lowercase)
            && !stops_modifiers(&w)
            && !self.is_verbish(text, toks, k)
    }

    /// Whether token `j` is a one-word drop ("proposed", "any").
    fn is_drop_word(&self, text: &str, toks: &[Tok], j: usize) -> bool {
        self.issues.phrases.at(text, toks, j).any(|(n, v)| v == Val::Drop && n == 1)
    }

    /// The possessor ending at token `j` (exclusive; `j` is the apostrophe):
    /// how many tokens it spans and, for a place or entity, its filler.
    fn possessor_before(
        &self,
        text: &str,
        toks: &[Tok],
        j: usize,
        floor: usize,
    ) -> Option<(usize, Option<Filler>)> {
        // Up to three capitalised words.
        let mut a = j;
        while a > floor
            && j - a < 3
            && toks[a - 1].kind == Kind::Word
            && toks[a - 1].text(text).chars().next().is_some_and(char::is_uppercase)
        {
            a -= 1;
        }
        if a == j {
            // "the country's", "its": not a name; keep nothing.
            let t = toks.get(j.checked_sub(1)?)?;
            return (t.kind == Kind::Word && j > floor).then_some((1, None));
        }
        for s in a..j {
            if let Some((n, f)) = self.filler_at(text, toks, s) {
                if s + n == j {
                    return Some((j - a, Some(f)));
                }
            }
        }
        Some((j - a, None))
    }

    /// Links each bare proposal noun to the document's nearest more specific
    /// issue with the same noun (before it, else after it).
    fn link(&mut self) {
        let n = self.mentions.len();
        let words =
            |m: &IssueMention| -> Vec<String> { m.name.split_whitespace().map(str::to_lowercase).collect() };
        for i in 0..n {
            let m = &self.mentions[i];
            if m.anaphor {
                // The nearest issue named before it.
                if let Some(k) =
                    (0..i).rev().find(|&k| !self.mentions[k].anaphor && !self.mentions[k].name.is_empty())
                {
                    self.mentions[i].name = self.mentions[k].name.clone();
                    self.mentions[i].pending = self.mentions[k].pending.clone();
                    self.mentions[i].linked = true;
                }
                continue;
            }
            if m.head.is_none() {
                continue;
            }
            // A nearer issue with the same noun whose name holds all of this
            // one's words ("60-day ceasefire" in "60-day ceasefire in Gaza").
            let head = m.head;
            let mine = words(m);
            let covers = |k: usize| {
                let o = &self.mentions[k];
                if o.head != head || o.linked || o.name.len() <= self.mentions[i].name.len() {
                    return false;
                }
                let theirs = words(o);
                mine.iter().all(|w| theirs.contains(w))
            };
            let before = (0..i).rev().find(|&k| covers(k));
            let after = || if m.specific { None } else { (i + 1..n).find(|&k| covers(k)) };
            if let Some(k) = before.or_else(after) {
                let name = self.mentions[k].name.clone();
                self.mentions[i].name = name;
                self.mentions[i].linked = true;
            }
        }
    }

    /// The issue named nearest before byte `at` (for "it", "them").
    fn mention_before(&self, at: u32) -> Option<&IssueMention> {
        self.mentions.iter().rev().find(|m| m.span.end <= at && !m.name.is_empty())
    }

    /// The canonical name of an actor code: an entity of the issues file,
    /// else a country.
    fn name_of_code(&self, code: &str) -> Option<String> {
        if let Some(e) = self.issues.entity_by_code(code) {
            return Some(e.name.clone());
        }
        let c = self.gaz.country_by_iso3(code.get(..3)?)?;
        Some(c.name().to_string())
    }

    /// The issue name of mention `m` for a stance held by `holder`, with the
    /// event's other actors to fill a missing slot; `None` when the mention
    /// does not apply (a condition fails, a slot cannot be filled).
    fn issue_name(&self, m: &IssueMention, holder: &str, actors: &[&str]) -> Option<String> {
        if m.name.is_empty() {
            return None;
        }
        if let Some(c) = m.cond {
            let code = self.issues.conds.get(c as usize)?;
            if !holder.starts_with(code.as_str()) {
                return None;
            }
        }
        let Some((f, slot, other)) = &m.pending else { return Some(m.name.clone()) };
        let frame = self.issues.frames.get(*f as usize)?;
        let fill = actors.iter().filter_map(|c| self.name_of_code(c)).find(|n| *n != other.name)?;
        let filler = Filler { name: fill, code: None, text: String::new() };
        Some(match slot {
            Slot::X => fill_frame(&frame.name, Some(&filler), Some(other)),
            Slot::Y => fill_frame(&frame.name, Some(other), Some(&filler)),
        })
    }

    /// Derives the document's positions from its events and quotes,
    /// replacing `out`'s contents. `sentences` are the document's sentences
    /// (issues are read from all of them, so that bare nouns link across
    /// the document).
    pub fn derive(
        &mut self,
        text: &str,
        sentences: &[Sentence],
        doc_date: Option<Date>,
        events: &[EventIn<'_>],
        quotes: &[QuoteIn<'_>],
        out: &mut Vec<Position>,
    ) {
        out.clear();
        self.found.clear();
        let mut mentions = std::mem::take(&mut self.mentions);
        mentions.clear();
        for s in sentences {
            if s.span.len() > lex::MAX_SENTENCE_BYTES {
                let mut pieces = Vec::new();
                lex::windows(text, s.span.start as usize, s.span.end as usize, |a, b| {
                    pieces.push(Span::new(a, b))
                });
                for p in pieces {
                    self.issues_in(text, p, &mut mentions);
                }
            } else {
                self.issues_in(text, s.span, &mut mentions);
            }
        }
        self.mentions = mentions;
        self.link();
        self.phrase_stances(text, doc_date);
        for e in events {
            self.event_stance(text, doc_date, e);
        }
        for q in quotes {
            for &part in q.parts {
                self.quote_stances(text, doc_date, q, part);
            }
        }
        self.merge(out);
    }

    /// Stances a phrase itself states ("Kiev’s desire to join NATO").
    fn phrase_stances(&mut self, text: &str, doc_date: Option<Date>) {
        for m in &self.mentions {
            let Some((f, stance)) = &m.holder else { continue };
            let Some(code) = f.code.clone() else { continue };
            self.found.push(Found {
                code,
                text: f.text.clone(),
                issue: m.name.clone(),
                ev: Evidence {
                    source: Source::Text,
                    id: None,
                    text: m.span.of(text).to_string(),
                    span: m.span,
                    stance: *stance,
                    rule: "the phrase states the holder's wish".into(),
                    issue_rule: m.origin.clone(),
                    date: doc_date,
                },
            });
        }
    }

    /// The first issue mention inside `range` (whole).
    fn first_mention_in(&self, range: Span) -> Option<&IssueMention> {
        self.mentions.iter().find(|m| m.span.start >= range.start && m.span.end <= range.end)
    }

    fn event_stance(&mut self, text: &str, doc_date: Option<Date>, e: &EventIn<'_>) {
        let date = e.date.or(doc_date);
        let base = stance_of_event(e.cameo, e.plover);
        let statement = e.cameo.starts_with("01") && base.is_none();
        // The complement, else the words right after the trigger: an issue
        // starting within NEAR_WORDS tokens, inside the clause.
        let (scope, start_limit) = match e.complement {
            Some(c) => (c, c.end),
            None => self.near_after(text, e.trigger.end, e.sentence.end.max(e.trigger.end)),
        };
        if statement {
            // A statement: read its words as reported speech by the source.
            let q = QuoteIn { id: e.id, speaker: e.source, parts: &[], date: e.date };
            let clause = Span { start: e.trigger.start, end: e.sentence.end.max(e.trigger.start) };
            self.quote_stances_as(text, doc_date, &q, clause, Source::Event);
            return;
        }
        let Some((mut stance, mut rule)) = base else { return };
        // Else after the event's target when it follows the verb ("asked the
        // UN Security Council on Thursday to restore sanctions on Iran").
        let after_target = || {
            let t = e.target?;
            let rest = text.get(e.trigger.end as usize..e.sentence.end.max(e.trigger.end) as usize)?;
            let r0 = rest.trim_start();
            let r = ["the ", "a ", "an "].iter().find_map(|d| r0.strip_prefix(d)).unwrap_or(r0);
            let r = if r0.starts_with(t.text) { r0 } else { r };
            let skip = rest.len() - r.len();
            if t.text.is_empty() || !r.starts_with(t.text) {
                return None;
            }
            let from = e.trigger.end + (skip + t.text.len()) as u32;
            Some(self.near_after(text, from, e.sentence.end.max(from)))
        };
        let found = match self.first_mention_in(scope).filter(|m| m.span.start < start_limit).cloned() {
            Some(m) => Some(m),
            None if e.complement.is_none() && after_target().is_some() => after_target()
                .and_then(|(sc, lim)| self.first_mention_in(sc).filter(|m| m.span.start < lim).cloned()),
            // "voted against it": the issue named before.
            None if is_pronoun_object(scope.of(text)) => self.mention_before(scope.start).cloned(),
            None => None,
        };
        let Some(m) = found else { return };
        // "asked to be exempted from the target", "of violating the deal".
        let from = e.complement.map_or(e.trigger.end, |c| c.start).min(m.span.start);
        let mut reverser = self.reverser_in(text, Span { start: from, end: m.span.start });
        // "ordered US troops to leave": the issue is to go.
        if reverser.is_none() {
            reverser = self.leaving_after(text, Span { start: m.span.end, end: scope.end.max(m.span.end) });
        }
        if let Some(w) = &reverser {
            if let Some(s) = reverse(stance) {
                stance = s;
                rule = format!("{rule}, reversed by \"{w}\"");
            }
        }
        // An accusation is against the issue when the issue is what is
        // accused ("identified Kiev's NATO aspirations as a cause"), not when
        // it is only named in the charge ("accused X of looting aid convoys").
        let accuse = e.plover.eq_ignore_ascii_case("ACCUSE") || e.cameo.starts_with("11");
        if accuse
            && reverser.is_none()
            && !self.only_determiners(text, Span { start: from, end: m.span.start })
        {
            return;
        }
        // "willing to discuss", "open to": the words before the issue.
        let lead = Span {
            start: e.sentence.start.max(e.trigger.start.saturating_sub(40)),
            end: m.span.start.max(e.trigger.start),
        };
        if stance == Stance::For {
            if let Some(cue) = self.open_cue(text, lead) {
                stance = Stance::Open;
                rule = cue;
            }
        }
        let mut actors: Vec<&str> = Vec::new();
        if let Some(t) = e.target {
            actors.push(t.code);
        }
        actors.push(e.source.code);
        if !is_code(e.source.code) {
            return;
        }
        let Some(issue) = self.issue_name(&m, e.source.code, &actors) else { return };
        let ev = Evidence {
            source: Source::Event,
            id: Some(e.id.to_string()),
            text: m.span.of(text).to_string(),
            span: m.span,
            stance,
            rule: std::mem::take(&mut rule),
            issue_rule: m.origin.clone(),
            date,
        };
        self.found.push(Found {
            code: e.source.code.to_string(),
            text: e.source.text.to_string(),
            issue,
            ev,
        });
    }

    /// A word in `range` that turns a stance on what follows ("exempted
    /// from", "an end to", "violating").
    fn reverser_in(&mut self, text: &str, range: Span) -> Option<String> {
        if range.is_empty() {
            return None;
        }
        let mut toks = Vec::new();
        lex::scan(text, range.start as usize, range.end as usize, &mut toks);
        let mut buf = [0u8; 32];
        toks.iter().map(|t| lower_word(text, t, &mut buf).to_string()).find(|w| is_reverser(w))
    }

    /// Without a complement, the words right after the trigger: up to
    /// [`NEAR_WORDS`] tokens, within the clause.
    /// The clause after `from` and the byte before which an issue must start.
    fn near_after(&self, text: &str, from: u32, to: u32) -> (Span, u32) {
        let mut toks = Vec::new();
        lex::scan(text, from as usize, to as usize, &mut toks);
        let mut end = from;
        for t in &toks {
            if is_break_tok(text, t) {
                break;
            }
            end = t.end;
        }
        let start_limit = toks.get(NEAR_WORDS).map_or(end, |t| t.start);
        (Span { start: from, end }, start_limit)
    }

    /// "to leave", "to withdraw" right after an issue: its holder wants it gone.
    fn leaving_after(&self, text: &str, range: Span) -> Option<String> {
        let mut toks = Vec::new();
        lex::scan(text, range.start as usize, range.end as usize, &mut toks);
        let mut buf = [0u8; 32];
        let w0 = toks.first().map(|t| lower_word(text, t, &mut buf).to_string())?;
        let w1 = toks.get(1).map(|t| lower_word(text, t, &mut buf).to_string())?;
        (w0 == "to"
            && matches!(
                w1.as_str(),
                "leave" | "withdraw" | "go" | "exit" | "quit" | "depart" | "end" | "stop"
            ))
        .then(|| format!("{w0} {w1}"))
    }

    /// Whether `range` holds nothing but determiners and punctuation.
    fn only_determiners(&self, text: &str, range: Span) -> bool {
        if range.is_empty() {
            return true;
        }
        let mut toks = Vec::new();
        lex::scan(text, range.start as usize, range.end as usize, &mut toks);
        let mut buf = [0u8; 32];
        toks.iter().all(|t| t.kind == Kind::Punct || is_determiner(lower_word(text, t, &mut buf)))
    }

    /// An open-stance cue ("willing to discuss") in `range`, as the rule text.
    fn open_cue(&mut self, text: &str, range: Span) -> Option<String> {
        self.toks.clear();
        lex::scan(text, range.start as usize, range.end as usize, &mut self.toks);
        let table = cues::table();
        for i in 0..self.toks.len() {
            for (n, v) in table.set.at(text, &self.toks, i) {
                if let Val::Head(c) = v {
                    if table.cues.get(c as usize) == Some(&Cue::Verb(Stance::Open)) {
                        let s = Span { start: self.toks[i].start, end: self.toks[i + n - 1].end };
                        return Some(format!("an AGREE event worded as openness: \"{}\"", s.of(text)));
                    }
                }
            }
        }
        None
    }

    fn quote_stances(&mut self, text: &str, doc_date: Option<Date>, q: &QuoteIn<'_>, part: Span) {
        self.quote_stances_as(text, doc_date, q, part, Source::Quote);
    }

    /// Stance cues in `part`, held by the quote's speaker.
    fn quote_stances_as(
        &mut self,
        text: &str,
        doc_date: Option<Date>,
        q: &QuoteIn<'_>,
        part: Span,
        source: Source,
    ) {
        let date = q.date.or(doc_date);
        self.toks.clear();
        lex::scan(text, part.start as usize, part.end as usize, &mut self.toks);
        // Quotation marks inside the text do not break its phrases.
        self.toks
            .retain(|t| !(t.kind == Kind::Punct && matches!(t.punct(text), '“' | '”' | '"' | '«' | '»')));
        let toks = std::mem::take(&mut self.toks);
        let table = cues::table();
        let mut buf = [0u8; 32];
        let mut i = 0;
        while i < toks.len() {
            // Labelling: "called the new tariffs “economic bullying”" is what
            // "the new tariffs are economic bullying" would be.
            if matches!(
                lower_word(text, &toks[i], &mut buf),
                "called" | "calls" | "call" | "branded" | "brands" | "labelled" | "labeled" | "described"
            ) {
                if let Some((m, stance, rule)) = self.labelled(text, &toks, i, part) {
                    if self.subject_is_speaker(text, &toks, i, q) {
                        self.push_quote_found(text, q, &m, stance, rule, date, source);
                        i = toks.iter().position(|t| t.start >= m.span.end).unwrap_or(toks.len()).max(i + 1);
                        continue;
                    }
                }
            }
            let hit = table.set.at(text, &toks, i).find_map(|(n, v)| match v {
                Val::Head(c) => table.cues.get(c as usize).map(|cue| (n, *cue)),
                _ => None,
            });
            let Some((n, cue)) = hit else {
                i += 1;
                continue;
            };
            let cue_span = Span { start: toks[i].start, end: toks[i + n - 1].end };
            match cue {
                Cue::Verb(st) => {
                    // Negation just before: "does not support", "has not ruled out".
                    let negated = (i.saturating_sub(3)..i)
                        .any(|k| is_negation(lower_word(text, &toks[k], &mut buf)))
                        && !cue_span.of(text).contains("not")
                        && !cue_span.of(text).contains("n't")
                        && !cue_span.of(text).contains("n’t");
                    let stance = if negated { negate(st) } else { Some(st) };
                    let subject_ok = self.subject_is_speaker(text, &toks, i, q);
                    // The issue: the first mention starting within 12 words after the cue, in the clause.
                    let mut limit =
                        toks.get((i + n + 12).min(toks.len().saturating_sub(1))).map_or(part.end, |t| t.end);
                    if let Some(b) = toks[i + n..]
                        .iter()
                        .find(|t| is_break_tok(text, t) && t.punct(text) != '“' && t.punct(text) != '”')
                    {
                        limit = limit.min(b.start);
                    }
                    let mut issue = self
                        .mentions
                        .iter()
                        .find(|m| {
                            m.span.start >= cue_span.end
                                && m.span.start < limit
                                && m.span.end <= part.end.max(m.span.end)
                        })
                        .cloned();
                    // "We reject it": the issue named before.
                    if issue.is_none() && toks.get(i + n).is_some_and(|t| is_pronoun_object(t.text(text))) {
                        issue = self.mention_before(part.start.max(cue_span.start.min(part.start))).cloned();
                    }
                    let reversed = issue.as_ref().filter(|m| m.span.start > cue_span.end).and_then(|m| {
                        self.reverser_in(text, Span { start: cue_span.end, end: m.span.start })
                    });
                    let stance = match (&reversed, stance) {
                        (Some(_), Some(s)) => reverse(s),
                        (_, s) => s,
                    };
                    if let (Some(stance), true, Some(m)) = (stance, subject_ok, issue) {
                        let rule = format!(
                            "{}\"{}\" before the issue",
                            if negated { "negated " } else { "" },
                            cue_span.of(text)
                        );
                        self.push_quote_found(text, q, &m, stance, rule, date, source);
                        // The cue's scope ends at its issue: cues inside it are its words.
                        let skip_to = toks.iter().position(|t| t.start >= m.span.end).unwrap_or(toks.len());
                        i = skip_to.max(i + n);
                        continue;
                    }
                }
                Cue::Predicate(st) => {
                    // The issue ends just before the cue (a few words may
                    // come between: "NATO involvement as NATO would be
                    // challenging") and opens its clause.
                    let clause_start = (0..i)
                        .rev()
                        .find(|&k| {
                            is_break_tok(text, &toks[k])
                                || is_clause_word(lower_word(text, &toks[k], &mut buf))
                        })
                        .map_or(0, |k| k + 1);
                    let lo = toks[clause_start.min(i)].start;
                    let issue = self
                        .mentions
                        .iter()
                        .filter(|m| m.span.start >= lo && m.span.end <= cue_span.start)
                        .find(|m| {
                            let first = toks.iter().position(|t| t.start >= m.span.start).unwrap_or(i);
                            let last = toks.iter().position(|t| t.start >= m.span.end).unwrap_or(i);
                            first <= clause_start + 3 && i.saturating_sub(last) <= 4
                        })
                        .cloned();
                    if let Some(m) = issue {
                        let rule = format!("\"{}\" after the issue", cue_span.of(text));
                        self.push_quote_found(text, q, &m, st, rule, date, source);
                    }
                }
            }
            i += n;
        }
        self.toks = toks;
    }

    /// A labelling verb at `toks[i]` with the issue right after it and a
    /// label after the issue that a predicate cue names ("called the
    /// proposal a trap" as "the proposal is a trap").
    fn labelled(
        &self,
        text: &str,
        toks: &[Tok],
        i: usize,
        part: Span,
    ) -> Option<(IssueMention, Stance, String)> {
        // The issue starts at most a determiner and a modifier after the verb.
        let after = toks.get(i + 1)?.start;
        let until = toks.get(i + 3).map_or(part.end, |t| t.start);
        let m = self
            .mentions
            .iter()
            .find(|m| m.span.start >= after && m.span.start <= until && m.span.end <= part.end)?
            .clone();
        let mut k = toks.iter().position(|t| t.start >= m.span.end)?;
        let mut buf = [0u8; 32];
        if toks.get(k).is_some_and(|t| lower_word(text, t, &mut buf) == "as") {
            k += 1;
        }
        let mut label = String::from("is");
        let mut n = 0;
        while let Some(t) = toks.get(k + n).filter(|t| !is_break_tok(text, t)) {
            if n == 4 {
                break;
            }
            label.push(' ');
            label.push_str(lower_word(text, t, &mut buf));
            n += 1;
            if let Some(st) = cues::predicate_stance(&label) {
                let rule = format!("labelled \"{}\"", label.trim_start_matches("is "));
                return Some((m, st, rule));
            }
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn push_quote_found(
        &mut self,
        text: &str,
        q: &QuoteIn<'_>,
        m: &IssueMention,
        stance: Stance,
        rule: String,
        date: Option<Date>,
        source: Source,
    ) {
        if !is_code(q.speaker.code) {
            return;
        }
        let actors = [q.speaker.code];
        let Some(issue) = self.issue_name(m, q.speaker.code, &actors) else { return };
        self.found.push(Found {
            code: q.speaker.code.to_string(),
            text: q.speaker.text.to_string(),
            issue,
            ev: Evidence {
                source,
                id: (!q.id.is_empty()).then(|| q.id.to_string()),
                text: m.span.of(text).to_string(),
                span: m.span,
                stance,
                rule,
                issue_rule: m.origin.clone(),
                date,
            },
        });
    }

    /// Whether the subject before a verb cue at token `i` is the speaker:
    /// none, a pronoun, the speaker's own name or organisation.
    fn subject_is_speaker(&self, text: &str, toks: &[Tok], i: usize, q: &QuoteIn<'_>) -> bool {
        let mut buf = [0u8; 32];
        let start = (0..i)
            .rev()
            .find(|&k| {
                is_break_tok(text, &toks[k])
                    || matches!(
                        lower_word(text, &toks[k], &mut buf),
                        "that"
                            | "but"
                            | "and"
                            | "because"
                            | "while"
                            | "if"
                            | "when"
                            | "said"
                            | "says"
                            | "told"
                            | "added"
                            | "stated"
                    )
            })
            .map_or(0, |k| k + 1);
        let speaker_last = q.speaker.text.split_whitespace().last().map(norm_string).unwrap_or_default();
        let speaker_entity = self.issues.entity_by_code(q.speaker.code).map(|e| e.name.clone());
        let mut k = start;
        while k < i {
            let t = &toks[k];
            let w = lower_word(text, t, &mut buf).to_string();
            if let Some((n, Val::Entity(e))) =
                self.issues.phrases.at(text, toks, k).find(|(_, v)| matches!(v, Val::Entity(_)))
            {
                if self.issues.entities.get(e as usize).map(|x| &x.name) == speaker_entity.as_ref() {
                    k += n;
                    continue;
                }
                return false;
            }
            if t.kind != Kind::Word || is_function_word(&w) || (!speaker_last.is_empty() && w == speaker_last)
            {
                k += 1;
                continue;
            }
            // The speaker's own country or capital ("Moscow" for the Kremlin's spokesman).
            if let Some((n, f)) = self.filler_at(text, toks, k) {
                if f.code.as_deref().is_some_and(|c| c.len() == 3 && q.speaker.code.starts_with(c)) {
                    k += n;
                    continue;
                }
            }
            let cap = t.text(text).chars().next().is_some_and(char::is_uppercase);
            // Another name, or a lower-case noun other than the speaker's own side.
            if cap
                || !matches!(
                    w.as_str(),
                    "government" | "country" | "administration" | "party" | "ministry" | "side"
                )
            {
                return false;
            }
            k += 1;
        }
        true
    }

    /// Merges the found stances by actor and issue.
    fn merge(&mut self, out: &mut Vec<Position>) {
        let mut found = std::mem::take(&mut self.found);
        found.sort_by(|a, b| {
            (&a.code, a.issue.to_lowercase(), a.ev.span.start).cmp(&(
                &b.code,
                b.issue.to_lowercase(),
                b.ev.span.start,
            ))
        });
        for f in found.drain(..) {
            match out.last_mut() {
                Some(p) if p.actor.code == f.code && p.issue.eq_ignore_ascii_case(&f.issue) => {
                    let dup = p.evidence.iter().any(|e| {
                        e.span == f.ev.span
                            && e.source == f.ev.source
                            && e.id == f.ev.id
                            && e.stance == f.ev.stance
                    });
                    if !dup {
                        p.evidence.push(f.ev);
                    }
                }
                _ => out.push(Position {
                    actor: Actor { code: f.code, text: f.text },
                    issue: f.issue,
                    stance: f.ev.stance,
                    date: f.ev.date,
                    evidence: vec![f.ev],
                }),
            }
        }
        for p in out.iter_mut() {
            // The latest evidence (by date, then place in the text) decides.
            if let Some(last) = p.evidence.iter().max_by_key(|e| (e.date, e.span.start)) {
                p.stance = last.stance;
                p.date = last.date;
            }
        }
        out.sort_by(|a, b| {
            (a.evidence.first().map(|e| e.span.start), &a.actor.code)
                .cmp(&(b.evidence.first().map(|e| e.span.start), &b.actor.code))
        });
        self.found = found;
    }
}

/// "{X} joining {Y}" with its slots filled (a missing one stays a slot).
fn fill_frame(template: &str, x: Option<&Filler>, y: Option<&Filler>) -> String {
    let mut s = template.to_string();
    if let Some(x) = x {
        s = s.replace("{X}", &x.name);
    }
    if let Some(y) = y {
        s = s.replace("{Y}", &y.name);
    }
    s
}

/// Whether an actor code names an actor (not empty, not TABARI's `---`).
fn is_code(code: &str) -> bool {
    code.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Month and weekday names, which the gazetteer knows as towns ("March").
fn is_calendar_word(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
    )
}

/// A pronoun standing for an issue named before.
fn is_pronoun_object(w: &str) -> bool {
    matches!(
        w.trim().trim_end_matches(['.', ',']).to_ascii_lowercase().as_str(),
        "it" | "them" | "this" | "that" | "these" | "those"
    )
}

/// Words before an issue that turn a stance on it.
fn is_reverser(w: &str) -> bool {
    matches!(
        w,
        "exempt"
            | "exempted"
            | "exemption"
            | "exemptions"
            | "end"
            | "ending"
            | "lifting"
            | "lift"
            | "lifted"
            | "removal"
            | "remove"
            | "removing"
            | "repeal"
            | "repealing"
            | "scrapping"
            | "scrap"
            | "halt"
            | "halting"
            | "violating"
            | "violated"
            | "violation"
            | "violations"
            | "breaching"
            | "breach"
            | "undermining"
            | "sabotaging"
            | "obstructing"
            | "derailing"
            | "flouting"
            | "abandoning"
            | "suspension"
            | "suspending"
            | "cancellation"
            | "cancelling"
    )
}

/// The opposite of a for or against stance.
fn reverse(s: Stance) -> Option<Stance> {
    match s {
        Stance::For => Some(Stance::Against),
        Stance::Against => Some(Stance::For),
        s => Some(s),
    }
}

fn is_clause_word(w: &str) -> bool {
    matches!(w, "that" | "but" | "because" | "while" | "whether" | "if" | "although" | "though")
}

fn is_function_word(w: &str) -> bool {
    is_determiner(w)
        || cues::is_negation(w)
        || matches!(
            w,
            "has"
                | "have"
                | "had"
                | "is"
                | "are"
                | "was"
                | "were"
                | "be"
                | "been"
                | "will"
                | "would"
                | "could"
                | "should"
                | "can"
                | "may"
                | "might"
                | "must"
                | "do"
                | "does"
                | "did"
                | "also"
                | "already"
                | "still"
                | "again"
                | "now"
                | "then"
                | "firmly"
                | "strongly"
                | "repeatedly"
                | "consistently"
                | "fully"
                | "completely"
                | "entirely"
                | "i"
                | "we"
                | "he"
                | "she"
                | "they"
                | "it"
                | "you"
                | "won"
                | "t"
                | "s"
                | "ll"
                | "d"
                | "ve"
                | "re"
                | "m"
                | "just"
                | "even"
                | "only"
                | "always"
                | "once"
                | "so"
                | "there"
                | "here"
                | "officially"
                | "publicly"
                | "openly"
                | "clearly"
                | "flatly"
        )
}

/// The stance an event's code gives to its complement, with the rule.
fn stance_of_event(cameo: &str, plover: &str) -> Option<(Stance, String)> {
    let rule = |s: &str| s.to_string();
    if cameo.starts_with("014") || cameo.starts_with("036") {
        return Some((Stance::Open, rule(&format!("CAMEO {cameo}: considering or offering to negotiate"))));
    }
    // Reducing relations (16x) is against what is reduced, ended or halted,
    // except imposing an embargo or sanctions (163), which is for them.
    if cameo.starts_with("163") {
        return Some((Stance::For, rule(&format!("CAMEO {cameo}: imposing it"))));
    }
    if cameo.starts_with("16") {
        return Some((Stance::Against, rule(&format!("CAMEO {cameo}: reducing or ending it"))));
    }
    let p = plover.to_ascii_uppercase();
    let by_plover = match p.as_str() {
        "REJECT" => Some(Stance::Against),
        "ACCUSE" => Some(Stance::Against),
        "REQUEST" | "AGREE" | "SUPPORT" | "CONCEDE" | "RETREAT" => Some(Stance::For),
        _ => None,
    };
    if let Some(s) = by_plover {
        return Some((s, format!("PLOVER {p}")));
    }
    let two = cameo.get(..2).unwrap_or("");
    let s = match two {
        "12" | "11" => Stance::Against,
        "02" | "10" | "03" | "05" | "08" => Stance::For,
        _ => return None,
    };
    Some((s, format!("CAMEO {cameo}")))
}

#[cfg(test)]
#[path = "positions_tests.rs"]
mod tests;
