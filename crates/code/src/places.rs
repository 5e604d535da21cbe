//! Places: finding place names in a sentence, telling a place from a
//! government named by its capital or country, resolving places to GeoNames
//! records in the document's context, and choosing an event's location.
//!
//! "Moscow has stated" names an actor (the Russian government); "Witkoff
//! traveled to Moscow" names a place. [`PlaceFinder::find`] finds every
//! gazetteer name in a sentence (longest match over tokens) and classifies
//! each as a [`PlaceUse`]: a place, an actor, both (the object of "visited",
//! the subject of "was shelled") or a modifier ("the Ukraine conflict"), with
//! the reason. It reads the dependency parse where the caller has one and
//! otherwise falls back on the words before and after the name.
//!
//! Guards: a name must be capitalised (unless the sentence is in capitals);
//! it must not lie inside a person's name or a longer actor or organisation
//! name the caller found ("Vladimir" of "Vladimir Putin", "US" of "US
//! President Donald Trump"), nor run on into an unknown capitalised word
//! ("Moscow Times"); months, weekdays and titles are not places ("March");
//! a demonym is not a place ("Russian", "Saudi officials"); names that are
//! also common words ("Nice", "Split") are places only in a context country;
//! an acronym is a place only when the gazetteer knows it in that case
//! ("US", "UAE") or it names a country; a name known only as another
//! place's alternate name and not used as a place is dropped ("Hamas said"
//! is not Hamm, Germany), unless it is a capital or country ("Kiev").
//!
//! The classification, from the parse or else the words:
//!
//! | relation / words | use |
//! |---|---|
//! | subject of a verb ("Moscow has stated", "Kiev agreeing") | actor |
//! | subject of "host"; passive subject ("Kyiv was shelled") | both |
//! | possessor ("Kiev’s desire"); of a place noun ("Gaza’s population") | actor; place |
//! | after in, at, near, across, ... ("talks in Saudi Arabia") | place |
//! | after to/into after a verb or noun of motion ("traveled to Moscow", "a visit to Larnaca") | place |
//! | after to after a verb of sending ("aid to Gaza", "send troops to Kursk") | both |
//! | after to otherwise: a country, a capital, another city | actor, both, place |
//! | after from: motion or sending; a party noun ("support from Berlin") | place; actor |
//! | after with, against, by, for, between ("talks with Moscow") | actor |
//! | after about, over, on ("argued about Crimea"); on after an attack noun | modifier; both |
//! | after of: a place noun ("the city of Idlib"); an attack noun ("the invasion of Ukraine"); other | place; both; actor |
//! | object of visit, invade, leave, attack, ... ("visited Kyiv") | both |
//! | other object, indirect object ("offer Kiev guarantees") | actor |
//! | compound of an event noun: a city ("the Moscow talks"); a country ("US-Ukraine talks") | place; actor |
//! | other compound or modifier ("the Ukraine conflict", "US and Russian efforts") | modifier |
//! | sentence-opening word in capitals before "(" or "," | place (dateline) |
//!
//! Resolution ([`PlaceFinder::resolve`]) runs once per document: the
//! countries of the document's actors and of its unambiguous place names
//! form a [`Context`], and each name is resolved with it
//! ([`Gazetteer::choose`]), so "Paris" stays in France and "Pokrovsk" goes
//! to Ukraine in an article about Ukraine.
//!
//! [`PlaceFinder::event_location`] picks the place an event's trigger (a
//! verb, or an event noun such as "talks") governs: "traveled to Moscow",
//! "talks in Saudi Arabia", "visited Kyiv"; else the clause's only place
//! attached to its verb (not a noun's modifier: "demand a ceasefire in Gaza"
//! is not located in Gaza); else none, with the reason either way. A
//! dateline is never an event's location.
//!
//! # Using it in the coder
//!
//! 1. Keep one [`PlaceFinder`] per worker (it shares the gazetteer through an
//!    `Arc`) and one [`DocPlaces`] per document (clear it between documents).
//! 2. For each sentence, fill a [`SentenceIn`]: the token texts and byte
//!    spans, the parse (one [`Syntax`] per token, CoNLL-U heads as the
//!    parser gives them; empty without a parser) and the name spans: the
//!    name recogniser's persons and organisations and the coder's actor
//!    mentions ([`NameSpan`]). Call [`PlaceFinder::find`].
//! 3. For each event of the sentence, call [`PlaceFinder::event_location`]
//!    with the trigger's tokens and keep the [`LocationChoice`].
//! 4. At the document's end call [`PlaceFinder::resolve`] with the actor
//!    codes of the document, then [`DocPlaces::event_location`] turns each
//!    choice into an [`EventLocation`] (PLOVER's location object plus the
//!    reason) for the event's `event_loc`; [`DocPlaces::places`] lists the
//!    place records.
//!
//! ```
//! use std::sync::Arc;
//! use dyad_code::places::{DocPlaces, NameKind, NameSpan, PlaceFinder, PlaceUse, SentenceIn};
//! use dyad_dict::gazetteer::Gazetteer;
//! use dyad_text::Span;
//!
//! let finder = PlaceFinder::new(Arc::new(Gazetteer::embedded().unwrap()));
//! let text = "Moscow has stated that Witkoff traveled to Moscow on Thursday .";
//! let words: Vec<&str> = text.split(' ').collect();
//! let mut spans = Vec::new();
//! let mut at = 0;
//! for w in &words {
//!     spans.push(Span::new(at, at + w.len()));
//!     at += w.len() + 1;
//! }
//! let names = [NameSpan { start: 4, end: 5, kind: NameKind::Person }];
//! let sent = SentenceIn { index: 0, words: &words, spans: &spans, syntax: &[], names: &names };
//! let mut doc = DocPlaces::default();
//! finder.find(&sent, &mut doc);
//! assert_eq!(doc.mentions[0].usage, PlaceUse::Actor); // "Moscow has stated"
//! assert_eq!(doc.mentions[1].usage, PlaceUse::Place); // "traveled to Moscow"
//! let choice = finder.event_location(&sent, &doc, 5..6); // the event "traveled"
//! finder.resolve(&mut doc, ["USAGOV", "RUSGOV"]);
//! let loc = doc.event_location(finder.gazetteer(), text, &choice);
//! let place = loc.place.unwrap();
//! assert_eq!((place.geonameid, place.country_code.as_str()), (Some(524901), "RUS"));
//! assert_eq!(loc.reason, "governed by traveled via to (no parse)");
//! ```

use std::ops::Range;
use std::sync::Arc;

use dyad_dict::gazetteer::{reason, Candidate, Context, Gazetteer, Kind, Resolution};
use dyad_text::Span;
use serde::Serialize;

#[path = "places_words.rs"]
mod words;

use words::{classes, is, Cls};
use words::{
    ADV, ATTACK_NOUN, CLAUSE, DET, EVENT_NOUN, FUNC, HOST, MOTION, NOUN_MOD, NOUN_S, PARTY_NOUN, PLACE_NOUN,
    P_DIR, P_FROM, P_LOC, P_OF, P_PARTY, P_TOPIC, STOP, TRANSFER, VERB, VISIT,
};

/// What a token's parse says: its head, relation and part of speech.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Syntax<'a> {
    /// 1-based index of the head token within the sentence, 0 for the root
    /// (CoNLL-U, as the parser gives it).
    pub head: u32,
    /// Universal Dependencies relation ("nsubj", "obl", "nmod:poss"); `""`
    /// when unknown, which makes the finder read this token's context from
    /// the words instead.
    pub rel: &'a str,
    /// UPOS tag ("PROPN", "VERB"); `""` when unknown.
    pub upos: &'a str,
}

