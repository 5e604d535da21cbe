//! The stages that run on a document after its events: time expressions
//! ([`crate::dates`]), places ([`crate::places`]), quotes
//! ([`crate::quotes`]) and positions ([`crate::positions`]), and the
//! `date`, `place`, `quote` and `position` records they give.
//!
//! Per sentence (while the coder's marking of it is at hand): the time
//! expressions, each resolved against the document date; the place names,
//! with the coder's actor mentions as names (so "US" of "US President
//! Donald Trump" is no place and "Moscow has stated" is an actor); and, for
//! each event, the time expression of its own clause (the nearest one with
//! no clause boundary — `;`, `:`, a dash, `but`, `that`, `which`, `who`,
//! `while`, `because`, `if`, ... — between it and the verb; else the
//! document date) and the place its verb or noun governs.
//!
//! Per document: places are resolved in the context of the document's
//! actors; events get their `event_loc` (or a reason for none in
//! `provenance.location`); quotes are found in the whole text (they cross
//! sentences) and their speakers attached to the coder's actor mentions
//! (a pronoun through the coder's coreference, else the finder's
//! antecedent); positions are derived from the events and the quotes with a
//! coded speaker.
//!
//! Cheap by construction: each finder has its own pre-filter (time anchors,
//! capitalised words, quote marks and speech cues, issue first words), the
//! buffers live in [`StageScratch`] and are reused, and positions run only
//! on documents with an event or an attributed quote.

use std::sync::Arc;

use dyad_dict::gazetteer::Gazetteer;
use dyad_text::{Date, Document, Segmented, Span, Token};

use crate::dates::{DateFinder, TimeExpr, TimeValue};
use crate::document::Emit;
use crate::error::{Error, Result};
use crate::lexicon::{Class, Lexicon};
use crate::places::{DocPlaces, LocationChoice, NameKind, NameSpan, PlaceFinder, SentenceIn};
use crate::positions::{EventIn, Holder, Issues, Position, PositionFinder, QuoteIn, Source};
use crate::quotes::{attach_speakers, Quote, QuoteFinder};
use crate::record::{
    record_id, ActorRecord, CueRecord, DateRecord, DateSource, Entity, Output, PlaceRecord, PositionRecord,
    QuoteRecord, SpeakerRecord, StageProvenance, TextInfo, TimeRef, Words as WordsRecord, DYAD_VERSION,
};
use crate::shallow::{Parse, Reference, NONE};
use crate::words::Words;

/// What the stages share between threads: the gazetteer, the issues file
/// and the place finder.
pub struct Stages {
    pub gazetteer: Arc<Gazetteer>,
    pub issues: Arc<Issues>,
    pub places: PlaceFinder,
}

impl Stages {
    /// The embedded gazetteer and issues file (`dictionaries/issues.txt`).
    pub fn embedded() -> Result<Stages> {
        let gaz = Gazetteer::embedded().map_err(|e| Error::Suite {
            path: std::path::PathBuf::from("dictionaries/gazetteer"),
            message: e.to_string(),
        })?;
        let gaz = Arc::new(gaz);
        Ok(Stages {
            places: PlaceFinder::new(gaz.clone()),
            gazetteer: gaz,
            issues: Arc::new(Issues::embedded()),
        })
    }
}

/// A coded actor mention: where it is, its code, and for a pronoun the
/// words it refers to.
#[derive(Clone, Debug)]
struct Mention {
    span: Span,
    code: String,
    /// For a pronoun: the words of the antecedent in its sentence.
    refers: Option<Span>,
    /// For a pronoun: the antecedent carried from the previous sentence.
    forward: Option<String>,
    /// The end of the mention with an agent right after it ("Kenya’s
    /// president"): where its clause's predicate starts.
    np_end: u32,
    /// The code with that agent ("KENGOV").
    np_code: Option<String>,
}

/// An event record of the document with what the stages found for it.
#[derive(Clone, Debug)]
struct EventAt {
    /// Index in the output.
    out: usize,
    /// The verb (or event noun).
    verb: Span,
    choice: LocationChoice,
}

