//! Coding whole documents into records (`dyad code`): sentences from
//! `dyad-text`, events from the [`Coder`], CAMEO→PLOVER, Goldstein and quad
//! class from the event ontology (`dyad_dict::ontology`), records as in
//! `docs/schema.md`.

use dyad_dict::ontology::Ontology;
use dyad_text::{Date, Document, Segmented};

use crate::coder::{ActorHit, At, Coded, Coder, Scratch, Verdict};
use crate::lexicon::{Class, Lexicon};
use crate::options::Options;
use crate::record::{
    event_id, record_id, ActorRecord, DateSource, Entity, EventRecord, Output, Provenance, SkipRecord,
    TextInfo, DYAD_VERSION,
};
use crate::shallow::{Parse, NONE};
use crate::stages::{SentenceView, StageScratch, Stages};
use crate::words::Words;

/// Which records to write besides events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Emit {
    /// One `actor` record per coded actor mention in sentences with events
    /// (in every coded sentence when the stages run).
    pub actors: bool,
    /// One `skip` record per sentence rejected with a reason (too long,
    /// another language, discarded, too complex).
    pub skips: bool,
    /// `quote` records (quotes with their speakers).
    pub quotes: bool,
    /// `date` records (time expressions).
    pub dates: bool,
    /// `place` records (places named in the text).
    pub places: bool,
    /// `position` records (actors' stances on issues).
    pub positions: bool,
}

impl Default for Emit {
    fn default() -> Emit {
        Emit { actors: true, skips: true, quotes: true, dates: true, places: true, positions: true }
    }
}

impl Emit {
    /// Event records only (events still get their dates and locations).
    pub fn events_only() -> Emit {
        Emit { actors: false, skips: false, quotes: false, dates: false, places: false, positions: false }
    }
}

/// Sentences with more words than this are skipped (`too_long`), not cut.
pub const MAX_SENTENCE_WORDS: usize = 200;

/// Codes documents with one lexicon, options and ontology.
pub struct DocCoder<'a> {
    pub lex: &'a Lexicon,
    pub options: &'a Options,
    pub ontology: &'a Ontology,
    pub emit: Emit,
    /// Tells verbs from nouns under the news rules; without it the shallow
    /// rules alone decide.
    pub tagger: Option<&'a dyad_nlp::tagger::Tagger>,
    /// Quotes, dates, places and positions ([`crate::stages`]); without
    /// them only events (dated by the publication date) and actors.
    pub stages: Option<&'a Stages>,
}

/// Per-thread buffers for [`DocCoder::code`].
#[derive(Debug, Default)]
pub struct DocScratch {
    pub seg: Segmented,
    pub coder: Scratch,
    pub stages: StageScratch,
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Whether the sentence looks like English: most of its letters are ASCII.
fn looks_english(s: &str) -> bool {
    let (mut letters, mut ascii) = (0usize, 0usize);
    for c in s.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if c.is_ascii_alphabetic() {
            ascii += 1;
        }
    }
    letters == 0 || ascii * 10 >= letters * 7
}