/// What kind of name a [`NameSpan`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// A person (the name recogniser's PER): no place inside it.
    Person,
    /// An organisation (ORG): no place inside a longer one ("Kyiv Independent").
    Organization,
    /// The coder's actor mention. One longer than the place name contains
    /// it as part of a name ("US President Donald Trump"); one covering
    /// exactly the place name is what the finder classifies as place or actor.
    Actor,
}

/// A name the caller found: tokens `start..end` of the sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameSpan {
    pub start: u32,
    pub end: u32,
    pub kind: NameKind,
}

/// One sentence as the place finder reads it.
#[derive(Clone, Copy, Debug)]
pub struct SentenceIn<'a> {
    /// Index of the sentence in the document.
    pub index: u32,
    /// The token texts.
    pub words: &'a [&'a str],
    /// The tokens' byte spans in the document (one per word).
    pub spans: &'a [Span],
    /// The parse, one per word; empty (or shorter) when there is none.
    pub syntax: &'a [Syntax<'a>],
    /// Persons, organisations and actor mentions in the sentence.
    pub names: &'a [NameSpan],
}

/// How a place name is used in its sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceUse {
    /// A location: "in Kyiv", "traveled to Moscow".
    Place,
    /// A government or country acting or acted upon: "Moscow has stated",
    /// "Kiev’s desire", "talks with Russia".
    Actor,
    /// Both a location and a party: "visited Moscow", "Kyiv was shelled".
    Both,
    /// Neither: a modifier or topic ("the Ukraine conflict", "talks about Gaza").
    Modifier,
}

impl PlaceUse {
    /// Whether the name stands for a location (a place or both).
    pub fn is_place(self) -> bool {
        matches!(self, PlaceUse::Place | PlaceUse::Both)
    }
}

/// A place name resolved to one gazetteer record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub candidate: Candidate,
    /// Why this record was chosen (the gazetteer's reason, or the finder's).
    pub reason: &'static str,
}

/// A gazetteer name found in a sentence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlaceMention {
    /// Index of the sentence in the document.
    pub sentence: u32,
    /// Tokens `start..end` of the sentence.
    pub start: u32,
    pub end: u32,
    /// Bytes in the document.
    pub span: Span,
    pub usage: PlaceUse,
    /// Why it was classified so (a fixed phrase).
    pub why: &'static str,
    /// The token the name depends on (the verb or noun that governs it), if known.
    pub governor: Option<u32>,
    /// The preposition introducing it, if any.
    pub case: Option<u32>,
    /// Whether the classification came from the parse (else from the words).
    pub parsed: bool,
    /// Set by [`PlaceFinder::resolve`]; `None` before, or when no record
    /// fits (a common word outside the context countries).
    pub resolved: Option<Resolved>,
    cands: (u32, u32),
}

/// The place names of one document; reuse it (clear) across documents.
#[derive(Clone, Debug, Default)]
pub struct DocPlaces {
    pub mentions: Vec<PlaceMention>,
    cands: Vec<Candidate>,
}

impl DocPlaces {
    pub fn clear(&mut self) {
        self.mentions.clear();
        self.cands.clear();
    }

    /// The gazetteer candidates of a mention.
    pub fn candidates(&self, m: &PlaceMention) -> &[Candidate] {
        self.cands.get(m.cands.0 as usize..m.cands.1 as usize).unwrap_or_default()
    }

    /// The mentions of sentence `s`, with their indices.
    pub fn in_sentence(&self, s: u32) -> impl Iterator<Item = (usize, &PlaceMention)> {
        self.mentions.iter().enumerate().filter(move |(_, m)| m.sentence == s)
    }

    /// The resolved locations (place or both), in text order.
    pub fn places<'d>(&'d self, gaz: &'d Gazetteer, text: &'d str) -> impl Iterator<Item = Location> + 'd {
        (0..self.mentions.len())
            .filter(|&i| self.mentions[i].usage.is_place())
            .filter_map(move |i| self.location(gaz, text, i))
    }

    /// The location record of mention `i`; `None` when it is unresolved.
    pub fn location(&self, gaz: &Gazetteer, text: &str, i: usize) -> Option<Location> {
        let m = self.mentions.get(i)?;
        let r = m.resolved?;
        let d = gaz.describe(r.candidate, r.reason)?;
        Some(Location::new(&d, m, text, gaz))
    }

    /// An event's location from the choice made in its sentence, once the
    /// document is resolved.
    pub fn event_location(&self, gaz: &Gazetteer, text: &str, choice: &LocationChoice) -> EventLocation {
        match choice.mention {
            Some(i) => match self.location(gaz, text, i) {
                Some(place) => EventLocation { place: Some(place), reason: choice.reason.clone() },
                None => EventLocation {
                    place: None,
                    reason: format!("{}, but the name did not resolve to a place", choice.reason),
                },
            },
            None => EventLocation { place: None, reason: choice.reason.clone() },
        }
    }
}

/// A place in the shape of PLOVER's location object (GeoNames fields), with
/// dyad's provenance fields.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Location {
    /// The name as written.
    pub extracted_place: String,
    /// The gazetteer's name for the place.
    pub resolved_place: String,
    pub geonameid: Option<u32>,
    pub lat: f64,
    pub lon: f64,
    /// The city, for a city.
    pub city: Option<String>,
    /// The first-level region (GeoNames admin1).
    pub province: Option<String>,
    /// The country's name.
    pub country: String,
    /// ISO 3166 alpha-3.
    pub country_code: String,
    /// GeoNames feature class: `A` (country, region) or `P` (city).
    pub feature_class: &'static str,
    /// GeoNames feature code: `PCLI`, `ADM1`, `PPLC` (capital) or `PPL`.
    pub feature_code: &'static str,
    /// 4 = city, 2 = province, 1 = country.
    pub resolution: u8,
    /// "city", "region" or "country".
    pub kind: &'static str,
    /// How the name is used in its sentence.
    pub usage: PlaceUse,
    /// Sentence index and byte span of the name.
    pub sentence: u32,
    pub start: u32,
    pub end: u32,
    /// Why this record was chosen among the name's namesakes.
    pub resolved_by: &'static str,
}

impl Location {
    fn new(d: &Resolution<'_>, m: &PlaceMention, text: &str, gaz: &Gazetteer) -> Location {
        let country = gaz.country_by_iso3(d.country_iso3).map_or("", |c| c.name()).to_string();
        let (feature_class, feature_code, resolution) = match d.kind {
            Kind::Country => ("A", "PCLI", 1),
            Kind::Region => ("A", "ADM1", 2),
            Kind::City if d.candidate.is_capital() => ("P", "PPLC", 4),
            Kind::City => ("P", "PPL", 4),
        };
        Location {
            extracted_place: m.span.of(text).to_string(),
            resolved_place: d.name.to_string(),
            geonameid: d.geonameid,
            lat: d.lat,
            lon: d.lon,
            city: (d.kind == Kind::City).then(|| d.name.to_string()),
            province: d.admin1.map(str::to_string),
            country,
            country_code: d.country_iso3.to_string(),
            feature_class,
            feature_code,
            resolution,
            kind: d.kind.name(),
            usage: m.usage,
            sentence: m.sentence,
            start: m.span.start,
            end: m.span.end,
            resolved_by: d.reason,
        }
    }
}