/// Per-worker buffers of the stages.
#[derive(Default)]
pub struct StageScratch {
    quotes: QuoteFinder,
    quote_buf: Vec<Quote>,
    attached: Vec<Option<usize>>,
    dates: DateFinder,
    times: Vec<TimeExpr>,
    time_sentence: Vec<u32>,
    /// (time index, event output index).
    dated: Vec<(usize, usize)>,
    positions: Option<PositionFinder>,
    position_buf: Vec<Position>,
    places: DocPlaces,
    mentions: Vec<Mention>,
    /// Actor mentions inside comma clauses the coder set aside (", while
    /// France backed them"): subjects for the positions' narrative reading only.
    aside_mentions: Vec<Mention>,
    mention_spans: Vec<Span>,
    /// "he", "she" the coder left unresolved (no antecedent in their sentence).
    pronouns: Vec<Span>,
    events: Vec<EventAt>,
    /// Events of the current sentence: output index and verb span, filled by the document coder.
    pub(crate) pending: Vec<(usize, Span)>,
    words: Vec<&'static str>,
    spans: Vec<Span>,
    names: Vec<NameSpan>,
}

impl std::fmt::Debug for StageScratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StageScratch").finish_non_exhaustive()
    }
}

/// One sentence as the stages see it.
pub(crate) struct SentenceView<'a> {
    pub index: u32,
    pub span: Span,
    pub tokens: &'a [Token],
    /// The coder's words and marking, when the coder read the sentence.
    pub coded: Option<(&'a Words, &'a Parse)>,
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Words that open a new clause: a time expression on the other side of one
/// belongs to another verb.
const BOUNDARY_WORDS: &[&str] = &[
    "but", "that", "which", "who", "whom", "whose", "while", "whereas", "although", "though", "because",
    "if", "whether", "unless", "when", "where",
];

/// Whether `between` (the text between a time expression and a verb)
/// crosses a clause boundary.
fn crosses_clause(between: &str) -> bool {
    if between.contains([';', ':', '—', '–', '(', ')']) {
        return true;
    }
    between
        .split(|c: char| !c.is_alphabetic())
        .any(|w| !w.is_empty() && w.len() <= 8 && BOUNDARY_WORDS.iter().any(|b| w.eq_ignore_ascii_case(b)))
}

/// The time expression of the clause of the verb at `verb`: the nearest
/// one of `times` with no clause boundary in between.
fn clause_time(text: &str, times: &[TimeExpr], verb: Span) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, t) in times.iter().enumerate() {
        let (a, b) = if t.span.end <= verb.start {
            (t.span.end, verb.start)
        } else if verb.end <= t.span.start {
            (verb.end, t.span.start)
        } else {
            (verb.start, verb.start)
        };
        let between = text.get(a as usize..b as usize).unwrap_or("");
        if crosses_clause(between) {
            continue;
        }
        let dist = (b - a) as usize;
        if best.is_none_or(|(_, d)| dist < d) {
            best = Some((i, dist));
        }
    }
    best.map(|b| b.0)
}

/// The sentence holding byte `b`.
fn sentence_of(seg: &Segmented, b: u32) -> TextInfo {
    let k = seg.sentences.partition_point(|s| s.span.end <= b).min(seg.sentences.len().saturating_sub(1));
    match seg.sentences.get(k) {
        Some(s) => TextInfo { sequence: k as u32, start: s.span.start, end: s.span.end },
        None => TextInfo::default(),
    }
}

/// The first real code of an actor root on `date`.
fn actor_code(lex: &Lexicon, root: u32, date: Option<Date>) -> Option<&str> {
    let r = lex.roots.get(root as usize)?;
    if r.class != Class::Actor && r.class != Class::Agent {
        return None;
    }
    if r.class == Class::Agent {
        return None;
    }
    let def = lex.actors.get(r.data as usize)?;
    def.codes(date).iter().map(String::as_str).find(|c| !c.starts_with("---") && !c.starts_with("###"))
}

impl StageScratch {
    /// Clears the per-document buffers.
    pub(crate) fn begin(&mut self) {
        self.times.clear();
        self.time_sentence.clear();
        self.dated.clear();
        self.places.clear();
        self.mentions.clear();
        self.aside_mentions.clear();
        self.pronouns.clear();
        self.events.clear();
        self.pending.clear();
    }