impl DocCoder<'_> {
    /// Codes one document, appending its records to `out`.
    pub fn code(&self, doc: &Document, s: &mut DocScratch, out: &mut Vec<Output>) {
        let text = doc.text.as_str();
        s.seg.segment(text);
        let coder = Coder {
            max_words: MAX_SENTENCE_WORDS + 1,
            tagger: self.tagger,
            gazetteer: self.stages.map(|st| st.gazetteer.as_ref()),
            ..Coder::new(self.lex, self.options)
        };
        let first_out = out.len();
        s.stages.begin();
        let DocScratch { seg, coder: cs, stages } = s;
        for (seq, sent) in seg.sentences.iter().enumerate() {
            let (start, end) = (sent.span.start as usize, sent.span.end as usize);
            let info = TextInfo { sequence: seq as u32, start: sent.span.start, end: sent.span.end };
            let skip = |reason: String, out: &mut Vec<Output>| {
                if self.emit.skips {
                    out.push(Output::Skip(SkipRecord {
                        kind: "skip",
                        doc_id: doc.id.clone(),
                        text_info: info,
                        reason,
                        dyad_version: DYAD_VERSION,
                    }));
                }
            };
            let sentence = text.get(start..end).unwrap_or("");
            if sentence.trim().is_empty() {
                continue;
            }
            let mut coded = false;
            if !looks_english(sentence) {
                skip("not_english".into(), out);
            } else {
                let verdict = coder.code(text, start, end, doc.date, seq > 0, cs);
                if cs.words.truncated > 0 || cs.words.words.len() > MAX_SENTENCE_WORDS {
                    skip(format!("too_long: more than {MAX_SENTENCE_WORDS} words"), out);
                } else {
                    coded = matches!(verdict, Verdict::Events(_) | Verdict::Complex(_));
                    match verdict {
                        Verdict::Events(events) => {
                            let ctx = SentenceCtx { doc, text, info, words: &cs.words, parse: &cs.parse };
                            for e in &events {
                                let rec = self.event(&ctx, e);
                                if self.stages.is_some() {
                                    let w = cs.words.words.get(e.verb as usize);
                                    let verb = w.map_or(
                                        dyad_text::Span { start: info.start, end: info.start },
                                        |w| dyad_text::Span { start: w.start, end: w.end },
                                    );
                                    stages.pending.push((out.len(), verb));
                                }
                                out.push(Output::Event(Box::new(rec)));
                            }
                            // Actor mentions of every coded sentence, with or without events
                            // (speakers, places' actors), when the stages run.
                            if self.emit.actors && (!events.is_empty() || self.stages.is_some()) {
                                self.actors(&ctx, out);
                            }
                        }
                        Verdict::TooShort { .. } => {}
                        Verdict::Complex(why) => skip(format!("complex: {why}"), out),
                        Verdict::Discard { reason, .. } => skip(format!("discard: {reason}"), out),
                        Verdict::Error(why) => skip(why, out),
                    }
                }
            }
            if let Some(st) = self.stages {
                let view = SentenceView {
                    index: seq as u32,
                    span: sent.span,
                    tokens: seg.tokens.get(sent.tokens()).unwrap_or(&[]),
                    coded: coded.then_some((&cs.words, &cs.parse)),
                };
                stages.sentence(st, self.lex, self.emit, doc, &view, out);
            }
        }
        if let Some(st) = self.stages {
            stages.finish(st, self.emit, doc, seg, first_out, out);
        }
    }

    fn event(&self, c: &SentenceCtx<'_>, e: &Coded) -> EventRecord {
        let lex = self.lex;
        let found = self.ontology.lookup(&e.code);
        let (date, date_source) = match (c.doc.date, c.parse.shift) {
            (Some(d), Some(days)) if days != 0 => (d.add_days(i64::from(days)).map(iso), DateSource::Shifted),
            (Some(d), _) => (Some(iso(d)), DateSource::Publication),
            (None, _) => (None, DateSource::None),
        };
        let mut matched: Vec<u32> = e.matched.clone();
        matched.sort_unstable();
        matched.dedup();
        let trigger: Vec<[u32; 2]> =
            matched.iter().filter_map(|&k| c.words.words.get(k as usize)).map(|w| [w.start, w.end]).collect();
        let event_text = vec![trigger
            .iter()
            .filter_map(|&[a, b]| c.text.get(a as usize..b as usize))
            .collect::<Vec<_>>()
            .join(" ")];
        let verb_word = c.words.words.get(e.verb as usize).map_or([0, 0], |w| [w.start, w.end]);
        let root = lex.roots.get(e.verb_root as usize);
        let verb = root.and_then(|r| lex.verbs.get(r.data as usize));
        let pattern = e.pattern.and_then(|p| lex.patterns.get(p as usize));
        let provenance = Provenance {
            verb: match e.nominal {
                Some(noun) => format!("noun {noun}"),
                None => verb.map(|v| v.name.clone()).unwrap_or_default(),
            },
            pattern: pattern.map(|p| p.written.clone()),
            dictionary: pattern
                .map(|p| p.origin.clone())
                .or_else(|| verb.map(|v| v.origin.clone()))
                .unwrap_or_default(),
            trigger,
            notes: e.notes.iter().map(|n| n.to_string()).collect(),
            time: None,
            location: None,
        };
        let word_level = e.nominal.is_some();
        let actor = self.entity(c, &e.source, &e.source_hit, word_level);
        let recipient = self.entity(c, &e.target, &e.target_hit, word_level);
        let (event, mode, context, quad_code, cameo_name, goldstein) = match &found {
            Some(f) => (
                f.plover.map(|t| t.name().to_string()).into_iter().collect(),
                f.modes.iter().map(|m| m.to_string()).collect(),
                f.contexts.iter().map(|m| m.to_string()).collect(),
                Some(f.plover_quad().unwrap_or(f.cameo_quad).number()),
                Some(f.name.clone()),
                Some(f.goldstein),
            ),
            None => (Vec::new(), Vec::new(), Vec::new(), None, None, None),
        };
        EventRecord {
            kind: "event",
            id: event_id(&c.doc.id, c.info.sequence, verb_word, &e.source, &e.target, &e.code),
            doc_id: c.doc.id.clone(),
            date,
            date_source,
            actor: actor.into_iter().collect(),
            recipient: recipient.into_iter().collect(),
            event,
            mode,
            context,
            quad_code,
            event_text,
            event_loc: None,
            text_info: c.info,
            cameo: e.code.clone(),
            cameo_name,
            goldstein,
            provenance,
            dyad_version: DYAD_VERSION,
        }
    }

    /// The entity for one side of an event; `None` for an empty (`---`) side.
    fn entity(&self, c: &SentenceCtx<'_>, code: &str, hit: &ActorHit, word_level: bool) -> Option<Entity> {
        if code.is_empty() || code == "---" {
            return None;
        }
        let lex = self.lex;
        let (a, b) = match hit.at {
            At::Word(_) => mention_range(c.parse, hit.mention.unwrap_or(0) as usize, word_level)
                .map(|(a, b)| (c.words.words[a].start, c.words.words[b].end))
                .unwrap_or((0, 0)),
            At::Place(x, y) => match (c.words.words.get(x as usize), c.words.words.get(y as usize)) {
                (Some(x), Some(y)) => (x.start, y.end),
                _ => (0, 0),
            },
            At::Forward | At::Default => (0, 0),
        };
        let refers_to = match (hit.at, hit.mention) {
            (At::Word(h), Some(m)) if h != m => mention_range(c.parse, h as usize, word_level)
                .and_then(|(x, y)| c.text.get(c.words.words[x].start as usize..c.words.words[y].end as usize))
                .map(str::to_string),
            (At::Forward, _) => Some(c.parse.forward.text.clone()).filter(|t| !t.is_empty()),
            (At::Default, _) => Some("DEFAULT".to_string()),
            _ => None,
        };
        let mut entries = Vec::new();
        for r in [hit.root, hit.agent_root].into_iter().flatten() {
            entries.extend(entry(lex, r));
        }
        Some(Entity {
            code: code.to_string(),
            sector: hit.agent.as_ref().map(|a| a.trim_matches('~').to_string()).filter(|s| !s.is_empty()),
            entity_text: c.text.get(a as usize..b as usize).unwrap_or("").to_string(),
            start: a,
            end: b,
            refers_to,
            entries,
        })
    }

    /// Actor records for the coded actor mentions of a sentence.
    fn actors(&self, c: &SentenceCtx<'_>, out: &mut Vec<Output>) {
        let p = c.parse;
        let lex = self.lex;
        let push = |a: usize, b: usize, code: &str, entries: Vec<String>, out: &mut Vec<Output>| {
            let (Some(wa), Some(wb)) = (c.words.words.get(a), c.words.words.get(b)) else { return };
            let (start, end) = (wa.start, wb.end);
            out.push(Output::Actor(ActorRecord {
                kind: "actor",
                id: record_id(
                    "ac",
                    &[&c.doc.id, &c.info.sequence.to_string(), &start.to_string(), &end.to_string(), code],
                ),
                doc_id: c.doc.id.clone(),
                date: c.doc.date.map(iso),
                entity: Entity {
                    code: code.to_string(),
                    sector: None,
                    entity_text: c.text.get(start as usize..end as usize).unwrap_or("").to_string(),
                    start,
                    end,
                    refers_to: None,
                    entries,
                },
                text_info: c.info,
                dyad_version: DYAD_VERSION,
            }));
        };
        if !p.nes.is_empty() {
            for ne in p.nes.iter().filter(|n| n.coded) {
                for code in ne.codes.iter().filter(|c| !c.starts_with("---") && !c.starts_with('"')) {
                    push(ne.start as usize, ne.end as usize, code, Vec::new(), out);
                }
            }
            return;
        }
        for sp in p.spans.iter().filter(|s| s.active && s.class == Class::Actor && s.reference.is_none()) {
            let Some(root) = lex.roots.get(sp.root as usize) else { continue };
            let Some(def) = lex.actors.get(root.data as usize) else { continue };
            let (Some(&a), Some(&b)) = (sp.words.first(), sp.words.last()) else { continue };
            for code in def.codes(c.doc.date).iter().filter(|c| !c.starts_with("---")) {
                push(a as usize, b as usize, code, entry(lex, sp.root).into_iter().collect(), out);
            }
        }
    }
}