/// Which of a sentence's place mentions is an event's location, and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocationChoice {
    /// Index into [`DocPlaces::mentions`]; `None` when the event has no location.
    pub mention: Option<usize>,
    /// "governed by traveled via to", "no place governed by the event".
    pub reason: String,
}

/// An event's location, ready for the event record's `event_loc`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventLocation {
    #[serde(flatten)]
    pub place: Option<Location>,
    pub reason: String,
}

/// The reasons the finder gives for a classification.
pub mod why {
    pub const SUBJECT: &str = "subject of a verb";
    pub const HOST_SUBJECT: &str = "subject of a verb of hosting";
    pub const PASSIVE_SUBJECT: &str = "subject of a passive verb";
    pub const POSSESSOR: &str = "possessor";
    pub const POSSESSOR_OF_PLACE: &str = "possessor of a place noun";
    pub const LOCATIVE: &str = "object of a locative preposition";
    pub const DESTINATION: &str = "destination of a verb or noun of motion";
    pub const TRANSFER: &str = "destination of a transfer";
    pub const RECIPIENT: &str = "recipient";
    pub const CAPITAL_TO: &str = "capital after 'to' (place or government)";
    pub const CITY_TO: &str = "city after 'to'";
    pub const ORIGIN: &str = "origin of a motion";
    pub const SENDER: &str = "sender";
    pub const FROM_COUNTRY: &str = "country after 'from' (place or party)";
    pub const FROM_CITY: &str = "city after 'from'";
    pub const PARTY: &str = "object of a preposition naming a party";
    pub const TOPIC: &str = "object of a preposition naming a topic";
    pub const OF_PLACE: &str = "'of' after a place noun";
    pub const OF_ATTACK: &str = "'of' after a noun of military action";
    pub const ATTACK_TARGET: &str = "'on' after a noun of attack";
    pub const OF_OTHER: &str = "'of' after a noun that is not a place";
    pub const VISIT_OBJECT: &str = "object of a verb of visiting or attacking";
    pub const OBJECT: &str = "object of a verb";
    pub const EVENT_MODIFIER_CITY: &str = "city naming an event (\"Moscow talks\")";
    pub const EVENT_PARTY: &str = "country naming a party to an event (\"US-Ukraine talks\")";
    pub const MODIFIER: &str = "modifier of a noun";
    pub const DATELINE: &str = "dateline";
    pub const NO_CONTEXT: &str = "no locative context";
    pub const OTHER_PREP: &str = "object of another preposition";
}

/// Finds, classifies and resolves place names; keep one per worker.
#[derive(Clone, Debug)]
pub struct PlaceFinder {
    gaz: Arc<Gazetteer>,
}

/// How a place mention attaches to the sentence.
#[derive(Clone, Copy, Debug)]
struct Attach {
    usage: PlaceUse,
    why: &'static str,
    governor: Option<usize>,
    case: Option<usize>,
}

/// The sentence, with helpers over words and parse.
struct View<'s, 'a> {
    s: &'s SentenceIn<'a>,
}

impl<'s, 'a> View<'s, 'a> {
    fn word(&self, i: usize) -> &'a str {
        self.s.words.get(i).copied().unwrap_or("")
    }

    fn len(&self) -> usize {
        self.s.words.len()
    }

    fn cls(&self, i: usize) -> Cls {
        classes(self.word(i))
    }

    fn syn(&self, i: usize) -> Option<&Syntax<'a>> {
        self.s.syntax.get(i).filter(|x| !x.rel.is_empty())
    }

    /// The tagger's UPOS for token `i` ("" when untagged).
    fn upos(&self, i: usize) -> &'a str {
        self.s.syntax.get(i).map_or("", |x| x.upos)
    }

    fn rel(&self, i: usize) -> &'a str {
        self.s.syntax.get(i).map_or("", |x| x.rel)
    }

    fn head(&self, i: usize) -> Option<usize> {
        let h = self.syn(i)?.head as usize;
        (h >= 1 && h <= self.len() && h - 1 != i).then(|| h - 1)
    }

    /// The first child of `i` with relation `rel` (base relation compared).
    fn child(&self, i: usize, rel: &str) -> Option<usize> {
        (0..self.len()).find(|&c| self.head(c) == Some(i) && base(self.rel(c)) == rel)
    }

    fn capitalised(&self, i: usize) -> bool {
        self.word(i).chars().next().is_some_and(char::is_uppercase)
    }

    fn lowercase_word(&self, i: usize) -> bool {
        self.word(i).chars().next().is_some_and(char::is_lowercase)
    }

    /// Whether token `i` stands among words written in capitals (a
    /// headline, a wire dateline): three or more, all of the words with
    /// letters around it.
    fn caps(&self, i: usize) -> bool {
        let lo = i.saturating_sub(3);
        let hi = (i + 4).min(self.len());
        let mut n = 0;
        for k in lo..hi {
            let w = self.word(k);
            if w.chars().any(char::is_lowercase) {
                return false;
            }
            if w.chars().filter(|c| c.is_uppercase()).count() >= 2 {
                n += 1;
            }
        }
        n >= 3
    }

    /// Whether token `i` is a word in capitals followed by a dateline mark
    /// ("MOSCOW (Reuters) -", "KYIV, Ukraine —").
    fn dateline(&self, i: usize, end: usize) -> bool {
        i == 0
            && self.word(i).chars().filter(|c| c.is_alphabetic()).count() >= 3
            && !self.word(i).chars().any(char::is_lowercase)
            && matches!(self.word(end), "," | "(" | "—" | "–" | "-")
            || self.word(end).starts_with('(') && i == 0 && !self.word(i).chars().any(char::is_lowercase)
    }

    fn possessive(&self, i: usize) -> bool {
        matches!(self.word(i), "’s" | "'s" | "’" | "'" | "’S" | "'S")
    }
}

fn base(rel: &str) -> &str {
    rel.split(':').next().unwrap_or(rel)
}

/// Strips a possessive ending glued to a token ("Kiev's" → "Kiev").
fn strip_possessive(w: &str) -> (&str, bool) {
    for suf in ["’s", "'s", "’S", "'S", "’", "'"] {
        if let Some(s) = w.strip_suffix(suf) {
            if !s.is_empty() {
                return (s, true);
            }
        }
    }
    (w, false)
}

/// The most tokens of a name the finder looks at.
const WINDOW: usize = 8;

impl PlaceFinder {
    pub fn new(gaz: Arc<Gazetteer>) -> PlaceFinder {
        PlaceFinder { gaz }
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gaz
    }

    /// Appends the sentence's place names to `doc`, classified (not yet
    /// resolved). One pass over the tokens; allocates only when `doc` grows.
    pub fn find(&self, s: &SentenceIn<'_>, doc: &mut DocPlaces) {
        let v = View { s };
        let n = s.words.len().min(s.spans.len());
        let mut i = 0;
        while i < n {
            match self.match_at(&v, i, n) {
                Some((len, cands)) => {
                    let end = i + len;
                    if let Some(a) = self.accept(&v, i, end, cands) {
                        let c0 = doc.cands.len() as u32;
                        doc.cands.extend_from_slice(cands);
                        let c1 = doc.cands.len() as u32;
                        let span = Span { start: s.spans[i].start, end: s.spans[end - 1].end };
                        let span = trim_span(span, s.words[i], s.words[end - 1]);
                        doc.mentions.push(PlaceMention {
                            sentence: s.index,
                            start: i as u32,
                            end: end as u32,
                            span,
                            usage: a.usage,
                            why: a.why,
                            governor: a.governor.map(|g| g as u32),
                            case: a.case.map(|c| c as u32),
                            parsed: a.parsed(&v, i, end),
                            resolved: None,
                            cands: (c0, c1),
                        });
                    }
                    i = end;
                }
                None => i += 1,
            }
        }
    }