    /// The coder's actor mentions of the sentence.
    fn collect_mentions(&mut self, lex: &Lexicon, date: Option<Date>, words: &Words, p: &Parse) {
        let span_of = |ws: &[u32]| -> Option<Span> {
            let a = words.words.get(*ws.iter().min()? as usize)?;
            let b = words.words.get(*ws.iter().max()? as usize)?;
            Some(Span { start: a.start, end: b.end })
        };
        for sp in p.spans.iter().filter(|s| s.active && s.pronoun && matches!(s.class, Class::Pronoun(_))) {
            let Some(span) = span_of(&sp.words) else { continue };
            let w = words.words.get(sp.head as usize).map_or("", |w| w.text.as_str());
            if matches!(w, "HE" | "SHE") {
                self.pronouns.push(span);
            }
        }
        // An agent span starting right after an actor's words ("Kenya’s president").
        // Further agents and the capitalised words of a name after them go
        // with it ("Chinese foreign ministry spokesman Lin Jian").
        let agent_end = |ws: &[u32]| -> Option<(u32, String)> {
            let agent_at = |k: u32| {
                p.spans.iter().find(|a| {
                    a.active && a.class == Class::Agent && a.words.iter().min().is_some_and(|&m| m == k)
                })
            };
            let mut last = *ws.iter().max()?;
            let ag = agent_at(last + 1)?;
            let r = lex.roots.get(ag.root as usize)?;
            let code = lex.agents.get(r.data as usize)?.written_code();
            last = *ag.words.iter().max()?;
            while let Some(a) = agent_at(last + 1) {
                last = *a.words.iter().max()?;
            }
            while words.words.get(last as usize + 1).is_some_and(|w| {
                w.cap == crate::words::Cap::Mid && p.member.get(last as usize + 1).is_none_or(|&m| m == NONE)
            }) {
                last += 1;
            }
            Some((words.words.get(last as usize)?.end, code))
        };
        // Actors the coder's comma clauses cancelled, when no active span
        // shares a word with them.
        for sp in p.spans.iter().filter(|s| !s.active && s.class == Class::Actor && s.reference.is_none()) {
            let inside = |w: u32| p.subords.iter().any(|g| g.active && g.start < w && w <= g.end);
            if !sp.words.iter().all(|&w| inside(w))
                || p.spans.iter().any(|o| o.active && o.words.iter().any(|w| sp.words.contains(w)))
            {
                continue;
            }
            let Some(span) = span_of(&sp.words) else { continue };
            let Some(code) = actor_code(lex, sp.root, date) else { continue };
            if self.aside_mentions.last().is_some_and(|m| m.span.end > span.start) {
                continue;
            }
            let (np_end, np_code) = agent_end(&sp.words)
                .map_or((span.end, None), |(e, a)| (e, Some(crate::coder::composite(code, Some(&a)))));
            self.aside_mentions.push(Mention {
                span,
                code: code.to_string(),
                refers: None,
                forward: None,
                np_end,
                np_code,
            });
        }
        for sp in p.spans.iter().filter(|s| s.active && s.class == Class::Actor) {
            let Some(span) = span_of(&sp.words) else { continue };
            match sp.reference {
                None => {
                    let Some(code) = actor_code(lex, sp.root, date) else { continue };
                    let (np_end, np_code) = agent_end(&sp.words).map_or((span.end, None), |(e, a)| {
                        (e, Some(crate::coder::composite(code, Some(&a))))
                    });
                    self.mentions.push(Mention {
                        span,
                        code: code.to_string(),
                        refers: None,
                        forward: None,
                        np_end,
                        np_code,
                    });
                }
                Some(Reference::Word(k)) => {
                    let Some(&m) = p.member.get(k as usize).filter(|&&m| m != NONE) else { continue };
                    let Some(target) = p.spans.get(m as usize) else { continue };
                    let Some(code) = actor_code(lex, target.root, date) else { continue };
                    let refers = span_of(&target.words);
                    self.mentions.push(Mention {
                        span,
                        code: code.to_string(),
                        refers,
                        forward: None,
                        np_end: span.end,
                        np_code: None,
                    });
                }
                Some(Reference::Forward) => {
                    let Some(root) = p.forward.root else { continue };
                    let Some(code) = actor_code(lex, root, date) else { continue };
                    let forward = Some(p.forward.text.clone());
                    self.mentions.push(Mention {
                        span,
                        code: code.to_string(),
                        refers: None,
                        forward,
                        np_end: span.end,
                        np_code: None,
                    });
                }
            }
        }
    }