/// A dictionary entry as provenance: the phrase as written and where it is
/// (`Mark Rutte (dictionaries/current/igos.actors:12)`).
fn entry(lex: &Lexicon, root: u32) -> Option<String> {
    let r = lex.roots.get(root as usize)?;
    let origin = match r.class {
        Class::Actor => lex.actors.get(r.data as usize).map(|a| a.origin.as_str()),
        Class::Agent => lex.agents.get(r.data as usize).map(|a| a.origin.as_str()),
        _ => None,
    };
    Some(match origin {
        Some(o) if !o.is_empty() => format!("{} ({o})", r.written),
        _ => r.written.clone(),
    })
}

/// What the record builders need of one coded sentence.
struct SentenceCtx<'a> {
    doc: &'a Document,
    text: &'a str,
    info: TextInfo,
    words: &'a Words,
    parse: &'a Parse,
}

/// The words (first, last) of the mention at word `k`: its noun phrase
/// (PETRARCH dialect) or, with `word_level` or outside phrases, its
/// dictionary span.
fn mention_range(p: &Parse, k: usize, word_level: bool) -> Option<(usize, usize)> {
    if let Some(&id) = p.ne_of.get(k).filter(|&&id| id != NONE && !word_level) {
        let ne = p.nes.get(id as usize)?;
        return Some((ne.start as usize, ne.end as usize));
    }
    let s = *p.member.get(k).filter(|&&s| s != NONE)?;
    let sp = p.spans.get(s as usize)?;
    let a = *sp.words.iter().min()? as usize;
    let b = *sp.words.iter().max()? as usize;
    Some((a.min(k), b.max(k)))
}