    /// The longest gazetteer name starting at token `i`: its length, its
    /// candidates.
    fn match_at(&self, v: &View<'_, '_>, i: usize, n: usize) -> Option<(usize, &[Candidate])> {
        let w = v.word(i);
        let first = w.chars().next()?;
        if !first.is_alphabetic() && !matches!(first, '(' | '“' | '"' | '‘' | '\'') {
            return None;
        }
        if !w.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_uppercase) {
            return None;
        }
        // A capitalised function word ("In", "But", "He") opens no place name
        // ("The" may: "The Hague"); a single letter is no name.
        if w.len() < 2 || (is(w, FUNC) && !w.eq_ignore_ascii_case("the")) {
            return None;
        }
        // Copy the window, cutting it after a possessive ending.
        let mut win: [&str; WINDOW] = [""; WINDOW];
        let mut k = 0;
        while k < WINDOW && i + k < n {
            let (t, poss) = strip_possessive(v.word(i + k));
            win[k] = t;
            k += 1;
            if poss {
                break;
            }
        }
        self.gaz.longest_match(&win[..k])
    }

    /// Applies the guards to the name at tokens `i..end` and classifies it.
    fn accept(&self, v: &View<'_, '_>, i: usize, end: usize, cands: &[Candidate]) -> Option<Attach> {
        if cands.is_empty() {
            return None;
        }
        // Inside a person's name or a longer actor or organisation name.
        for nm in v.s.names {
            let (a, b) = (nm.start as usize, nm.end as usize);
            let overlaps = a < end && i < b;
            if !overlaps {
                continue;
            }
            let same = a == i && b == end;
            match nm.kind {
                NameKind::Person => return None,
                NameKind::Organization | NameKind::Actor if !same => return None,
                _ => {}
            }
        }
        let single = end == i + 1;
        let word = strip_possessive(v.word(i)).0;
        // Months, titles, compass words; a capitalised function word ("Off").
        if single
            && is(
                word,
                STOP | FUNC | DET | CLAUSE | VERB | ADV | P_LOC | P_DIR | P_FROM | P_PARTY | P_TOPIC | P_OF,
            )
        {
            return None;
        }
        // An acronym in running text ("IPO", "ENA") is no place unless the
        // gazetteer knows it in exactly that case ("US", "UAE") or it names a
        // country ("USA").
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        let acronym = single && letters >= 2 && !word.chars().any(char::is_lowercase);
        if acronym
            && !v.caps(i)
            && !v.dateline(i, end)
            && !cands.iter().any(|c| c.is_exact_case() || c.kind == Kind::Country)
        {
            return None;
        }
        // Glued to the name just before it ("Tampa Bay": not "Bay").
        if single && i > 0 && v.capitalised(i - 1) && self.gaz.longest_match(&[v.word(i - 1)]).is_some() {
            return None;
        }
        let all_common = cands.iter().all(|c| c.is_common_word());
        if all_common && (v.caps(i) || i == 0 || is_opening(v.word(i.wrapping_sub(1)))) {
            return None;
        }
        // A demonym used as an adjective or noun ("Saudi officials").
        if single && !self.gaz.demonym(strip_possessive(v.word(i)).0).is_empty() {
            let after_prep = i > 0 && v.cls(i - 1) & (P_LOC | P_DIR | P_FROM) != 0;
            if !after_prep || v.word(end).chars().next().is_some_and(char::is_alphabetic) {
                return None;
            }
        }
        if !v.caps(i) && !v.dateline(i, end) && self.runs_into_name(v, i, end) {
            return None;
        }
        let a = self.classify(v, i, end, cands);
        // A name known only as another place's alternate name, not used as a
        // place, is most likely no place at all ("Hamas said": not Hamm).
        // Capitals and countries stay ("Kiev" is Kyiv's other spelling).
        let well_known = cands.iter().any(|c| c.kind == Kind::Country || c.is_capital());
        if !a.usage.is_place() && !well_known && cands.iter().all(|c| !c.is_primary_name()) {
            return None;
        }
        Some(a)
    }

    /// Whether the name is glued to unknown capitalised words on either side
    /// ("Pedro Sanchez", "Moscow Times").
    fn runs_into_name(&self, v: &View<'_, '_>, i: usize, end: usize) -> bool {
        let name_word = |j: usize| {
            let w = v.word(j);
            v.capitalised(j) && w.chars().all(|c| c.is_alphabetic() || c == '.' || c == '-') && {
                let c = classes(w);
                c & (FUNC | PLACE_NOUN | CLAUSE) == 0 && (c & STOP == 0 || is_title(w))
            }
        };
        let before = i >= 2 && name_word(i - 1) && !self.is_place_word(v, i - 1);
        // A sentence-initial word is capitalised anyway; only a title there counts.
        let before = before || (i == 1 && name_word(0) && is_title(v.word(0)));
        let last_poss = strip_possessive(v.word(end - 1)).1;
        let after = !last_poss && end < v.len() && name_word(end) && !self.is_place_word(v, end);
        before || after
    }

    fn is_place_word(&self, v: &View<'_, '_>, j: usize) -> bool {
        let w = strip_possessive(v.word(j)).0;
        !self.gaz.lookup(w).is_empty() || !self.gaz.demonym(w).is_empty()
    }

    fn classify(&self, v: &View<'_, '_>, i: usize, end: usize, cands: &[Candidate]) -> Attach {
        let kind = PlaceKind::of(cands);
        if let Some(a) = self.classify_parsed(v, i, end, kind, 0) {
            return a;
        }
        self.classify_words(v, i, end, kind)
    }

    /// Classification from the parse; `None` when the name's tokens have none.
    fn classify_parsed(
        &self,
        v: &View<'_, '_>,
        i: usize,
        end: usize,
        kind: PlaceKind,
        depth: u8,
    ) -> Option<Attach> {
        // The name's head: its token whose head lies outside it.
        let h = (i..end).find(|&t| v.syn(t).is_some() && v.head(t).is_none_or(|g| g < i || g >= end))?;
        let rel = v.rel(h);
        let gov = v.head(h);
        let at = |usage, why| Attach { usage, why, governor: gov, case: None };
        Some(match rel {
            "nsubj" | "csubj" | "nsubj:outer" => match gov {
                Some(g) if is(v.word(g), HOST) => at(PlaceUse::Both, why::HOST_SUBJECT),
                _ => at(PlaceUse::Actor, why::SUBJECT),
            },
            "nsubj:pass" | "csubj:pass" => at(PlaceUse::Both, why::PASSIVE_SUBJECT),
            "nmod:poss" => match gov {
                Some(g) if is(v.word(g), PLACE_NOUN) => at(PlaceUse::Place, why::POSSESSOR_OF_PLACE),
                _ => at(PlaceUse::Actor, why::POSSESSOR),
            },
            "obj" => match gov {
                Some(g) if is(v.word(g), VISIT) => at(PlaceUse::Both, why::VISIT_OBJECT),
                _ => at(PlaceUse::Actor, why::OBJECT),
            },
            "iobj" => at(PlaceUse::Actor, why::RECIPIENT),
            "compound" => match gov {
                Some(g) if is(v.word(g), EVENT_NOUN) && kind != PlaceKind::Country => {
                    at(PlaceUse::Place, why::EVENT_MODIFIER_CITY)
                }
                Some(g) if is(v.word(g), EVENT_NOUN) => at(PlaceUse::Actor, why::EVENT_PARTY),
                _ => at(PlaceUse::Modifier, why::MODIFIER),
            },
            "amod" | "nmod:npmod" | "obl:npmod" | "obl:tmod" | "nmod:tmod" => {
                at(PlaceUse::Modifier, why::MODIFIER)
            }
            "conj" | "appos" | "flat" if depth < 4 => {
                let g = gov?;
                self.classify_parsed(v, g, g + 1, kind, depth + 1)?
            }
            "root" => {
                if h + 1 == end
                    && (end < v.len())
                    && matches!(v.word(end), "," | "(" | "—" | "–" | "-")
                    && i == 0
                {
                    at(PlaceUse::Place, why::DATELINE)
                } else {
                    at(PlaceUse::Modifier, why::NO_CONTEXT)
                }
            }
            r if matches!(base(r), "obl" | "nmod" | "advmod") => match v.child(h, "case") {
                Some(c) => {
                    let mut a = prep_rule(v, c, gov, kind);
                    a.case = Some(c);
                    a
                }
                None => at(PlaceUse::Modifier, why::NO_CONTEXT),
            },
            _ => return None,
        })
    }

    /// Classification from the words around the name (no parse).
    fn classify_words(&self, v: &View<'_, '_>, i: usize, end: usize, kind: PlaceKind) -> Attach {
        let none = |usage, why| Attach { usage, why, governor: None, case: None };
        if v.dateline(i, end) {
            return none(PlaceUse::Place, why::DATELINE);
        }
        // Possessor: "Kiev’s desire", "Gaza’s population".
        let glued = strip_possessive(v.word(end - 1)).1;
        if glued || v.possessive(end) {
            let noun = next_noun(v, if glued { end } else { end + 1 });
            return match noun {
                Some(g) if is(v.word(g), PLACE_NOUN) => {
                    Attach { governor: Some(g), ..none(PlaceUse::Place, why::POSSESSOR_OF_PLACE) }
                }
                g => Attach { governor: g, ..none(PlaceUse::Actor, why::POSSESSOR) },
            };
        }
        // The preposition before it ("in", "in the", "to the city of").
        let mut p = i.checked_sub(1);
        if let Some(j) = p {
            if v.cls(j) & DET != 0 && !v.capitalised(j) {
                p = j.checked_sub(1);
            }
        }
        let det = p.is_some_and(|j| j + 1 < i);
        if det && end < v.len() && v.lowercase_word(end) && classes(v.word(end)) & (FUNC | VERB | ADV) == 0 {
            // "in the Ukraine conflict": the name modifies the noun after it.
            if verb_at(v, end).is_none() && !is(v.word(end), EVENT_NOUN) {
                return Attach { governor: Some(end), ..none(PlaceUse::Modifier, why::MODIFIER) };
            }
        }
        // "part of US and Russian efforts": coordinated with a demonym, the
        // name is an adjective of the noun after them.
        let with_demonym = matches!(v.word(end), "and" | "or")
            && end + 2 < v.len()
            && !self.gaz.demonym(v.word(end + 1)).is_empty()
            && v.lowercase_word(end + 2)
            && classes(v.word(end + 2)) & (FUNC | VERB | ADV | CLAUSE | DET) == 0;
        if with_demonym {
            return Attach { governor: Some(end + 2), ..none(PlaceUse::Modifier, why::MODIFIER) };
        }
        if let Some(j) = p {
            let c = v.cls(j);
            let prep = c & (P_LOC | P_DIR | P_FROM | P_PARTY | P_TOPIC | P_OF) != 0;
            if prep && (v.lowercase_word(j) || v.caps(j)) || (j == 0 && c & P_LOC != 0) {
                let mut gov = governor_before(v, j);
                if c & (P_DIR | P_FROM) != 0 {
                    gov = motion_before(v, gov).or(gov);
                }
                let mut a = prep_rule(v, j, gov, kind);
                a.case = Some(j);
                return a;
            }
            if c & VISIT != 0 && v.lowercase_word(j) {
                return Attach { governor: Some(j), ..none(PlaceUse::Both, why::VISIT_OBJECT) };
            }
        }
        // "Moscow talks", "US-Ukraine talks".
        if end < v.len() && (v.lowercase_word(end) || v.caps(end)) && is(v.word(end), EVENT_NOUN) {
            return if kind == PlaceKind::Country {
                Attach { governor: Some(end), ..none(PlaceUse::Actor, why::EVENT_PARTY) }
            } else {
                Attach { governor: Some(end), ..none(PlaceUse::Place, why::EVENT_MODIFIER_CITY) }
            };
        }
        // A subject: at a clause start, before a verb (through "X and Y").
        let clause_start = i == 0 || p.is_none() || i.checked_sub(1).is_some_and(|j| v.cls(j) & CLAUSE != 0);
        if clause_start {
            let after = skip_coordination(v, end);
            if let Some(vb) = verb_at(v, after) {
                return if is(v.word(vb), HOST) {
                    Attach { governor: Some(vb), ..none(PlaceUse::Both, why::HOST_SUBJECT) }
                } else {
                    Attach { governor: Some(vb), ..none(PlaceUse::Actor, why::SUBJECT) }
                };
            }
        }
        // An object right after a verb of another kind: "offer Kiev guarantees".
        if end < v.len() && v.lowercase_word(end) && !is(v.word(end), VERB) {
            return Attach { governor: Some(end), ..none(PlaceUse::Modifier, why::MODIFIER) };
        }
        none(PlaceUse::Modifier, why::NO_CONTEXT)
    }

    /// Resolves every mention of the document. `actor_codes` are the CAMEO
    /// codes of the document's actors (`RUSGOV`, `IGOWSTNAT`): those that
    /// start with a country's ISO alpha-3 put it in the context, along with
    /// the countries of the unambiguous place names.
    pub fn resolve<'c>(&self, doc: &mut DocPlaces, actor_codes: impl IntoIterator<Item = &'c str>) {
        let ctx = self.context(doc, actor_codes);
        for k in 0..doc.mentions.len() {
            let m = doc.mentions[k];
            let r = {
                let cands = doc.candidates(&m);
                self.choose(cands, false, &ctx)
            };
            doc.mentions[k].resolved = r;
        }
    }

    /// The document's context: countries of its actors and of its
    /// unambiguous names; regions it names.
    pub fn context<'c>(&self, doc: &DocPlaces, actor_codes: impl IntoIterator<Item = &'c str>) -> Context {
        let mut ctx = Context::default();
        for code in actor_codes {
            if let Some(c) = code.get(..3).and_then(|iso| self.gaz.country_by_iso3(iso)) {
                ctx.add_country(c.iso3());
            }
        }
        for m in &doc.mentions {
            let cands = doc.candidates(m);
            let eligible = cands.iter().filter(|c| !c.is_common_word());
            let mut it = eligible.clone();
            let Some(&first) = it.next() else { continue };
            // A country name counts whatever its use; another name only as a
            // place ("Hamas said" is not Hamm, Germany).
            if first.kind != Kind::Country && !m.usage.is_place() {
                continue;
            }
            let has_region = cands.iter().any(|c| c.kind == Kind::Region);
            let unambiguous = (first.kind == Kind::Country && !has_region) || it.next().is_none();
            if !unambiguous {
                continue;
            }
            if let Some(d) = self.gaz.describe(first, reason::ONLY) {
                ctx.add_country(d.country_iso3);
                if d.kind == Kind::Region {
                    ctx.add_region(d.name);
                }
            }
        }
        ctx
    }

    /// [`Gazetteer::choose`], except that where no context decided, a
    /// namesake matched by its main name wins over an alternate-name match
    /// it is not dwarfed by ("Florida" the state, not Floridablanca).
    pub fn choose(&self, cands: &[Candidate], lower: bool, ctx: &Context) -> Option<Resolved> {
        let r = self.gaz.choose(cands, lower, ctx)?;
        let chosen = Resolved { candidate: r.candidate, reason: r.reason };
        // "Georgia" in an American story: the state, when the country is
        // not in the context and the state's country is.
        if r.kind == Kind::Country && !ctx.has_country(r.country_iso3) {
            let state = cands.iter().find(|c| {
                c.kind == Kind::Region
                    && c.is_primary_name()
                    && self.gaz.region(c.index).is_some_and(|g| ctx.has_country(g.country_iso3()))
            });
            if let Some(&c) = state {
                return Some(Resolved { candidate: c, reason: STATE_IN_CONTEXT });
            }
        }
        let by_prior = matches!(r.reason, reason::PRIOR | reason::PRIOR_IN_CONTEXT | reason::CONTEXT_COUNTRY);
        if !by_prior || r.candidate.is_primary_name() {
            return Some(chosen);
        }
        // With a context, the main-name namesake must be in it too.
        let in_ctx = |d: &Resolution<'_>| ctx.is_empty() || ctx.has_country(d.country_iso3);
        let weight = r.population.max(1);
        let better = cands
            .iter()
            .filter(|c| c.is_primary_name() && !c.is_common_word())
            .filter_map(|&c| self.gaz.describe(c, "").map(|d| (d, c)))
            // Not the region the default city lies in ("New York" the city, not the state).
            .filter(|(d, _)| {
                !(d.kind == Kind::Region && Some(d.name) == r.admin1 && d.country_iso3 == r.country_iso3)
            })
            .filter(|(d, _)| in_ctx(d))
            .map(|(d, c)| (d.population, c))
            .filter(|(pop, _)| pop.saturating_mul(MAIN_NAME_RATIO) >= weight)
            .max_by_key(|(pop, _)| *pop);
        Some(match better {
            Some((_, c)) => Resolved { candidate: c, reason: MAIN_NAME },
            None => chosen,
        })
    }

    /// Chooses the location of an event whose trigger is tokens `trigger` of
    /// sentence `s` among the sentence's mentions in `doc` (call after
    /// [`PlaceFinder::find`] for the sentence).
    ///
    /// With a parse: the place the trigger governs (an `obl`/`nmod` with a
    /// locative or directional preposition, the object of "visit", a
    /// compound "Moscow talks"), directly, through one noun ("held talks in
    /// Geneva") or through the verb whose purpose clause or subject the
    /// trigger is ("flew to Moscow to meet", "the meeting was held in
    /// Geneva"). Without one: a place after the trigger introduced by such a
    /// preposition before any clause break, or a sentence-opening "In X,".
    /// Else the clause's only place. Else none.
    pub fn event_location(
        &self,
        s: &SentenceIn<'_>,
        doc: &DocPlaces,
        trigger: Range<usize>,
    ) -> LocationChoice {
        let v = View { s };
        let n = v.len();
        let trigger = trigger.start.min(n)..trigger.end.min(n).max(trigger.start.min(n));
        if trigger.is_empty() {
            return LocationChoice { mention: None, reason: "no trigger".into() };
        }
        let places: Vec<(usize, &PlaceMention)> =
            doc.in_sentence(s.index).filter(|(_, m)| m.usage.is_place() && m.why != why::DATELINE).collect();
        if places.is_empty() {
            return LocationChoice { mention: None, reason: "no place in the sentence".into() };
        }
        let t = trigger_head(&v, &trigger);
        let tw = v.word(t);
        let parsed = v.syn(t).is_some();
        if parsed {
            let mut best: Option<(u8, usize, usize, String)> = None;
            for &(k, m) in &places {
                if let Some((strength, reason)) = self.governed(&v, m, t) {
                    let dist = (m.start as usize).abs_diff(t);
                    let better =
                        best.as_ref().is_none_or(|b| (strength, usize::MAX - dist) > (b.0, usize::MAX - b.1));
                    if better {
                        best = Some((strength, dist, k, reason));
                    }
                }
            }
            if let Some((_, _, k, reason)) = best {
                return LocationChoice { mention: Some(k), reason };
            }
            // The clause's only place.
            let clause = clause_of(&v, t);
            // Attached to the clause: an adverbial of its verb, not a noun's modifier.
            let same: Vec<usize> = places
                .iter()
                .filter(|(_, m)| {
                    let h = mention_head(&v, m);
                    let adverbial = matches!(base(v.rel(h)), "obl" | "advmod")
                        || matches!(m.why, why::HOST_SUBJECT | why::VISIT_OBJECT | why::PASSIVE_SUBJECT);
                    v.syn(h).is_some() && adverbial && clause_of(&v, h) == clause
                })
                .map(|&(k, _)| k)
                .collect();
            if let ([k], 1) = (same.as_slice(), places.len()) {
                return LocationChoice {
                    mention: Some(*k),
                    reason: format!("the only place in the clause of {tw}"),
                };
            }
            return LocationChoice { mention: None, reason: format!("no place governed by {tw}") };
        }
        // No parse. A place after an abstract noun only qualifies it ("a
        // ceasefire in Gaza").
        let qualifies = |m: &PlaceMention| {
            m.case.and_then(|c| governor_before(&v, c as usize)).is_some_and(|g| v.cls(g) & NOUN_MOD != 0)
        };
        let places: Vec<(usize, &PlaceMention)> = places.into_iter().filter(|(_, m)| !qualifies(m)).collect();
        // The words after the trigger, up to a clause break.
        let mut j = trigger.end;
        let stop = (trigger.end + 12).min(n);
        while j < stop {
            let w = v.word(j);
            // A clause break, or a subordinate clause with its own events
            // ("told reporters that Paris would send ... to Kyiv").
            if is_break(w) || is_subordinator(w) {
                break;
            }
            if let Some(&(k, m)) = places.iter().find(|(_, m)| m.start as usize == j) {
                let via = m.case.map(|c| v.word(c as usize));
                let prep_ok = m.case.is_some_and(|c| is(v.word(c as usize), P_LOC | P_DIR | P_FROM))
                    || m.why == why::VISIT_OBJECT
                    || m.why == why::OF_PLACE
                    || m.why == why::EVENT_MODIFIER_CITY
                    || (m.case.is_some_and(|c| v.word(c as usize) == "for") && m.why == why::DESTINATION);
                if prep_ok {
                    let reason = match via {
                        Some(p) => format!("governed by {tw} via {} (no parse)", p.to_lowercase()),
                        None => format!("governed by {tw} (no parse)"),
                    };
                    return LocationChoice { mention: Some(k), reason };
                }
            }
            j += 1;
        }
        // "Moscow talks": the place just before an event noun.
        if let Some(&(k, _)) =
            places.iter().find(|(_, m)| m.end as usize == t && m.why == why::EVENT_MODIFIER_CITY)
        {
            return LocationChoice { mention: Some(k), reason: format!("names the {tw} (no parse)") };
        }
        // "In Tallinn, the ministers met ...".
        if let Some(&(k, m)) = places.iter().find(|(_, m)| {
            m.start as usize <= 2
                && (m.end as usize) < t
                && m.case.is_some_and(|c| c == 0 && is(v.word(0), P_LOC))
                && v.word(m.end as usize) == ","
        }) {
            let p = m.case.map_or("in", |c| v.word(c as usize)).to_lowercase();
            return LocationChoice {
                mention: Some(k),
                reason: format!("the sentence opens with {p} a place (no parse)"),
            };
        }
        let located = |m: &PlaceMention| {
            m.case.is_some_and(|c| is(v.word(c as usize), P_LOC))
                || matches!(
                    m.why,
                    why::OF_PLACE
                        | why::VISIT_OBJECT
                        | why::EVENT_MODIFIER_CITY
                        | why::DESTINATION
                        | why::HOST_SUBJECT
                )
        };
        if let [(k, m)] = places.as_slice() {
            let (a, b) =
                if (m.start as usize) < t { (m.end as usize, t) } else { (trigger.end, m.start as usize) };
            let a = a.min(b);
            let broken = (a..b).any(|x| is_break(v.word(x)) && v.word(x) != ",");
            if !broken && located(m) {
                return LocationChoice {
                    mention: Some(*k),
                    reason: format!("the only place in the sentence of {tw} (no parse)"),
                };
            }
        }
        LocationChoice { mention: None, reason: format!("no place governed by {tw} (no parse)") }
    }

    /// Whether mention `m` is governed by token `t`: a strength and the reason.
    fn governed(&self, v: &View<'_, '_>, m: &PlaceMention, t: usize) -> Option<(u8, String)> {
        let tw = v.word(t);
        // Up from the mention through conjunctions and appositions.
        let mut h = mention_head(v, m);
        for _ in 0..4 {
            if matches!(base(v.rel(h)), "conj" | "appos" | "flat") {
                h = v.head(h)?;
            } else {
                break;
            }
        }
        let g = v.head(h)?;
        let rel = v.rel(h);
        let case = v.child(h, "case").map(|c| v.word(c).to_lowercase());
        let strength = match (base(rel), case.as_deref()) {
            (_, Some(p)) if is(p, P_LOC | P_DIR) => 3,
            (_, Some(p)) if is(p, P_FROM) => 1,
            (_, Some("for")) if m.why == why::DESTINATION => 2,
            ("obj", _) if m.why == why::VISIT_OBJECT => 3,
            ("compound", _) if m.why == why::EVENT_MODIFIER_CITY => 3,
            ("nsubj", _) if rel == "nsubj:pass" => 2,
            ("nsubj", _) if m.why == why::HOST_SUBJECT => 2,
            ("nmod", None) if m.usage.is_place() => 1,
            _ => 0,
        };
        if strength == 0 {
            return None;
        }
        let via = case.as_deref().map_or_else(|| format!("as {}", rel), |p| format!("via {p}"));
        if g == t {
            return Some((strength, format!("governed by {tw} {via}")));
        }
        // Through one noun: "held talks in Geneva", "signed a deal in Riyadh".
        if v.head(g) == Some(t)
            && matches!(base(v.rel(g)), "obj" | "obl" | "nmod" | "nsubj")
            && is(v.word(g), EVENT_NOUN)
        {
            return Some((strength, format!("governed by {tw} through {} {via}", v.word(g))));
        }
        // The trigger is the subject of the verb that governs the place
        // ("the meeting was held in Geneva"), or its purpose clause ("flew
        // to Moscow to meet Putin").
        if v.head(t) == Some(g) {
            let trel = base(v.rel(t));
            if matches!(trel, "nsubj" | "obj") {
                return Some((strength, format!("governed by {}, the predicate of {tw}, {via}", v.word(g))));
            }
            if matches!(trel, "advcl" | "xcomp") && is(v.word(g), MOTION | VISIT) {
                return Some((
                    strength,
                    format!("governed by {}, which {tw} is the purpose of, {via}", v.word(g)),
                ));
            }
        }
        // An event noun modifying the trigger's clause: "talks ... in Saudi
        // Arabia" with the trigger "talks" handled above; a place governed by
        // the head of a noun trigger ("the Riyadh talks").
        None
    }
}