    /// Runs the sentence stages; the events of the sentence are in
    /// `self.pending` (output index, verb span).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sentence(
        &mut self,
        st: &Stages,
        lex: &Lexicon,
        emit: Emit,
        doc: &Document,
        v: &SentenceView<'_>,
        out: &mut Vec<Output>,
    ) {
        let (text, date) = (doc.text.as_str(), doc.date);
        let first_mention = self.mentions.len();
        if let Some((words, parse)) = v.coded {
            self.collect_mentions(lex, date, words, parse);
        }
        // Pronouns the coder resolved ("he" → Rutte) are actor mentions too.
        if emit.actors {
            for m in
                self.mentions[first_mention..].iter().filter(|m| m.refers.is_some() || m.forward.is_some())
            {
                let (start, end) = (m.span.start, m.span.end);
                out.push(Output::Actor(ActorRecord {
                    kind: "actor",
                    id: record_id(
                        "ac",
                        &[&doc.id, &v.index.to_string(), &start.to_string(), &end.to_string(), &m.code],
                    ),
                    doc_id: doc.id.clone(),
                    date: date.map(iso),
                    entity: Entity {
                        code: m.code.clone(),
                        sector: None,
                        entity_text: m.span.of(text).to_string(),
                        start,
                        end,
                        refers_to: m.refers.map(|r| r.of(text).to_string()).or_else(|| m.forward.clone()),
                        entries: Vec::new(),
                    },
                    text_info: TextInfo { sequence: v.index, start: v.span.start, end: v.span.end },
                    dyad_version: DYAD_VERSION,
                }));
            }
        }
        // Time expressions.
        let first_time = self.times.len();
        self.dates.find_resolved(text, v.span, date, &mut self.times);
        for _ in first_time..self.times.len() {
            self.time_sentence.push(v.index);
        }
        // Places: only a sentence with a capitalised word after its first
        // (other than "I"), or one in capitals or beyond ASCII, can name one.
        let may_name =
            v.tokens.iter().skip(1).any(|t| {
                let w = t.text(text);
                w.as_bytes().first().is_some_and(|b| b.is_ascii_uppercase() || !b.is_ascii()) && w != "I"
            }) || v.tokens.first().is_some_and(|t| t.text(text).bytes().all(|b| b.is_ascii_uppercase()));
        if may_name && !v.tokens.is_empty() {
            let mut words: Vec<&str> = std::mem::take(&mut self.words).into_iter().map(|_| "").collect();
            words.clear();
            words.extend(v.tokens.iter().map(|t| t.text(text)));
            self.spans.clear();
            self.spans.extend(v.tokens.iter().map(|t| t.span));
            self.names.clear();
            for m in &self.mentions[first_mention..] {
                if m.refers.is_some() || m.forward.is_some() {
                    continue;
                }
                let r = token_range(v.tokens, m.span);
                if !r.is_empty() {
                    self.names.push(NameSpan {
                        start: r.start as u32,
                        end: r.end as u32,
                        kind: NameKind::Actor,
                    });
                }
            }
            let sent = SentenceIn {
                index: v.index,
                words: &words,
                spans: &self.spans,
                syntax: &[],
                names: &self.names,
            };
            st.places.find(&sent, &mut self.places);
            for &(k, verb) in &self.pending {
                let r = token_range(v.tokens, verb);
                let choice = st.places.event_location(&sent, &self.places, r);
                self.events.push(EventAt { out: k, verb, choice });
            }
            words.clear();
            self.words = words.into_iter().map(|_| "").collect();
        } else {
            for &(k, verb) in &self.pending {
                let reason = "no place in the sentence".to_string();
                self.events.push(EventAt { out: k, verb, choice: LocationChoice { mention: None, reason } });
            }
        }
        // Each event's date: its clause's time expression, else the document's.
        for &(k, verb) in &self.pending {
            let times = &self.times[first_time..];
            let Some(i) = clause_time(text, times, verb) else { continue };
            let Some(Output::Event(e)) = out.get_mut(k) else { continue };
            let t = &times[i];
            let id = date_id(&e.doc_id, t.span);
            let dated = match t.value {
                TimeValue::Day(d) => Some((iso(d), DateSource::Temporal)),
                TimeValue::Unresolved(_) => None,
                v => v.bounds().map(|(a, b)| {
                    let d = date.filter(|d| a <= *d && *d <= b).unwrap_or(a);
                    (iso(d), DateSource::TemporalPeriod)
                }),
            };
            if let Some((d, source)) = dated {
                e.date = Some(d);
                e.date_source = source;
            }
            e.provenance.time = Some(TimeRef {
                id,
                text: t.text.clone(),
                start: t.span.start,
                end: t.span.end,
                value: t.value.iso(),
                unresolved: t.value.reason().map(|r| r.as_str().to_string()),
            });
            self.dated.push((first_time + i, k));
        }
        self.pending.clear();
    }

    /// Runs the document stages and appends their records.
    pub(crate) fn finish(
        &mut self,
        st: &Stages,
        emit: Emit,
        doc: &Document,
        seg: &Segmented,
        first_out: usize,
        out: &mut Vec<Output>,
    ) {
        let text = doc.text.as_str();
        let date = doc.date;
        // Places, resolved in the context of the document's actors.
        {
            let codes = self.mentions.iter().map(|m| m.code.as_str());
            st.places.resolve(&mut self.places, codes);
        }
        let gaz = st.gazetteer.as_ref();
        for ev in &self.events {
            let Some(Output::Event(e)) = out.get_mut(ev.out) else { continue };
            let loc = self.places.event_location(gaz, text, &ev.choice);
            e.provenance.location = Some(loc.reason.clone());
            if let Some(place) = loc.place {
                let mut v = serde_json::to_value(&place).unwrap_or(serde_json::Value::Null);
                if let Some(o) = v.as_object_mut() {
                    o.insert("name".into(), place.resolved_place.clone().into());
                    o.insert("admin1".into(), place.province.clone().into());
                    o.insert("reason".into(), loc.reason.into());
                }
                e.event_loc = Some(v);
            }
        }
        if emit.places {
            for (i, m) in self.places.mentions.iter().enumerate() {
                if !m.usage.is_place() {
                    continue;
                }
                let Some(location) = self.places.location(gaz, text, i) else { continue };
                let geonameid = location.geonameid.map(|g| g.to_string()).unwrap_or_default();
                out.push(Output::Place(Box::new(PlaceRecord {
                    kind: "place",
                    id: record_id(
                        "pl",
                        &[&doc.id, &m.span.start.to_string(), &m.span.end.to_string(), &geonameid],
                    ),
                    doc_id: doc.id.clone(),
                    name: location.resolved_place.clone(),
                    admin1: location.province.clone(),
                    text_info: sentence_of(seg, m.span.start),
                    provenance: StageProvenance {
                        rule: format!(
                            "gazetteer: geonameid {} ({})",
                            if geonameid.is_empty() { "-" } else { &geonameid },
                            location.resolved_by
                        ),
                        notes: vec![format!("{:?}: {}", m.usage, m.why).to_lowercase()],
                    },
                    location,
                    dyad_version: DYAD_VERSION,
                })));
            }
        }
        if emit.dates {
            let anchor = date.map(iso);
            for (i, t) in self.times.iter().enumerate() {
                let events: Vec<String> = self
                    .dated
                    .iter()
                    .filter(|d| d.0 == i)
                    .filter_map(|d| match out.get(d.1) {
                        Some(Output::Event(e)) => Some(e.id.clone()),
                        _ => None,
                    })
                    .collect();
                let tense = match t.tense {
                    crate::dates::Tense::Past => "past",
                    crate::dates::Tense::Present => "present",
                    crate::dates::Tense::Future => "future",
                    crate::dates::Tense::Unknown => "unknown",
                };
                let seq = self.time_sentence.get(i).copied().unwrap_or(0);
                let info = seg
                    .sentences
                    .get(seq as usize)
                    .map(|s| TextInfo { sequence: seq, start: s.span.start, end: s.span.end })
                    .unwrap_or_default();
                out.push(Output::Date(Box::new(DateRecord {
                    kind: "date",
                    id: date_id(&doc.id, t.span),
                    doc_id: doc.id.clone(),
                    text: t.text.clone(),
                    start: t.span.start,
                    end: t.span.end,
                    value: t.value.iso(),
                    granularity: t.value.granularity().map(|g| g.as_str()),
                    unresolved: t.value.reason().map(|r| r.as_str()),
                    tense,
                    anchor: anchor.clone(),
                    events,
                    text_info: info,
                    provenance: StageProvenance {
                        rule: "dates: time expression grammar (crates/code/src/dates.rs)".into(),
                        notes: vec![format!("tense {tense} from the words")],
                    },
                    dyad_version: DYAD_VERSION,
                })));
            }
        }
        // Quotes, across sentences.
        let mut quote_ids: Vec<String> = Vec::new();
        let mut quote_speaker: Vec<Option<usize>> = Vec::new();
        let mut pronoun_actors: Vec<u32> = Vec::new();
        if emit.quotes || emit.positions {
            self.quote_buf.clear();
            self.quotes.find(text, &seg.sentences, &mut self.quote_buf);
            self.mention_spans.clear();
            self.mention_spans.extend(self.mentions.iter().map(|m| m.span));
            attach_speakers(&self.quote_buf, &self.mention_spans, &mut self.attached);
            // A speaker no mention covers ("Rutte said" where only "Mark
            // Rutte" is in the dictionaries, or a pronoun whose antecedent
            // is such a name): the nearest mention before it ending in the
            // same word, else the first one after it.
            for (q, a) in self.quote_buf.iter().zip(self.attached.iter_mut()) {
                if a.is_some() {
                    continue;
                }
                let Some(s) = q.resolved_speaker().filter(|s| !s.pronoun) else { continue };
                let Some(last) = last_word(&s.text) else { continue };
                if last.chars().next().is_none_or(|c| !c.is_uppercase()) {
                    continue;
                }
                let same = |m: &Mention| {
                    m.refers.is_none()
                        && m.forward.is_none()
                        && last_word(m.span.of(text)).is_some_and(|w| w.eq_ignore_ascii_case(last))
                };
                let before = self.mentions.iter().rposition(|m| m.span.end <= s.span.start && same(m));
                *a = before
                    .or_else(|| self.mentions.iter().position(|m| m.span.start >= s.span.end && same(m)));
            }
            for (q, a) in self.quote_buf.iter().zip(&self.attached) {
                let kind = match q.kind {
                    crate::quotes::QuoteKind::Direct => "direct",
                    crate::quotes::QuoteKind::Partial => "partial",
                    crate::quotes::QuoteKind::Indirect => "indirect",
                };
                let id =
                    record_id("qt", &[&doc.id, &q.span.start.to_string(), &q.span.end.to_string(), kind]);
                quote_ids.push(id.clone());
                quote_speaker.push(*a);
                if !emit.quotes {
                    continue;
                }
                let mention = a.and_then(|k| self.mentions.get(k));
                // A pronoun speaker linked through its antecedent is an actor mention too.
                if let (true, Some(s), Some(m)) = (emit.actors, q.speaker.as_ref(), mention) {
                    let covered = self
                        .mentions
                        .iter()
                        .any(|x| x.span.start <= s.span.start && s.span.end <= x.span.end);
                    let pushed = pronoun_actors.contains(&s.span.start);
                    if s.pronoun && !covered && !pushed {
                        pronoun_actors.push(s.span.start);
                        let info = sentence_of(seg, s.span.start);
                        let refers = q.antecedent.as_ref().map(|a| a.text.clone());
                        out.push(Output::Actor(ActorRecord {
                            kind: "actor",
                            id: record_id(
                                "ac",
                                &[
                                    &doc.id,
                                    &info.sequence.to_string(),
                                    &s.span.start.to_string(),
                                    &s.span.end.to_string(),
                                    &m.code,
                                ],
                            ),
                            doc_id: doc.id.clone(),
                            date: date.map(iso),
                            entity: Entity {
                                code: m.code.clone(),
                                sector: None,
                                entity_text: s.text.clone(),
                                start: s.span.start,
                                end: s.span.end,
                                refers_to: refers,
                                entries: Vec::new(),
                            },
                            text_info: info,
                            dyad_version: DYAD_VERSION,
                        }));
                    }
                }
                let speaker = q.speaker.as_ref().map(|s| {
                    let refers = mention
                        .map(|m| m.refers.unwrap_or(m.span))
                        .filter(|r| !(r.start <= s.span.start && s.span.end <= r.end))
                        .map(|r| r.of(text).to_string())
                        .or_else(|| {
                            q.antecedent
                                .as_ref()
                                .filter(|_| s.pronoun && mention.is_none())
                                .map(|a| a.text.clone())
                        });
                    SpeakerRecord {
                        text: s.text.clone(),
                        start: s.span.start,
                        end: s.span.end,
                        code: mention.map(|m| m.code.clone()),
                        refers_to: refers,
                        pronoun: s.pronoun,
                    }
                });
                let cue = q.cue.as_ref().map(|c| CueRecord {
                    text: c.text.clone(),
                    lemma: c.lemma.to_string(),
                    start: c.span.start,
                    end: c.span.end,
                });
                let attribution = match (&q.speaker, &q.cue) {
                    (Some(s), Some(c)) => Some([s.span.start.min(c.span.start), s.span.end.max(c.span.end)]),
                    (Some(s), None) => Some([s.span.start, s.span.end]),
                    (None, Some(c)) => Some([c.span.start, c.span.end]),
                    (None, None) => None,
                };
                let info = sentence_of(seg, q.span.start);
                out.push(Output::Quote(Box::new(QuoteRecord {
                    kind: "quote",
                    id,
                    doc_id: doc.id.clone(),
                    date: date.map(iso),
                    text: q.text.clone(),
                    quote_kind: q.kind,
                    start: q.span.start,
                    end: q.span.end,
                    parts: q.parts.iter().map(|p| [p.start, p.end]).collect(),
                    speaker,
                    attribution,
                    cue,
                    addressee: q.addressee.as_ref().map(|a| WordsRecord {
                        text: a.text.clone(),
                        start: a.span.start,
                        end: a.span.end,
                    }),
                    text_info: info,
                    provenance: StageProvenance {
                        rule: match &q.cue {
                            Some(c) => format!("speech cue {:?} (crates/code/data/speech-cues.txt)", c.lemma),
                            None => "quotation marks".into(),
                        },
                        notes: q.flags.names().map(str::to_string).collect(),
                    },
                    dyad_version: DYAD_VERSION,
                })));
            }
        }
        // "he"/"she" the coder left unresolved continue the latest attributed
        // speaker before them ("He also mentioned ... However, he dismissed").
        if emit.actors {
            for &pr in &self.pronouns {
                if pronoun_actors.contains(&pr.start) {
                    continue;
                }
                let latest = self
                    .quote_buf
                    .iter()
                    .zip(&quote_speaker)
                    .filter(|(q, a)| a.is_some() && q.span.start < pr.start)
                    .max_by_key(|(q, _)| q.span.start);
                let Some((q, Some(k))) = latest else { continue };
                let Some(m) = self.mentions.get(*k) else { continue };
                let refers = q
                    .resolved_speaker()
                    .filter(|s| !s.pronoun)
                    .map(|s| s.text.clone())
                    .or_else(|| Some(m.refers.unwrap_or(m.span).of(text).to_string()));
                let info = sentence_of(seg, pr.start);
                out.push(Output::Actor(ActorRecord {
                    kind: "actor",
                    id: record_id(
                        "ac",
                        &[
                            &doc.id,
                            &info.sequence.to_string(),
                            &pr.start.to_string(),
                            &pr.end.to_string(),
                            &m.code,
                        ],
                    ),
                    doc_id: doc.id.clone(),
                    date: date.map(iso),
                    entity: Entity {
                        code: m.code.clone(),
                        sector: None,
                        entity_text: pr.of(text).to_string(),
                        start: pr.start,
                        end: pr.end,
                        refers_to: refers,
                        entries: vec!["the latest attributed speaker".to_string()],
                    },
                    text_info: info,
                    dyad_version: DYAD_VERSION,
                }));
            }
        }
        // Positions, from the events and the attributed quotes.
        let has_quote = quote_speaker.iter().any(Option::is_some);
        let has_event = out[first_out..].iter().any(|o| matches!(o, Output::Event(_)));
        if emit.positions && (has_quote || has_event) {
            let finder = self
                .positions
                .get_or_insert_with(|| PositionFinder::new(st.issues.clone(), st.gazetteer.clone()));
            let mut ev_in: Vec<EventIn<'_>> = Vec::new();
            for at in &self.events {
                let Some(Output::Event(e)) = out.get(at.out) else { continue };
                let Some(src) = e.actor.first() else { continue };
                ev_in.push(EventIn {
                    id: &e.id,
                    source: Holder { code: &src.code, text: &src.entity_text },
                    target: e.recipient.first().map(|t| Holder { code: &t.code, text: &t.entity_text }),
                    cameo: &e.cameo,
                    plover: e.event.first().map_or("", String::as_str),
                    sentence: Span { start: e.text_info.start, end: e.text_info.end },
                    trigger: at.verb,
                    complement: None,
                    date: e.date.as_deref().and_then(|d| d.parse().ok()),
                });
            }
            let mut q_in: Vec<QuoteIn<'_>> = Vec::new();
            for ((q, a), id) in self.quote_buf.iter().zip(&quote_speaker).zip(&quote_ids) {
                let Some(m) = a.and_then(|k| self.mentions.get(k)) else { continue };
                let words = m.refers.unwrap_or(m.span).of(text);
                q_in.push(QuoteIn {
                    id,
                    speaker: Holder { code: &m.code, text: words },
                    parts: &q.parts,
                    date: None,
                });
            }
            // A sentence whose subject is an actor ("Germany voted against
            // the tariffs", "Hungary abstained") is read like that actor's
            // reported speech: the stance cues after the subject, whose own
            // subject must be that actor, give its stance even where the
            // coder codes no event (no target).
            let mut narrative: Vec<(&Mention, [Span; 1])> = Vec::new();
            let mut last_clause = u32::MAX;
            let mut subjects: Vec<&Mention> = self.mentions.iter().chain(&self.aside_mentions).collect();
            subjects.sort_by_key(|m| m.span.start);
            for (k, &m) in subjects.iter().enumerate() {
                let info = sentence_of(seg, m.span.start);
                let before = text.get(info.start as usize..m.span.start as usize).unwrap_or("");
                // The clause the mention opens: from the sentence start or the last
                // ", but" / ", while" / ", whereas" / ";" before it.
                let clause_start = CLAUSE_OPENERS
                    .iter()
                    .filter_map(|o| before.rfind(o).map(|i| i + o.len()))
                    .max()
                    .unwrap_or(0);
                let at = info.start + clause_start as u32;
                if at == last_clause {
                    continue;
                }
                let lead = &before[clause_start..];
                if lead.len() > 24 || lead.contains(['“', '"', '‘', ',']) {
                    continue;
                }
                last_clause = at;
                let rest = text.get(m.np_end as usize..info.end as usize).unwrap_or("");
                // Questions hold no stance ("asked if Trump intended to offer ...").
                if rest.contains('?')
                    || rest.split(|c: char| !c.is_alphabetic()).any(|w| w == "if" || w == "whether")
                {
                    continue;
                }
                let end = CLAUSE_OPENERS
                    .iter()
                    .filter_map(|o| rest.find(o))
                    .min()
                    .map_or(info.end.max(m.np_end), |i| m.np_end + i as u32);
                // A compound subject ("Russia and China oppose ..."): every
                // conjunct holds the stance, read after the last one.
                let mut subj = vec![m];
                let mut subj_end = m.np_end;
                for &n in subjects.iter().skip(k + 1) {
                    if n.span.start >= end || n.code == m.code {
                        break;
                    }
                    let gap = text.get(subj_end as usize..n.span.start as usize).unwrap_or("x").trim();
                    if !matches!(gap, "and" | "," | ", and") {
                        break;
                    }
                    subj.push(n);
                    subj_end = n.np_end;
                }
                for j in subj {
                    narrative.push((j, [Span { start: subj_end, end }]));
                }
            }
            for (m, part) in &narrative {
                let words = m.refers.unwrap_or(m.span).of(text);
                q_in.push(QuoteIn {
                    id: "",
                    speaker: Holder { code: m.np_code.as_deref().unwrap_or(&m.code), text: words },
                    parts: part,
                    date: None,
                });
            }
            finder.derive(text, &seg.sentences, date, &ev_in, &q_in, &mut self.position_buf);
            drop(ev_in);
            drop(q_in);
            for p in self.position_buf.drain(..) {
                let deciding = p
                    .evidence
                    .iter()
                    .find(|e| e.stance == p.stance)
                    .or(p.evidence.first())
                    .map_or(Span::default(), |e| e.span);
                let mut evidence_ids: Vec<String> =
                    p.evidence.iter().filter_map(|e| e.id.clone()).filter(|id| !id.is_empty()).collect();
                evidence_ids.dedup();
                let rules: Vec<String> = p
                    .evidence
                    .iter()
                    .map(|e| {
                        let from = match e.source {
                            Source::Event => "event",
                            Source::Quote => "quote",
                            Source::Text => "text",
                        };
                        format!("{from}: {}; issue: {}", e.rule, e.issue_rule)
                    })
                    .collect();
                out.push(Output::Position(Box::new(PositionRecord {
                    kind: "position",
                    id: record_id("po", &[&doc.id, &p.actor.code, &p.actor.text, &p.issue]),
                    doc_id: doc.id.clone(),
                    evidence_ids,
                    start: deciding.start,
                    end: deciding.end,
                    text_info: sentence_of(seg, deciding.start),
                    provenance: StageProvenance {
                        rule: "positions: stance cues (crates/code/src/positions_cues.rs), issues (dictionaries/issues.txt)"
                            .into(),
                        notes: rules,
                    },
                    position: p,
                    dyad_version: DYAD_VERSION,
                })));
            }
        }
    }
}