/// The reason given for a region chosen over a namesake country.
pub const STATE_IN_CONTEXT: &str =
    "a first-level region in a context country, over a namesake country outside the context";

/// The ratio under which a main-name namesake wins over an alternate-name default.
const MAIN_NAME_RATIO: u64 = 5;
/// The reason given for that choice.
pub const MAIN_NAME: &str = "a namesake matched by its main name, not dwarfed by the alternate-name match";

/// What kind of place a name most likely is, for the rules that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PlaceKind {
    Country,
    Capital,
    City,
}

impl PlaceKind {
    fn of(cands: &[Candidate]) -> PlaceKind {
        match cands.first() {
            Some(c) if c.kind == Kind::Country => PlaceKind::Country,
            Some(c) if c.is_capital() => PlaceKind::Capital,
            _ => PlaceKind::City,
        }
    }
}

impl Attach {
    fn parsed(&self, v: &View<'_, '_>, i: usize, end: usize) -> bool {
        (i..end).any(|t| v.syn(t).is_some())
    }
}

/// The rule for a place name after preposition token `c`, governed by `gov`.
fn prep_rule(v: &View<'_, '_>, c: usize, gov: Option<usize>, kind: PlaceKind) -> Attach {
    let p = v.word(c);
    let pc = classes(p);
    let gc = gov.map_or(0, |g| classes(v.word(g)));
    let at = |usage, why| Attach { usage, why, governor: gov, case: Some(c) };
    if pc & P_LOC != 0 {
        return at(PlaceUse::Place, why::LOCATIVE);
    }
    if pc & P_DIR != 0 {
        return if gc & MOTION != 0 {
            at(PlaceUse::Place, why::DESTINATION)
        } else if gc & TRANSFER != 0 {
            at(PlaceUse::Both, why::TRANSFER)
        } else if gc & PARTY_NOUN != 0 || kind == PlaceKind::Country {
            at(PlaceUse::Actor, why::RECIPIENT)
        } else if kind == PlaceKind::Capital {
            at(PlaceUse::Both, why::CAPITAL_TO)
        } else {
            at(PlaceUse::Place, why::CITY_TO)
        };
    }
    if pc & P_FROM != 0 {
        return if gc & (MOTION | TRANSFER) != 0 {
            at(PlaceUse::Place, why::ORIGIN)
        } else if gc & PARTY_NOUN != 0 {
            at(PlaceUse::Actor, why::SENDER)
        } else if kind == PlaceKind::City {
            at(PlaceUse::Place, why::FROM_CITY)
        } else {
            at(PlaceUse::Both, why::FROM_COUNTRY)
        };
    }
    if p.eq_ignore_ascii_case("for") && gc & MOTION != 0 && gc & EVENT_NOUN == 0 {
        return at(PlaceUse::Place, why::DESTINATION);
    }
    if pc & P_PARTY != 0 {
        return at(PlaceUse::Actor, why::PARTY);
    }
    if pc & P_TOPIC != 0 {
        // "the assault on Fallujah": the target of an attack, and where it is.
        if gc & ATTACK_NOUN != 0 && matches!(p.to_ascii_lowercase().as_str(), "on" | "upon") {
            return at(PlaceUse::Both, why::ATTACK_TARGET);
        }
        return at(PlaceUse::Modifier, why::TOPIC);
    }
    if pc & P_OF != 0 {
        return if gc & PLACE_NOUN != 0 {
            at(PlaceUse::Place, why::OF_PLACE)
        } else if gc & ATTACK_NOUN != 0 {
            at(PlaceUse::Both, why::OF_ATTACK)
        } else {
            at(PlaceUse::Actor, why::OF_OTHER)
        };
    }
    at(PlaceUse::Modifier, why::OTHER_PREP)
}

/// The word a preposition at `j` attaches to, read from the words: the one
/// before it, skipping adverbs and particles ("flew back to", "the city of").
fn governor_before(v: &View<'_, '_>, j: usize) -> Option<usize> {
    let mut g = j.checked_sub(1)?;
    for _ in 0..2 {
        if v.cls(g) & ADV != 0 && g > 0 {
            g -= 1;
        } else {
            break;
        }
    }
    Some(g)
}

/// A verb or noun of motion or sending a few words before `g` in its clause
/// ("send more troops to Kursk", "arrived by train from Poland").
fn motion_before(v: &View<'_, '_>, g: Option<usize>) -> Option<usize> {
    let g = g?;
    if v.cls(g) & (MOTION | TRANSFER) != 0 {
        return Some(g);
    }
    let mut k = g;
    for _ in 0..4 {
        k = k.checked_sub(1)?;
        let c = v.cls(k);
        if c & CLAUSE != 0 {
            return None;
        }
        if c & (MOTION | TRANSFER) != 0 && v.lowercase_word(k) {
            return Some(k);
        }
    }
    None
}

/// The first word from `j` on that could be the noun a possessor owns,
/// skipping adjectives of up to two words ("Kiev’s NATO aspirations").
fn next_noun(v: &View<'_, '_>, j: usize) -> Option<usize> {
    let mut last = None;
    for k in j..(j + 3).min(v.len()) {
        let w = v.word(k);
        if !w.chars().next().is_some_and(char::is_alphanumeric) {
            break;
        }
        last = Some(k);
        if is(w, PLACE_NOUN | PARTY_NOUN) || v.lowercase_word(k) && !is(v.word(k + 1), PLACE_NOUN) {
            break;
        }
    }
    last
}