/// What opens a new clause with its own subject inside a sentence.
const CLAUSE_OPENERS: [&str; 4] = [", but ", ", while ", ", whereas ", "; "];

/// The last word of a name, without a possessive.
fn last_word(s: &str) -> Option<&str> {
    let w = s.split(|c: char| c.is_whitespace()).rfind(|w| !w.is_empty())?;
    let w = w.trim_end_matches("’s").trim_end_matches("'s");
    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
    (!w.is_empty()).then_some(w)
}

/// The id of a `date` record.
fn date_id(doc_id: &str, span: Span) -> String {
    record_id("dt", &[doc_id, &span.start.to_string(), &span.end.to_string()])
}

/// The tokens (indices into `tokens`) overlapping `span`.
fn token_range(tokens: &[Token], span: Span) -> std::ops::Range<usize> {
    let a = tokens.partition_point(|t| t.span.end <= span.start);
    let b = tokens.partition_point(|t| t.span.start < span.end);
    if a < b {
        a..b
    } else {
        a..a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_boundaries_keep_times_apart() {
        assert!(crosses_clause(" and said that "));
        assert!(crosses_clause("; "));
        assert!(!crosses_clause(", the Russian leader said he was willing to "));
        assert!(!crosses_clause(" met with Russian President Vladimir Putin "));
    }
}