/// Past a coordination of names ("Britain and India", "Armenia, Azerbaijan
/// and Georgia"), the token after it.
fn skip_coordination(v: &View<'_, '_>, mut j: usize) -> usize {
    loop {
        let w = v.word(j);
        if (w == "and" || w == "," || w == "or") && v.capitalised(j + 1) && j + 1 < v.len() {
            j += 1;
            while j < v.len() && v.capitalised(j) {
                j += 1;
            }
            if j < v.len() && v.possessive(j) {
                return j;
            }
        } else {
            return j;
        }
    }
}

/// A verb at `j` (or after an adverb there): an auxiliary or common verb
/// form, or a lowercase word ending in -ed or -ing.
fn verb_at(v: &View<'_, '_>, j: usize) -> Option<usize> {
    let mut k = j;
    if is(v.word(k), ADV) && v.lowercase_word(k) && v.word(k) != "on" {
        k += 1;
    }
    let w = v.word(k);
    if !v.lowercase_word(k) {
        return None;
    }
    // A tagger's word class, when there is one, decides.
    match v.upos(k) {
        "VERB" | "AUX" => return Some(k),
        "NOUN" | "PROPN" | "ADJ" | "NUM" | "ADP" | "DET" | "PRON" | "CCONJ" | "SCONJ" | "PUNCT" => {
            return None
        }
        _ => {}
    }
    let c = classes(w);
    if c & VERB != 0 {
        return Some(k);
    }
    if c & (NOUN_S | EVENT_NOUN | PLACE_NOUN | PARTY_NOUN) != 0 {
        return None;
    }
    let verbish = w.ends_with("ed") || w.ends_with("ing") || (w.ends_with('s') && !w.ends_with("ss"));
    verbish.then_some(k)
}

/// Words that end the stretch of words an event's place may be read from.
fn is_break(w: &str) -> bool {
    matches!(
        w,
        ";" | ","
            | ":"
            | "which"
            | "who"
            | "whom"
            | "where"
            | "while"
            | "whereas"
            | "but"
            | "said"
            | "says"
            | "“"
            | "”"
            | "\""
            | "—"
            | "–"
            | "("
            | ")"
            | "."
    )
}

fn is_subordinator(w: &str) -> bool {
    matches!(
        w,
        "that"
            | "whether"
            | "if"
            | "because"
            | "after"
            | "before"
            | "when"
            | "as"
            | "since"
            | "until"
            | "unless"
            | "although"
            | "though"
            | "so"
    )
}

fn is_opening(w: &str) -> bool {
    matches!(w, "“" | "\"" | "‘" | "'" | ":" | "(" | "—" | "–" | "-" | "«")
}

fn is_title(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "president"
            | "prime"
            | "minister"
            | "general"
            | "secretary"
            | "governor"
            | "mayor"
            | "chief"
            | "senator"
            | "king"
            | "queen"
            | "prince"
            | "princess"
            | "pope"
            | "lord"
            | "sir"
            | "dr"
            | "mr"
            | "mrs"
            | "ms"
            | "hurricane"
            | "storm"
            | "typhoon"
            | "cyclone"
    )
}

/// The span without a possessive ending or punctuation glued to the first
/// or last token ("London:", "(Moscow)", "Kiev's").
fn trim_span(span: Span, first: &str, last: &str) -> Span {
    let lead = first.len() - first.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
    let (w, _) = strip_possessive(last);
    let kept = w.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '.');
    // A final full stop stays only in an abbreviation ("U.S.").
    let kept = if kept.ends_with('.') && kept[..kept.len() - 1].contains('.') {
        kept
    } else {
        kept.trim_end_matches('.')
    };
    let cut = (last.len() - kept.len()) as u32;
    let start = span.start + lead as u32;
    let end = span.end.saturating_sub(cut).max(start);
    Span { start, end }
}

/// The mention's head token: the one whose head lies outside it (else its last).
fn mention_head(v: &View<'_, '_>, m: &PlaceMention) -> usize {
    let (a, b) = (m.start as usize, m.end as usize);
    (a..b)
        .find(|&t| v.syn(t).is_some() && v.head(t).is_none_or(|g| g < a || g >= b))
        .unwrap_or(b.saturating_sub(1))
}

/// The trigger's head token: the one whose head lies outside the trigger
/// (else its first).
fn trigger_head(v: &View<'_, '_>, r: &Range<usize>) -> usize {
    r.clone().find(|&t| v.syn(t).is_some() && v.head(t).is_none_or(|g| !r.contains(&g))).unwrap_or(r.start)
}

/// The head of the clause token `t` belongs to.
fn clause_of(v: &View<'_, '_>, t: usize) -> usize {
    let mut x = t;
    for _ in 0..v.len() {
        let rel = v.rel(x);
        if matches!(base(rel), "root" | "ccomp" | "advcl" | "acl" | "xcomp" | "csubj" | "parataxis" | "conj")
        {
            return x;
        }
        match v.head(x) {
            Some(h) => x = h,
            None => return x,
        }
    }
    x
}

#[cfg(test)]
#[path = "places_tests.rs"]
mod tests;
