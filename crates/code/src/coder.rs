//! Verbs, patterns, sources and targets (`DESIGN.md` §2.4–2.5).
//!
//! [`Coder::code`] runs one sentence through words → roots → marking →
//! verb patterns and returns its events, or why it has none.

use dyad_text::Date;

use crate::lexicon::{fit, Class, Code, Fit, Lexicon, PElem, Place, RootId};
use crate::options::{CodeBy, Dialect, Options};
use crate::shallow::{Forwarded, MarkOptions, Parse, Reference, Seg, WType, NONE};
use crate::words::Words;

/// Where an actor of an event was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// The head word of the actor (after following a pronoun).
    Word(u32),
    /// Forwarded from the previous sentence.
    Forward,
    /// A `DEFAULT:` code.
    Default,
    /// News rules: a place name (first and last word) standing for its
    /// country ("struck the city of Kharkiv").
    Place(u32, u32),
}

/// One side of an event, before codes are combined.
#[derive(Clone, Debug, PartialEq)]
pub struct ActorHit {
    /// The actor codes (several for a coded compound such as `[FRO/BIL/SAM]`).
    pub codes: Vec<String>,
    /// The agent's code as written (`~GOV`, `NGM~`), if one is attached.
    pub agent: Option<String>,
    pub at: At,
    /// The word where the actor was mentioned (a pronoun, or the actor itself).
    pub mention: Option<u32>,
    /// The actor root.
    pub root: Option<RootId>,
    /// The agent root.
    pub agent_root: Option<RootId>,
}

impl ActorHit {
    fn same(&self, o: &ActorHit) -> bool {
        self.codes == o.codes && self.agent == o.agent
    }
}

/// An event as the verb loop makes it.
#[derive(Clone, Debug, PartialEq)]
struct Raw {
    source: ActorHit,
    target: ActorHit,
    code: String,
    subordinate: bool,
    dominant: bool,
    verb: u32,
    pattern: Option<u32>,
    matched: Vec<u32>,
    nominal: Option<&'static str>,
    notes: Vec<&'static str>,
}

/// A coded event.
#[derive(Clone, Debug, PartialEq)]
pub struct Coded {
    /// Source and target codes, agents combined (`ARNGOV`).
    pub source: String,
    pub target: String,
    pub code: String,
    pub source_hit: ActorHit,
    pub target_hit: ActorHit,
    /// The verb's head word.
    pub verb: u32,
    /// The verb root ([`NONE`] for an event named by a noun).
    pub verb_root: RootId,
    /// The pattern that matched, if any (index into [`Lexicon::patterns`]).
    pub pattern: Option<u32>,
    /// Words matched by the verb and the pattern.
    pub matched: Vec<u32>,
    /// For an event named by a noun (`US-Ukraine talks`): the noun.
    pub nominal: Option<&'static str>,
    /// How the event was found, beyond verb and pattern (`intent`,
    /// `carried source`, `nominal`, ...).
    pub notes: Vec<&'static str>,
}

/// What became of a sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Events(Vec<Coded>),
    TooShort {
        words: usize,
        min: u32,
    },
    Complex(String),
    /// Discarded; `story` when the whole story is to be dropped.
    Discard {
        story: bool,
        reason: String,
    },
    /// Not coded because the input is not a codable sentence (`dateline`).
    Error(String),
}

/// Reusable per-thread buffers.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    pub words: Words,
    pub parse: Parse,
    /// The actor forwarded to the next sentence.
    pub forward: Forwarded,
    /// Buffers of the part-of-speech tagger.
    pub tag: TagBuffers,
}

/// Buffers for tagging a sentence's words.
#[derive(Debug, Default)]
pub struct TagBuffers {
    scratch: dyad_nlp::tagger::TagScratch,
    tags: Vec<dyad_nlp::tagger::TagId>,
    /// Byte ranges of the tagger's tokens, and the first token of each word.
    tokens: Vec<(u32, u32)>,
    first: Vec<u32>,
    noun: Vec<bool>,
}

impl Clone for TagBuffers {
    fn clone(&self) -> TagBuffers {
        TagBuffers::default()
    }
}

/// Codes sentences with a lexicon and options.
pub struct Coder<'a> {
    pub lex: &'a Lexicon,
    pub options: &'a Options,
    /// Largest number of words coded per sentence.
    pub max_words: usize,
    /// Largest number of words a gap inside a dictionary phrase may skip.
    pub max_gap: usize,
    /// News rules: the part-of-speech tagger that tells verbs from nouns.
    pub tagger: Option<&'a dyad_nlp::tagger::Tagger>,
    /// News rules: the gazetteer, for a place named as a verb's object.
    pub gazetteer: Option<&'a dyad_dict::gazetteer::Gazetteer>,
}

/// A pattern match in progress.
#[derive(Clone, Debug, Default)]
struct PatMatch {
    source: Option<usize>,
    target: Option<usize>,
    attrib: Option<usize>,
    compound: Option<usize>,
    lenalt: u32,
    words: Vec<u32>,
    /// PETRARCH: where a `^` stopped inside a noun phrase (the start of the
    /// phrase after a linker), and whether `+` took that part as the target.
    skipped_to: Option<usize>,
    target_tail: bool,
}

impl<'a> Coder<'a> {
    pub fn new(lex: &'a Lexicon, options: &'a Options) -> Coder<'a> {
        Coder { lex, options, max_words: 126, max_gap: usize::MAX, tagger: None, gazetteer: None }
    }

    /// Codes `text[start..end]` (one sentence) on `date`. When `forward` is
    /// true and the option is on, pronouns without an antecedent may refer to
    /// the first actor of the previous sentence coded with this scratch.
    pub fn code(
        &self,
        text: &str,
        start: usize,
        end: usize,
        date: Option<Date>,
        forward: bool,
        s: &mut Scratch,
    ) -> Verdict {
        let petrarch = self.options.dialect == Dialect::Petrarch;
        // News rules: a dateline (`MOSCOW (Reuters) -`) is not part of the sentence.
        let start =
            if self.options.news { start + text.get(start..end).map_or(0, news_dateline) } else { start };
        s.words.build(text, start, end, self.max_words, self.options.fbis, petrarch);
        let n = s.words.words.len();
        let prev = std::mem::take(&mut s.forward);
        if n < self.options.min_words as usize {
            return Verdict::TooShort { words: n, min: self.options.min_words };
        }
        if petrarch {
            if let Some(d) = discard_phrase(self.lex, &s.words) {
                return d;
            }
            if is_dateline(text.get(start..end).unwrap_or("")) {
                return Verdict::Error("dateline".into());
            }
        }
        s.parse.forward = if forward && self.options.forward { prev } else { Forwarded::default() };
        let mark = MarkOptions {
            date,
            comma: self.options.comma,
            complexity: &self.options.complexity,
            convert_agents: self.options.convert_agents,
            time_shift: self.options.time_shift,
            max_gap: self.max_gap,
            dialect: self.options.dialect,
            new_actor_length: self.options.new_actor_length,
            quick: petrarch
                && self.options.new_actor_length == 0
                && self.options.require_dyad
                && self.options.defaults.source.is_none()
                && self.options.defaults.target.is_none(),
        };
        s.parse.build_roots(self.lex, &s.words, &mark);
        if s.parse.hopeless {
            s.forward = Forwarded::default();
            return Verdict::Events(Vec::new());
        }
        if let (true, Some(tagger)) = (self.options.news, self.tagger) {
            tag_nouns(tagger, text, &s.words, &mut s.tag);
            s.parse.demote_verbs(&s.tag.noun);
        }
        s.parse.build_rest(self.lex, &s.words, &mark);
        s.forward = first_actor(self.lex, &s.parse, &s.words);
        if let Some(reason) = s.parse.discard.clone() {
            return Verdict::Discard { story: false, reason };
        }
        if let Some(c) = s.parse.complex.clone() {
            return Verdict::Complex(c);
        }
        let mut run = Run {
            c: self,
            p: &s.parse,
            w: &s.words.words,
            words_all: &s.words,
            text,
            date,
            source: None,
            target: None,
            passive: false,
            regular_source: false,
            regular_target: false,
            clause: (0, n.saturating_sub(1)),
            events: Vec::new(),
            last_source: None,
            made_source: None,
            notes: Vec::new(),
            notes_pending: None,
            suppressed: Vec::new(),
            sorted: {
                let mut v: Vec<&str> = s.words.words.iter().map(|w| w.text.as_str()).collect();
                v.sort_unstable();
                v
            },
        };
        run.check_verbs();
        if self.options.news {
            run.nominal_events(text);
        }
        run.finish()
    }
}

/// Tags the sentence's words and marks those read as nouns or adjectives
/// (`noun[i]`). The tagger sees the words as written, a possessive `'s` cut
/// off as in the Penn Treebank.
fn tag_nouns(tagger: &dyad_nlp::tagger::Tagger, text: &str, words: &Words, b: &mut TagBuffers) {
    b.tokens.clear();
    b.first.clear();
    let mut prev_end = u32::MAX;
    for w in &words.words {
        let (a, e) = (w.start, w.end);
        // `US-Ukraine` is one token for the tagger, as in the treebank.
        if prev_end != u32::MAX && text.get(prev_end as usize..a as usize) == Some("-") {
            if let Some(last) = b.tokens.last_mut() {
                last.1 = e;
                b.first.push(b.tokens.len() as u32 - 1);
                prev_end = e;
                continue;
            }
        }
        prev_end = e;
        b.first.push(b.tokens.len() as u32);
        let t = text.get(a as usize..e as usize).unwrap_or("");
        let cut =
            ["'s", "'S", "\u{2019}s", "\u{2019}S"].iter().find_map(|p| t.strip_suffix(p).map(|r| r.len()));
        match cut {
            Some(r) if r > 0 => {
                b.tokens.push((a, a + r as u32));
                b.tokens.push((a + r as u32, e));
            }
            _ => b.tokens.push((a, e)),
        }
    }
    let toks: Vec<&str> =
        b.tokens.iter().map(|&(a, e)| text.get(a as usize..e as usize).unwrap_or("")).collect();
    tagger.tag(&toks, &mut b.scratch, &mut b.tags);
    b.noun.clear();
    // After a conjunction, a comma, `to` or an auxiliary a verb is likelier
    // than the tagger thinks (`the conflict and insists on`).
    let verb_context = |i: usize| {
        i > 0
            && words.words.get(i - 1).is_some_and(|w| {
                matches!(
                    w.text.as_str(),
                    "AND"
                        | "OR"
                        | "BUT"
                        | ","
                        | "TO"
                        | "WILL"
                        | "WOULD"
                        | "HAS"
                        | "HAVE"
                        | "HAD"
                        | "DID"
                        | "DOES"
                        | "DO"
                        | "CAN"
                        | "COULD"
                        | "MAY"
                        | "MIGHT"
                        | "SHOULD"
                        | "MUST"
                )
            })
    };
    b.noun.extend(b.first.iter().enumerate().map(|(i, &t)| {
        !verb_context(i)
            && b.tags.get(t as usize).is_some_and(|tag| {
                matches!(tagger.xpos_name(tag.xpos), "NN" | "NNS" | "NNP" | "NNPS" | "JJ" | "JJR" | "JJS")
            })
    }));
}

/// A PETRARCH discard phrase in the sentence (`+` phrases discard the story).
fn discard_phrase(lex: &Lexicon, words: &Words) -> Option<Verdict> {
    let w = &words.words;
    // The first discard in dictionary order that matches anywhere.
    let mut best: Option<u32> = None;
    for i in 0..w.len() {
        for d in lex.discard_candidates(&w[i].text) {
            if best.is_some_and(|b| b <= d) {
                continue;
            }
            let Some(def) = lex.discards.get(d as usize) else { continue };
            let ok = def.phrase.iter().enumerate().all(|(k, e)| {
                w.get(i + k).is_some_and(|x| match fit(&e.text, &x.text) {
                    Some(Fit::Exact) => true,
                    Some(Fit::Partial) => e.stem,
                    None => false,
                })
            });
            if ok {
                best = Some(d);
            }
        }
    }
    let d = lex.discards.get(best? as usize)?;
    Some(Verdict::Discard { story: d.story, reason: format!("discard phrase {}", d.written) })
}

/// News rules: the length in bytes of a news dateline opening the sentence
/// (`MOSCOW (Reuters) - `, `KYIV, Ukraine (AP) — `, `GENEVA — `): an
/// upper-case place name, optionally a capitalised word after a comma and an
/// agency in parentheses, then a dash; 0 when there is none.
pub fn news_dateline(s: &str) -> usize {
    // Only the sentence's first bytes can hold one.
    let mut n = s.len().min(72);
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    let s = &s[..n];
    if !s.starts_with(|c: char| c.is_ascii_uppercase()) {
        return 0;
    }
    let Some((cut, dash)) = [" - ", " \u{2013} ", " \u{2014} ", " -- "]
        .iter()
        .filter_map(|d| s.find(d).map(|i| (i, d.len())))
        .min_by_key(|&(i, _)| i)
    else {
        return 0;
    };
    let head = &s[..cut];
    if head.len() > 60 {
        return 0;
    }
    let (place, agency) = match head.find('(') {
        Some(i) if head.ends_with(')') => (head[..i].trim(), Some(&head[i + 1..head.len() - 1])),
        Some(_) => return 0,
        None => (head.trim(), None),
    };
    let mut parts = place.split(',');
    let first = parts.next().unwrap_or("").trim();
    let upper = |w: &str| w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase);
    let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let ok = !first.is_empty()
        && first.split_whitespace().all(upper)
        && first.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && parts.all(|p| !p.trim().is_empty() && p.split_whitespace().all(capitalised))
        && agency.is_none_or(|a| !a.is_empty() && a.len() <= 30 && a.split_whitespace().all(capitalised));
    if ok {
        cut + dash
    } else {
        0
    }
}

/// A dateline opening the sentence: capitalised words and `:` or `--`
/// (`CEBU CITY: -- Cordova Mayor ...`).
fn is_dateline(s: &str) -> bool {
    let s = s.trim_start();
    let cut = match (s.find(':'), s.find("--")) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => return false,
    };
    let head = s[..cut].trim();
    !head.is_empty()
        && head.len() <= 40
        && head.chars().any(char::is_alphabetic)
        && head
            .split_whitespace()
            .all(|w| w.chars().all(|c| !c.is_lowercase()) && w.chars().any(char::is_alphabetic))
}

/// The first actor of a sentence, forwarded to the next one.
fn first_actor(lex: &Lexicon, p: &Parse, words: &Words) -> Forwarded {
    for i in 0..p.len() {
        if let Some(s) = p.head_span(i, Class::Actor) {
            let sp = &p.spans[s as usize];
            if sp.reference.is_some() || sp.pronoun {
                continue;
            }
            let text = sp
                .words
                .iter()
                .filter_map(|&w| words.words.get(w as usize).map(|x| x.text.as_str()))
                .collect::<Vec<_>>()
                .join(" ");
            let _ = lex;
            return Forwarded { root: Some(sp.root), text };
        }
    }
    Forwarded::default()
}

struct Run<'r, 'a> {
    c: &'r Coder<'a>,
    p: &'r Parse,
    w: &'r [crate::words::CWord],
    words_all: &'r Words,
    /// The document's text (words' spans point into it).
    text: &'r str,
    date: Option<Date>,
    source: Option<ActorHit>,
    target: Option<ActorHit>,
    passive: bool,
    regular_source: bool,
    regular_target: bool,
    clause: (usize, usize),
    events: Vec<Raw>,
    /// PETRARCH: the source of the last coded verb.
    last_source: Option<ActorHit>,
    /// The source of the last event made (before passive swapping and compounds).
    made_source: Option<ActorHit>,
    /// The sentence's words, sorted, for [`Run::has_required`].
    sorted: Vec<&'r str>,
    /// Notes for the events being made.
    notes: Vec<&'static str>,
    /// A note for every event of the verb being coded.
    notes_pending: Option<&'static str>,
    /// News rules: words whose verb is an intention of another (`willing`
    /// in `willing to discuss`); they code nothing themselves.
    suppressed: Vec<usize>,
}

impl Run<'_, '_> {
    fn n(&self) -> usize {
        self.p.len()
    }

    fn wt(&self, i: usize) -> WType {
        self.p.wtype.get(i).copied().unwrap_or(WType::Null)
    }

    fn petrarch(&self) -> bool {
        self.c.options.dialect == Dialect::Petrarch
    }

    /// PETRARCH codes every verb phrase, skipping verbs inside one already coded.
    fn check_verbs_petrarch(&mut self) {
        let n = self.n();
        let mut covered: Option<usize> = None;
        let news = self.c.options.news;
        let mut subject: Option<ActorHit> = None;
        if news {
            // `willing to discuss`: the intention is coded on `discuss`.
            self.suppressed = (0..n)
                .filter(|&i| self.p.has_head(i, Class::Verb))
                .filter_map(|i| crate::news::modal(self.w, i).map(|(m, _)| m))
                .collect();
        }
        let mut i = 0;
        while i < n {
            if let Some(end) = self.p.subord_at(i) {
                i = end + 1;
                continue;
            }
            if covered.is_some_and(|c| i <= c) {
                i += 1;
                continue;
            }
            if news && crate::news::CONDITIONALS.contains(&self.w[i].text.as_str()) {
                // A question or condition: its verbs, to the next comma or
                // the clause end, are not events.
                while i + 1 < n
                    && self.wt(i + 1) != WType::Comma
                    && !self.p.clauses.iter().any(|c| c.start as usize == i + 1)
                {
                    i += 1;
                }
                i += 1;
                continue;
            }
            if self.p.has_head(i, Class::Verb) && !self.suppressed.contains(&i) {
                self.clause = self
                    .p
                    .clauses
                    .iter()
                    .find(|c| c.start as usize <= i && i <= c.end as usize)
                    .map_or((0, n.saturating_sub(1)), |c| (c.start as usize, c.end as usize));
                if news {
                    // A reporting verb's pattern and target stop where its
                    // embedded clause starts.
                    let tail = self
                        .p
                        .head_span(i, Class::Verb)
                        .and_then(|s| self.p.spans.get(s as usize))
                        .map_or(i, |s| s.tail as usize);
                    if let Some(e) = crate::news::embedded_start(self.p, self.words_all, tail, self.clause.1)
                    {
                        self.clause.1 = e.saturating_sub(1).max(tail);
                    }
                }
                self.source = None;
                self.target = None;
                self.regular_source = false;
                self.regular_target = false;
                // `Moscow has identified X and insists on Y`: a verb right
                // after a conjunction shares the previous verb's subject.
                let coordinated = news
                    && i > 0
                    && matches!(self.w[i - 1].text.as_str(), "AND" | "OR" | "BUT")
                    && subject.is_some();
                if coordinated {
                    self.source = subject.clone();
                    self.regular_source = true;
                    self.notes_pending = Some("coordinated subject");
                }
                let before = self.events.len();
                self.do_verb(i);
                self.notes_pending = None;
                if self.events.len() > before {
                    covered = Some(self.vp_end(i));
                    self.last_source = self.made_source.take();
                }
                if news && !coordinated {
                    let (s, r) = (self.source.take(), self.regular_source);
                    self.regular_source_petrarch(i);
                    subject = self.source.take().filter(|a| a.codes.iter().any(|c| c != "---"));
                    self.source = s;
                    self.regular_source = r;
                }
            }
            i += 1;
        }
    }

    /// Where the verb phrase of the verb at `v` ends: the clause end, or a
    /// comma that opens a new clause (a noun phrase followed by a verb).
    fn vp_end(&self, v: usize) -> usize {
        let end = self.clause.1;
        let mut k = v + 1;
        while k <= end {
            if let Some(e) = self.p.subord_at(k) {
                k = e + 1;
                continue;
            }
            if self.wt(k) == WType::Comma {
                let mut j = k + 1;
                let mut np = false;
                while j <= end && crate::np::np_word(self.p, self.words_all, j) {
                    np = true;
                    j += 1;
                }
                if np && j <= end && self.wt(j) == WType::Verb {
                    return k - 1;
                }
            }
            k += 1;
        }
        end
    }

    fn check_verbs(&mut self) {
        if self.petrarch() {
            return self.check_verbs_petrarch();
        }
        let clauses: Vec<(usize, usize)> = if self.p.has_clauses {
            self.p.clauses.iter().map(|c| (c.start as usize, c.end as usize)).collect()
        } else if self.n() > 0 {
            vec![(0, self.n() - 1)]
        } else {
            Vec::new()
        };
        let mut start_event = 0;
        for (cs, ce) in clauses {
            if ce < cs + 2 {
                continue;
            }
            self.clause = (cs, ce);
            if cs > 0 && self.p.has_head(cs, Class::Actor) {
                self.source = self.actor_at(cs);
            }
            self.target = None;
            if self.c.options.code_by == CodeBy::Clause {
                start_event = self.events.len();
            }
            let mut i = cs;
            while i <= ce {
                if let Some(end) = self.p.subord_at(i) {
                    i = end + 1;
                    continue;
                }
                if self.p.has_head(i, Class::Verb) {
                    self.do_verb(i);
                    if self.c.options.code_by != CodeBy::All
                        && self.events.get(start_event..).is_some_and(|e| e.iter().any(|e| !e.subordinate))
                    {
                        if self.c.options.code_by == CodeBy::Sentence {
                            return;
                        }
                        break;
                    }
                }
                i += 1;
            }
        }
    }

    fn do_verb(&mut self, at: usize) {
        self.target = None;
        if self.passive {
            self.source = None;
            self.passive = false;
        }
        let Some(sid) = self.p.head_span(at, Class::Verb) else { return };
        let span = &self.p.spans[sid as usize];
        let lex = self.c.lex;
        let Some(verb) = lex.roots.get(span.root as usize).and_then(|r| lex.verbs.get(r.data as usize))
        else {
            return;
        };
        let (head, tail) = (span.head as usize, span.tail as usize);
        let verb_words = span.words.clone();
        let old = self.events.len();
        let mut got_pat = false;
        let mut got_alt = false;
        let mut maxlen = 0u32;
        for &pid in &verb.patterns {
            let Some(pat) = lex.patterns.get(pid as usize) else { continue };
            if got_alt && pat.length <= maxlen {
                got_pat = true;
                break;
            }
            let Some(m) = self.check_pattern(pid, head, tail) else { continue };
            let make = if m.lenalt > 0 {
                got_alt = true;
                if pat.length + m.lenalt > maxlen {
                    maxlen = pat.length - pat.maxalt + m.lenalt;
                    true
                } else {
                    false
                }
            } else {
                got_alt = false;
                got_pat = true;
                true
            };
            if make {
                if let Some(s) = m.source {
                    self.source = self.actor_with_agent(s);
                }
                if let Some(t) = m.target {
                    self.target = if m.target_tail { self.ne_tail_hit(t) } else { self.actor_with_agent(t) };
                }
                if let Some(c) = m.compound {
                    let petrarch = self.c.options.dialect == Dialect::Petrarch;
                    if !petrarch || c < head {
                        self.source = self.actor_at(c);
                    }
                    if !petrarch || c > tail {
                        self.target = self.actor_at(c);
                    }
                }
                self.events.truncate(old);
                let mut matched = verb_words.clone();
                matched.extend_from_slice(&m.words);
                self.make_event(&pat.code, at, Some(pid), matched);
            }
            if got_pat {
                break;
            }
        }
        if !got_pat {
            if let Some(code) = &verb.code {
                self.make_event(code, at, None, verb_words);
            }
        }
    }

    // ---- pattern matching ------------------------------------------------

    /// Whether the sentence has every word the pattern requires (a cheap
    /// test before matching).
    fn has_required(&self, pat: &crate::lexicon::Pattern) -> bool {
        let sorted = &self.sorted;
        pat.required.iter().all(|(w, stem)| {
            let i = sorted.partition_point(|x| *x < &**w);
            match sorted.get(i) {
                Some(x) if *stem => x.starts_with(&**w),
                Some(x) => *x == &**w,
                None => false,
            }
        })
    }

    fn check_pattern(&self, pid: u32, head: usize, tail: usize) -> Option<PatMatch> {
        let pat = self.c.lex.patterns.get(pid as usize)?;
        if !self.has_required(pat) {
            return None;
        }
        let mut m = PatMatch::default();
        if !pat.upper.is_empty() {
            let first_gap = pat.upper[0].gap();
            self.match_upper(&pat.upper, tail + 1, first_gap, &mut m)?;
        }
        if !pat.lower.is_empty() {
            self.match_lower(&pat.lower, head as isize - 1, pat.verb_gap, &mut m)?;
        }
        Some(m)
    }

    /// Matches `elems` forwards from word `cur`; returns the next position.
    fn match_upper(
        &self,
        elems: &[PElem],
        mut cur: usize,
        first_gap: bool,
        m: &mut PatMatch,
    ) -> Option<usize> {
        let end = self.clause.1;
        for (k, e) in elems.iter().enumerate() {
            let gap = if k == 0 { first_gap } else { e.gap() };
            if let PElem::Alt { options, .. } = e {
                let save = m.clone();
                let mut next = None;
                for o in options {
                    if let Some(c) = self.match_upper(o, cur, gap, m) {
                        m.lenalt += literal_chars(o);
                        next = Some(c);
                        break;
                    }
                    *m = save.clone();
                }
                cur = next?;
                continue;
            }
            let mut p = cur;
            loop {
                if p > end {
                    return None;
                }
                if let Some(next) = self.elem_upper(e, p, m) {
                    cur = next;
                    break;
                }
                if !gap {
                    return None;
                }
                p += 1;
            }
        }
        Some(cur)
    }

    /// Matches `elems` backwards from word `cur`; `last_gap` is the gap rule
    /// between the last element and what follows it.
    fn match_lower(
        &self,
        elems: &[PElem],
        mut cur: isize,
        last_gap: bool,
        m: &mut PatMatch,
    ) -> Option<isize> {
        for k in (0..elems.len()).rev() {
            let e = &elems[k];
            let gap = if k + 1 == elems.len() { last_gap } else { elems[k + 1].gap() };
            match e {
                PElem::Alt { options, .. } => {
                    let save = m.clone();
                    let mut next = None;
                    for o in options.iter().rev() {
                        if let Some(c) = self.match_lower(o, cur, gap, m) {
                            m.lenalt += literal_chars(o);
                            next = Some(c);
                            break;
                        }
                        *m = save.clone();
                    }
                    cur = next?;
                }
                PElem::Synset { id, .. } => {
                    // TABARI scans back for the synset whatever the connector.
                    let mut p = cur;
                    loop {
                        if p < 0 {
                            return None;
                        }
                        if self.synset_first(*id, p as usize, 0) {
                            m.words.push(p as u32);
                            cur = p - 1;
                            break;
                        }
                        p -= 1;
                    }
                }
                _ => {
                    let mut p = cur;
                    loop {
                        if p < 0 {
                            return None;
                        }
                        if let Some(next) = self.elem_lower(e, p as usize, m) {
                            cur = next;
                            break;
                        }
                        if !gap {
                            return None;
                        }
                        p -= 1;
                    }
                }
            }
        }
        Some(cur)
    }

    fn word_fits(&self, text: &str, stem: bool, p: usize) -> bool {
        let Some(w) = self.p_words(p) else { return false };
        match fit(text, w) {
            Some(Fit::Exact) => true,
            Some(Fit::Partial) => stem,
            None => false,
        }
    }

    fn p_words(&self, p: usize) -> Option<&str> {
        self.w.get(p).map(|w| w.text.as_str())
    }

    /// One element forwards at `p`; returns the next position.
    fn elem_upper(&self, e: &PElem, p: usize, m: &mut PatMatch) -> Option<usize> {
        match e {
            PElem::Word { text, stem, .. } => {
                if self.word_fits(text, *stem, p) {
                    m.words.push(p as u32);
                    Some(p + 1)
                } else {
                    None
                }
            }
            PElem::Target { .. } if self.petrarch() && m.skipped_to == Some(p) => {
                m.target = Some(p);
                m.target_tail = true;
                m.words.push(p as u32);
                let id = *self.p.ne_of.get(p)?;
                Some(self.p.nes.get(id as usize)?.end as usize + 1)
            }
            PElem::Source { .. } | PElem::Target { .. } | PElem::Attribution { .. } => {
                if self.wt(p) != WType::Actor {
                    return None;
                }
                let h = self.actor_head(p)?;
                match e {
                    PElem::Source { .. } => m.source = Some(h),
                    PElem::Target { .. } => m.target = Some(h),
                    _ => m.attrib = Some(h),
                }
                m.words.push(p as u32);
                if self.c.options.news {
                    // The whole noun phrase is the actor (`+ (AS CAUSE)` after
                    // `Kiev's NATO aspirations`).
                    if let Some(ne) = self
                        .p
                        .ne_of
                        .get(p)
                        .filter(|&&id| id != NONE)
                        .and_then(|&id| self.p.nes.get(id as usize))
                    {
                        return Some((ne.end as usize + 1).max(p + 1));
                    }
                }
                Some(p + 1)
            }
            PElem::Skip { .. } => {
                if self.petrarch() {
                    let id = *self.p.ne_of.get(p).filter(|&&id| id != NONE)?;
                    let ne = &self.p.nes[id as usize];
                    // Only the first part of `the Gondor of the Prince ...`.
                    if let Some(&(t, _)) = ne.tails.iter().find(|(t, _)| *t as usize > p) {
                        m.skipped_to = Some(t as usize);
                        return Some(t as usize);
                    }
                    return Some(ne.end as usize + 1);
                }
                if self.wt(p) != WType::Actor {
                    return None;
                }
                self.actor_head(p)?;
                Some(self.actor_tail(p) + 1)
            }
            PElem::Compound { .. } => {
                self.p.compound_head(p)?;
                m.compound = Some(p);
                m.words.push(p as u32);
                Some(p + 1)
            }
            PElem::Synset { id, .. } => {
                if self.synset_at(*id, p, 0, m) {
                    m.words.push(p as u32);
                    Some(p + 1)
                } else {
                    None
                }
            }
            PElem::Alt { .. } => None,
        }
    }

    /// One element backwards at `p`; returns the next position.
    fn elem_lower(&self, e: &PElem, p: usize, m: &mut PatMatch) -> Option<isize> {
        match e {
            PElem::Skip { .. } => {
                if self.petrarch() {
                    let id = *self.p.ne_of.get(p).filter(|&&id| id != NONE)?;
                    return Some(self.p.nes[id as usize].start as isize - 1);
                }
                if self.wt(p) != WType::Actor {
                    return None;
                }
                let h = self.actor_head(p)?;
                Some(h as isize - 1)
            }
            _ => self.elem_upper(e, p, m).map(|_| p as isize - 1),
        }
    }

    /// Whether a member of synset `id` matches forwards from `p`; a member's
    /// `$` or `+` sets the source or target.
    fn synset_at(&self, id: u32, p: usize, depth: usize, m: &mut PatMatch) -> bool {
        let Some(set) = self.c.lex.synsets.get(id as usize) else { return false };
        if depth > 8 {
            return false;
        }
        let Some(word) = self.p_words(p) else { return false };
        for member in set.candidates(word) {
            let mut trial = m.clone();
            if self.seq_at(member, p, depth, &mut trial) {
                *m = trial;
                return true;
            }
        }
        false
    }

    /// A synset member (words, nested synsets, `$`, `+`) matched from `p`.
    fn seq_at(&self, elems: &[PElem], mut p: usize, depth: usize, m: &mut PatMatch) -> bool {
        let end = self.clause.1;
        for (k, e) in elems.iter().enumerate() {
            let gap = k > 0 && e.gap();
            loop {
                if p > end {
                    return false;
                }
                let ok = match e {
                    PElem::Word { text, stem, .. } => self.word_fits(text, *stem, p),
                    PElem::Synset { id, .. } => self.synset_at(*id, p, depth + 1, m),
                    PElem::Source { .. } | PElem::Target { .. } if self.wt(p) == WType::Actor => {
                        match (self.actor_head(p), e) {
                            (Some(h), PElem::Source { .. }) => m.source = Some(h),
                            (Some(h), _) => m.target = Some(h),
                            (None, _) => return false,
                        }
                        true
                    }
                    _ => false,
                };
                if ok {
                    break;
                }
                if !gap {
                    return false;
                }
                p += 1;
            }
            p += 1;
        }
        true
    }

    /// Whether the first element of a member of synset `id` matches at `p`.
    fn synset_first(&self, id: u32, p: usize, depth: usize) -> bool {
        let Some(set) = self.c.lex.synsets.get(id as usize) else { return false };
        if depth > 8 {
            return false;
        }
        set.members.iter().any(|member| match member.first() {
            Some(PElem::Word { text, stem, .. }) => self.word_fits(text, *stem, p),
            Some(PElem::Synset { id, .. }) => self.synset_first(*id, p, depth + 1),
            _ => false,
        })
    }

    // ---- actors ------------------------------------------------------------

    /// The head of the actor at or before word `p` (TABARI `getActorHead`); a
    /// pronoun leads to the word it refers to.
    fn actor_head(&self, mut p: usize) -> Option<usize> {
        for _ in 0..16 {
            let Some(sp) = self.p.member.get(p).and_then(|&s| self.p.spans.get(s as usize)) else { break };
            match sp.reference {
                Some(Reference::Word(k)) if sp.head as usize == p => p = k as usize,
                Some(Reference::Forward) if sp.head as usize == p => return Some(p),
                _ => break,
            }
        }
        (0..=p).rev().find(|&k| self.p.has_head(k, Class::Actor))
    }

    /// The tail of the actor starting at `p` (TABARI `getActorTail`).
    fn actor_tail(&self, mut p: usize) -> usize {
        if self.is_pronoun(p) {
            return p;
        }
        while p < self.clause.1 && !self.p.has_tail(p, Class::Actor) {
            p += 1;
        }
        p
    }

    fn is_pronoun(&self, p: usize) -> bool {
        self.p
            .member
            .get(p)
            .and_then(|&s| self.p.spans.get(s as usize))
            .is_some_and(|sp| sp.reference.is_some() && sp.head as usize == p)
    }

    /// The codes of the actor whose head is word `p`, following pronouns
    /// (TABARI `getActorStructCodes`).
    fn actor_at(&self, p: usize) -> Option<ActorHit> {
        if self.petrarch() {
            return self.ne_hit(p);
        }
        let lex = self.c.lex;
        let mut w = p;
        for _ in 0..16 {
            let s = *self.p.member.get(w)?;
            let sp = self.p.spans.get(s as usize)?;
            match sp.reference {
                Some(Reference::Word(k)) => {
                    w = k as usize;
                    continue;
                }
                Some(Reference::Forward) => {
                    let root = self.p.forward.root?;
                    let r = lex.roots.get(root as usize)?;
                    let codes = lex.actors.get(r.data as usize)?.codes(self.date).to_vec();
                    return Some(ActorHit {
                        codes,
                        agent: None,
                        at: At::Forward,
                        mention: Some(p as u32),
                        root: Some(root),
                        agent_root: None,
                    });
                }
                None => {}
            }
            let r = lex.roots.get(sp.root as usize)?;
            let codes = if sp.converted {
                vec![lex.agents.get(r.data as usize)?.written_code()]
            } else {
                lex.actors.get(r.data as usize)?.codes(self.date).to_vec()
            };
            if codes.is_empty() {
                return None;
            }
            return Some(ActorHit {
                codes,
                agent: None,
                at: At::Word(w as u32),
                mention: Some(p as u32),
                root: Some(sp.root),
                agent_root: None,
            });
        }
        None
    }

    fn actor_with_agent(&self, p: usize) -> Option<ActorHit> {
        let mut a = self.actor_at(p)?;
        if !self.petrarch() {
            self.find_agent(p, &mut a);
        }
        Some(a)
    }

    /// PETRARCH: the part of a noun phrase that starts at word `p` after a linker.
    fn ne_tail_hit(&self, p: usize) -> Option<ActorHit> {
        let id = *self.p.ne_of.get(p)?;
        let ne = self.p.nes.get(id as usize)?;
        let (_, codes) = ne.tails.iter().find(|(t, _)| *t as usize == p)?;
        Some(ActorHit {
            codes: codes.clone(),
            agent: None,
            at: At::Word(p as u32),
            mention: Some(p as u32),
            root: None,
            agent_root: None,
        })
    }

    /// PETRARCH: the noun phrase containing word `p`.
    fn ne_hit(&self, p: usize) -> Option<ActorHit> {
        let id = *self.p.ne_of.get(p)?;
        let ne = self.p.nes.get(id as usize)?;
        let root = ne
            .head
            .and_then(|h| self.p.member.get(h as usize))
            .and_then(|&s| self.p.spans.get(s as usize))
            .map(|s| s.root);
        Some(ActorHit {
            codes: ne.codes.clone(),
            agent: None,
            at: At::Word(ne.head.unwrap_or(ne.start)),
            mention: Some(ne.start),
            root,
            agent_root: None,
        })
    }

    /// An agent right after the actor, or right before it (over one
    /// preposition); `FORMER` makes it `ELI` (TABARI `findAgent`).
    fn find_agent(&self, loc: usize, a: &mut ActorHit) {
        let lex = self.c.lex;
        let n = self.n();
        let mut tloc = self.actor_tail(loc);
        let mut former = false;
        if tloc + 1 < n && self.wt(tloc + 1) == WType::Former {
            former = true;
            tloc += 1;
        }
        if loc > 0 && !former && self.wt(loc - 1) == WType::Former {
            former = true;
        }
        let agent_of = |s: u32| -> Option<(String, RootId)> {
            let sp = self.p.spans.get(s as usize)?;
            let r = lex.roots.get(sp.root as usize)?;
            let ag = lex.agents.get(r.data as usize)?;
            Some((ag.written_code(), sp.root))
        };
        if tloc + 1 < n {
            if let Some(s) = self.p.head_span(tloc + 1, Class::Agent) {
                if let Some((code, root)) = agent_of(s) {
                    a.agent = Some(if former { "~ELI".into() } else { code });
                    a.agent_root = Some(root);
                }
                return;
            }
        }
        let mut l = loc;
        if l > 0 && self.wt(l - 1) == WType::Prep {
            l -= 1;
        }
        if l > 0 && self.p.has_tail(l - 1, Class::Agent) {
            let Some(&s) = self.p.member.get(l - 1) else { return };
            let Some(sp) = self.p.spans.get(s as usize) else { return };
            let head = sp.head as usize;
            if head > 0 && !former && self.wt(head - 1) == WType::Former {
                former = true;
            }
            if let Some((code, root)) = agent_of(s) {
                a.agent = Some(if former { "~ELI".into() } else { code });
                a.agent_root = Some(root);
            }
        }
    }

    /// The next actor head in `loc..=clause end`.
    fn find_actor(&self, mut loc: usize) -> Option<(usize, ActorHit)> {
        while loc <= self.clause.1 {
            if self.wt(loc) == WType::Actor && self.p.has_head(loc, Class::Actor) {
                return self.actor_with_agent(loc).map(|a| (loc, a));
            }
            loc += 1;
        }
        None
    }

    /// The nearest actor at or before `loc` in the clause; `None` also when
    /// its head was cancelled (TABARI `backActor`).
    fn back_actor(&self, loc: isize) -> Option<(usize, ActorHit)> {
        let mut l = loc;
        while l >= self.clause.0 as isize && l >= 0 {
            let lu = l as usize;
            if self.wt(lu) == WType::Actor {
                let h = self.actor_head(lu)?;
                return self.actor_with_agent(h).map(|a| (h, a));
            }
            l -= 1;
        }
        None
    }

    fn default_actor(code: &str) -> ActorHit {
        ActorHit {
            codes: vec![code.to_string()],
            agent: None,
            at: At::Default,
            mention: None,
            root: None,
            agent_root: None,
        }
    }

    /// PETRARCH: the nearest coded noun phrase before the verb, not crossing a
    /// comma (else the nearest uncoded one); a verb after a clause
    /// conjunction with no phrase of its own keeps the previous verb's source.
    fn regular_source_petrarch(&mut self, verb: usize) {
        let mut k = verb as isize - 1;
        let clause_start = self.clause.0;
        let mut null: Option<ActorHit> = None;
        while k >= 0 {
            let ku = k as usize;
            if ku + 1 == clause_start && clause_start > 0 && null.is_none() {
                if let Some(prev) = self.last_source.clone() {
                    if self.target.as_ref().is_none_or(|t| !prev.same(t)) {
                        self.source = Some(prev);
                        self.regular_source = true;
                        return;
                    }
                }
            }
            // A comma clause (with the comma that closes it) is skipped.
            let closes = |c: &&Seg| {
                c.active
                    && (c.end as usize == ku || (c.end as usize + 1 == ku && self.wt(ku) == WType::Comma))
            };
            if let Some(s) = self.p.subords.iter().find(closes) {
                k = s.start as isize - 1;
                continue;
            }
            if self.wt(ku) == WType::Comma && self.p.in_compound.get(ku).is_none_or(|&c| c == NONE) {
                break;
            }
            if let Some(&id) = self.p.ne_of.get(ku).filter(|&&id| id != NONE) {
                let ne = &self.p.nes[id as usize];
                if let Some(a) = self.ne_hit(ku) {
                    if self.target.as_ref().is_none_or(|t| !a.same(t)) {
                        if ne.coded {
                            self.source = Some(a);
                            self.regular_source = true;
                            return;
                        }
                        null.get_or_insert(a);
                    }
                }
                k = ne.start as isize - 1;
                continue;
            }
            k -= 1;
        }
        if let Some(a) = null {
            self.source = Some(a);
            self.regular_source = true;
        }
    }

    /// PETRARCH: the first coded noun phrase of the verb phrase, else the first
    /// uncoded one.
    fn regular_target_petrarch(&mut self, verb: usize) {
        let end = self.vp_end(verb);
        let mut null: Option<ActorHit> = None;
        let mut k = verb + 1;
        while k <= end {
            if let Some(e) = self.p.subord_at(k) {
                k = e + 1;
                continue;
            }
            if let Some(&id) = self.p.ne_of.get(k).filter(|&&id| id != NONE) {
                let ne = &self.p.nes[id as usize];
                if let Some(a) = self.ne_hit(k) {
                    if self.source.as_ref().is_none_or(|s| !a.same(s)) {
                        if ne.coded {
                            self.target = Some(a);
                            self.regular_target = true;
                            return;
                        }
                        null.get_or_insert(a);
                    }
                }
                k = ne.end as usize + 1;
                continue;
            }
            k += 1;
        }
        if self.c.options.news {
            if let Some(t) = self.place_target(verb) {
                self.target = Some(t);
                self.regular_target = true;
                return;
            }
        }
        if let Some(a) = null {
            self.target = Some(a);
            self.regular_target = true;
        }
    }

    fn regular_source(&mut self, verb: usize) {
        if self.petrarch() {
            return self.regular_source_petrarch(verb);
        }
        let defaults = &self.c.options.defaults;
        let mut loc = self.clause.0;
        while let Some((found, a)) = self.find_actor(loc) {
            if defaults.source_prior && found > verb {
                if let Some(d) = &defaults.source {
                    self.source = Some(Self::default_actor(d));
                    self.regular_source = true;
                }
                return;
            }
            if self.target.as_ref().is_none_or(|t| !a.same(t)) {
                self.source = Some(a);
                self.regular_source = true;
                return;
            }
            loc = found + 1;
        }
        if let Some(d) = &defaults.source {
            self.source = Some(Self::default_actor(d));
            self.regular_source = true;
        }
    }

    fn regular_target(&mut self, verb: usize) {
        if self.petrarch() {
            return self.regular_target_petrarch(verb);
        }
        let defaults = &self.c.options.defaults;
        let mut loc = verb + 1;
        while let Some((found, a)) = self.find_actor(loc) {
            if self.source.as_ref().is_none_or(|s| !a.same(s)) {
                self.target = Some(a);
                self.regular_target = true;
                return;
            }
            loc = found + 1;
        }
        if defaults.target_after {
            if let Some(d) = &defaults.target {
                self.target = Some(Self::default_actor(d));
                self.regular_target = true;
            }
            return;
        }
        if self.c.options.news {
            if let Some(t) = self.place_target(verb) {
                self.target = Some(t);
                self.regular_target = true;
                return;
            }
        }
        let mut loc = verb as isize - 1;
        while let Some((found, a)) = self.back_actor(loc) {
            if self.source.as_ref().is_none_or(|s| !a.same(s)) {
                self.target = Some(a);
                return;
            }
            loc = found as isize - 1;
        }
        if let Some(src) = &self.source {
            let compound = match src.at {
                At::Word(w) => self.p.in_compound.get(w as usize).is_some_and(|&c| c != NONE),
                _ => false,
            };
            if compound || src.codes.len() > 1 {
                self.target = Some(src.clone());
                return;
            }
        }
        if defaults.source.is_some() {
            if let Some(d) = &defaults.target {
                self.target = Some(Self::default_actor(d));
                self.regular_target = true;
            }
        }
    }

    /// News rules: a place named as the verb's object ("struck the city of
    /// Kharkiv", "visited Kerrville", "travelled to Kerrville") stands for its
    /// country, as TABARI's and PETRARCH's country dictionaries list cities
    /// under their country. Only right after the verb (over `the`, `city
    /// of`, `to`): a place after `in`, `near` or `at` is where the event
    /// happened, not whom it concerns.
    fn place_target(&self, verb: usize) -> Option<ActorHit> {
        let gaz = self.c.gazetteer?;
        let tail =
            self.p.head_span(verb, Class::Verb).and_then(|s| self.p.spans.get(s as usize))?.tail as usize;
        let end = self.clause.1.min(self.n().saturating_sub(1));
        let mut i = tail.max(verb) + 1;
        let word = |k: usize| self.w.get(k).map_or("", |w| w.text.as_str());
        if word(i) == "TO" {
            i += 1;
        }
        if word(i) == "THE" {
            i += 1;
            if matches!(
                word(i),
                "CITY" | "TOWN" | "VILLAGE" | "PORT" | "REGION" | "PROVINCE" | "DISTRICT" | "STATE"
            ) && word(i + 1) == "OF"
            {
                i += 2;
            } else {
                return None;
            }
        }
        if i > end || self.wt(i) == WType::Actor || self.words_all.all_caps {
            return None;
        }
        let w = self.w.get(i)?;
        if w.cap != crate::words::Cap::Mid {
            return None;
        }
        let mut toks: [&str; 6] = [""; 6];
        let mut k = 0;
        while k < toks.len() && i + k <= end {
            let x = &self.w[i + k];
            toks[k] = self.text.get(x.start as usize..x.end as usize).unwrap_or("");
            k += 1;
        }
        let (len, cands) = gaz.longest_match(&toks[..k])?;
        let c = cands.iter().find(|c| !c.is_common_word())?;
        let iso3 = match c.kind {
            dyad_dict::gazetteer::Kind::Country => gaz.country(c.index)?.iso3(),
            dyad_dict::gazetteer::Kind::City => gaz.city(c.index)?.country_iso3(),
            dyad_dict::gazetteer::Kind::Region => gaz.region(c.index)?.country_iso3(),
        };
        if iso3.is_empty() {
            return None;
        }
        let last = (i + len - 1) as u32;
        Some(ActorHit {
            codes: vec![iso3.to_string()],
            agent: None,
            at: At::Place(i as u32, last),
            mention: None,
            root: None,
            agent_root: None,
        })
    }

    fn check_passive(&mut self, verb: usize) -> bool {
        let by = (1..=3).any(|k| self.wt(verb + k) == WType::By);
        if !by {
            return false;
        }
        let aux = (verb > 0 && self.wt(verb - 1) == WType::Auxiliary)
            || (verb > 1 && self.wt(verb - 2) == WType::Auxiliary);
        if aux {
            self.passive = true;
        }
        aux
    }

    /// The actors of a compound whose first word is `head`, each with its
    /// agent. Like TABARI, the walk moves from actor to actor (words with a
    /// root and still typed as actors) until one ends where a compound ends;
    /// if it runs off the sentence, the actors found so far are kept.
    fn compound_members(&self, head: usize) -> Vec<ActorHit> {
        let n = self.n();
        let mut out = Vec::new();
        let Some(first) = self.actor_with_agent(head) else { return out };
        out.push(first);
        let ends_compound = |k: usize| self.p.compounds.iter().any(|c| c.active && c.end as usize == k);
        let mut tail = head;
        while tail < n && !self.p.has_tail(tail, Class::Actor) {
            tail += 1;
        }
        if ends_compound(tail) {
            return out;
        }
        let mut i = head;
        loop {
            i += 1;
            while i < n && !(self.wt(i) == WType::Actor && self.p.spans.iter().any(|s| s.head as usize == i))
            {
                i += 1;
            }
            if i >= n {
                return out;
            }
            let mut k = i;
            while k < n && !self.p.has_tail(k, Class::Actor) {
                k += 1;
            }
            if k >= n {
                return out;
            }
            if let Some(a) = self.actor_with_agent(i) {
                out.push(a);
            }
            if ends_compound(k) {
                return out;
            }
        }
    }

    fn expand(&self, a: &ActorHit) -> Vec<ActorHit> {
        if self.petrarch() {
            return vec![a.clone()];
        }
        if let At::Word(w) = a.at {
            let w = w as usize;
            if self.p.in_compound.get(w).is_some_and(|&c| c != NONE) && self.p.compound_head(w).is_some() {
                let members = self.compound_members(w);
                if !members.is_empty() {
                    return members;
                }
            }
        }
        vec![a.clone()]
    }

    fn make_event(&mut self, code: &Code, verb: usize, pattern: Option<u32>, matched: Vec<u32>) {
        if code.is_null() {
            return;
        }
        self.notes.clear();
        self.notes.extend(self.notes_pending);
        let mut intent: Option<Code> = None;
        if self.c.options.news {
            // `did not agree` is not AGREE, unless the pattern says so.
            if let Some(neg) = crate::news::negator(self.w, verb, self.clause.0) {
                if !matched.contains(&(neg as u32)) {
                    return;
                }
            }
            if let Some((_, threat)) = crate::news::modal(self.w, verb) {
                if let Some(c) = crate::news::intent_code(&code.main, threat) {
                    intent =
                        Some(Code { main: c.to_string(), pair: None, subordinate: false, dominant: false });
                    self.notes.push(if threat { "threat" } else { "intent" });
                }
            }
        }
        let code = intent.as_ref().unwrap_or(code);
        if self.c.options.news {
            if self.source.is_none() {
                self.regular_source(verb);
            }
            if let Some(At::Word(_)) = self.source.as_ref().map(|s| s.at) {
                let start = self.source.as_ref().and_then(|s| s.mention).unwrap_or(0) as usize;
                let start = self
                    .p
                    .ne_of
                    .get(start)
                    .filter(|&&id| id != NONE)
                    .and_then(|&id| self.p.nes.get(id as usize))
                    .map_or(start, |ne| ne.start as usize);
                if start < verb && crate::news::hypothetical_gerund(self.w, verb, start) {
                    return;
                }
            }
        }
        if self.source.is_none() {
            self.regular_source(verb);
        }
        if self.target.is_none() {
            self.regular_target(verb);
        }
        let (Some(src), Some(tgt)) = (self.source.clone(), self.target.clone()) else { return };
        self.made_source = Some(src.clone());
        let (src, tgt) = if self.regular_source && self.regular_target && self.check_passive(verb) {
            (tgt, src)
        } else {
            (src, tgt)
        };
        // PETRARCH: a paired code with a null side pairs the other side with itself.
        let null = |a: &ActorHit| a.codes.first().is_none_or(|c| c == "---");
        let (src, tgt) = if self.petrarch() && code.pair.is_some() && (null(&src) || null(&tgt)) {
            if null(&tgt) {
                (src.clone(), src)
            } else {
                (tgt.clone(), tgt)
            }
        } else {
            (src, tgt)
        };
        for s in self.expand(&src) {
            for t in self.expand(&tgt) {
                self.put_event(code, &s, &t, verb, pattern, &matched);
            }
        }
        if !self.regular_source {
            self.source = None;
        }
        if !self.regular_target {
            self.target = None;
        }
    }

    fn put_event(
        &mut self,
        code: &Code,
        s: &ActorHit,
        t: &ActorHit,
        verb: usize,
        pattern: Option<u32>,
        matched: &[u32],
    ) {
        // A paired code (`032:033`) also gives the reverse event; an empty
        // side (`[:075]`) gives none in its direction.
        let directions = [(s, t, Some(code.main.as_str())), (t, s, code.pair.as_deref())];
        for (from, to, c) in directions {
            let Some(c) = c.filter(|c| !c.is_empty()) else { continue };
            self.events.push(Raw {
                source: from.clone(),
                target: to.clone(),
                code: c.to_string(),
                subordinate: code.subordinate,
                dominant: code.dominant,
                verb: verb as u32,
                pattern,
                matched: matched.to_vec(),
                nominal: None,
                notes: self.notes.clone(),
            });
        }
    }

    /// The actor of one word's dictionary span (not its whole noun phrase).
    fn word_actor(&self, p: usize) -> Option<ActorHit> {
        let sid = self.p.head_span(p, Class::Actor)?;
        let sp = self.p.spans.get(sid as usize)?;
        let root = self.c.lex.roots.get(sp.root as usize)?;
        let codes = self.c.lex.actors.get(root.data as usize)?.codes(self.date).to_vec();
        if codes.is_empty() || codes.iter().all(|c| c == "---") {
            return None;
        }
        Some(ActorHit {
            codes,
            agent: None,
            at: At::Word(p as u32),
            mention: Some(p as u32),
            root: Some(sp.root),
            agent_root: None,
        })
    }

    /// A coded noun phrase starting at or after `k` (within two words).
    fn coded_ne_near(&self, k: usize) -> Option<(usize, ActorHit)> {
        (k..(k + 3).min(self.n())).find_map(|j| {
            let id = *self.p.ne_of.get(j).filter(|&&id| id != NONE)?;
            let ne = self.p.nes.get(id as usize)?;
            if !ne.coded {
                return None;
            }
            Some((ne.end as usize, self.ne_hit(j)?))
        })
    }

    /// News rules: events named by nouns. `US-Ukraine talks`, `the
    /// Putin-Witkoff meeting` (two actors joined by a hyphen before the noun);
    /// `talks between A and B`; `X's meeting with Y`; `Following a meeting
    /// with Y, X ...` (the main clause's subject). Nouns already matched by a
    /// verb pattern (`held talks with`) are left to it.
    fn nominal_events(&mut self, text: &str) {
        let n = self.n();
        for k in 0..n {
            let Some(&(noun, code)) = crate::news::EVENT_NOUNS.iter().find(|(w, _)| *w == self.w[k].text)
            else {
                continue;
            };
            if self.events.iter().any(|e| e.matched.contains(&(k as u32))) || self.p.subord_at(k).is_some() {
                continue;
            }
            let mut pair: Option<(ActorHit, ActorHit)> = None;
            // `A-B talks`.
            if k >= 2 && crate::news::hyphen_joined(self.w, text, k - 2) {
                if let (Some(a), Some(b)) = (self.word_actor(k - 2), self.word_actor(k - 1)) {
                    pair = Some((a, b));
                }
            }
            let next = self.w.get(k + 1).map_or("", |w| w.text.as_str());
            if pair.is_none() && next == "BETWEEN" {
                if let Some((_, both)) = self.coded_ne_near(k + 2) {
                    if both.codes.len() >= 2 {
                        let mut a = both.clone();
                        a.codes = vec![both.codes[0].clone()];
                        let mut b = both;
                        b.codes = vec![b.codes[1].clone()];
                        pair = Some((a, b));
                    }
                }
            }
            if pair.is_none() && next == "WITH" {
                if let Some((t_end, target)) = self.coded_ne_near(k + 2) {
                    // `X's meeting with Y`: the noun's own phrase names X.
                    let own = self
                        .p
                        .ne_of
                        .get(k)
                        .filter(|&&id| id != NONE)
                        .and_then(|&id| self.p.nes.get(id as usize))
                        .filter(|ne| ne.coded && ne.head.is_some_and(|h| (h as usize) < k))
                        .and_then(|_| self.ne_hit(k));
                    // `Following a meeting with Y, X ...`.
                    let mut j = k;
                    while j > 0
                        && matches!(self.wt(j - 1), WType::Determiner | WType::Null | WType::Adjective)
                    {
                        if crate::news::LEADERS.contains(&self.w[j - 1].text.as_str()) {
                            break;
                        }
                        j -= 1;
                    }
                    let led = j > 0 && crate::news::LEADERS.contains(&self.w[j - 1].text.as_str());
                    let main = if led && self.wt(t_end + 1) == WType::Comma {
                        self.coded_ne_near(t_end + 2).filter(|(e, _)| *e > t_end).map(|(_, a)| a)
                    } else {
                        None
                    };
                    if let Some(source) = own.or(main) {
                        pair = Some((source, target));
                    }
                }
            }
            let Some((source, target)) = pair else { continue };
            if crate::news::negator(self.w, k, 0).is_some() || source.same(&target) {
                continue;
            }
            self.events.push(Raw {
                source,
                target,
                code: code.to_string(),
                subordinate: false,
                dominant: false,
                verb: k as u32,
                pattern: None,
                matched: vec![k as u32],
                nominal: Some(noun),
                notes: vec!["nominal"],
            });
        }
    }

    /// Null, discard, complex, subordinate and dominant codes; then coded
    /// compounds, composite codes, same-actor events and duplicates.
    fn finish(mut self) -> Verdict {
        if self.events.is_empty() {
            return Verdict::Events(Vec::new());
        }
        let mut non_sub = false;
        let mut dominant = false;
        for e in &self.events {
            if e.code == "###" {
                return Verdict::Discard { story: false, reason: "discard code in a verb pattern".into() };
            }
            if e.code == "+++" || e.source.codes.iter().chain(&e.target.codes).any(|c| c == "+++") {
                return Verdict::Complex("complex code".into());
            }
            if e.dominant {
                dominant = true;
                non_sub = true;
                break;
            }
            if !e.subordinate && e.code != "---" {
                non_sub = true;
            }
        }
        self.events.retain(|e| e.code != "---");
        if dominant {
            self.events.retain(|e| e.dominant);
        } else if non_sub {
            self.events.retain(|e| !e.subordinate);
        }
        let lex = self.c.lex;
        let mut out: Vec<Coded> = Vec::new();
        for e in &self.events {
            for sc in &e.source.codes {
                for tc in &e.target.codes {
                    if sc.is_empty() || tc.is_empty() {
                        continue;
                    }
                    let null = sc == "---" || tc == "---";
                    if null && (self.c.options.dialect == Dialect::Tabari || self.c.options.require_dyad) {
                        continue;
                    }
                    if sc == tc && e.source.agent == e.target.agent {
                        continue;
                    }
                    let source = composite(sc, e.source.agent.as_deref());
                    let target = composite(tc, e.target.agent.as_deref());
                    if self.c.options.news && crate::news::press(&e.code, &source, &target) {
                        continue;
                    }
                    if out.iter().any(|o| o.source == source && o.target == target && o.code == e.code) {
                        continue;
                    }
                    let verb_root = self
                        .p
                        .member
                        .get(e.verb as usize)
                        .and_then(|&s| self.p.spans.get(s as usize))
                        .filter(|_| e.nominal.is_none())
                        .map_or(NONE, |s| s.root);
                    let mut sh = e.source.clone();
                    sh.codes = vec![sc.clone()];
                    let mut th = e.target.clone();
                    th.codes = vec![tc.clone()];
                    out.push(Coded {
                        source,
                        target,
                        code: e.code.clone(),
                        source_hit: sh,
                        target_hit: th,
                        verb: e.verb,
                        verb_root,
                        pattern: e.pattern,
                        matched: e.matched.clone(),
                        nominal: e.nominal,
                        notes: e.notes.clone(),
                    });
                }
            }
        }
        let _ = lex;
        Verdict::Events(out)
    }
}

/// Characters of the literal words of a pattern option.
fn literal_chars(elems: &[PElem]) -> u32 {
    elems
        .iter()
        .map(|e| match e {
            PElem::Word { text, .. } => text.len() as u32,
            _ => 0,
        })
        .sum()
}

/// An actor code with its agent: `~GOV` is appended, `NGM~` prepended,
/// unless the agent's code is already in the actor code at a 3-character
/// boundary (TABARI `addCompositeCode`).
pub fn composite(actor: &str, agent: Option<&str>) -> String {
    let Some(agent) = agent else { return actor.to_string() };
    let (code, place) = if let Some(c) = agent.strip_prefix('~') {
        (c, Place::After)
    } else if let Some(c) = agent.strip_suffix('~') {
        (c, Place::Before)
    } else {
        (agent, Place::After)
    };
    if code.is_empty() {
        return actor.to_string();
    }
    let present = actor.find(code).is_some_and(|k| k % 3 == 0);
    match (place, present) {
        (_, true) => actor.to_string(),
        (Place::After, false) => format!("{actor}{code}"),
        (Place::Before, false) => format!("{code}{actor}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_datelines() {
        assert_eq!(news_dateline("MOSCOW (Reuters) - Russian forces struck"), 19);
        assert_eq!(
            news_dateline("KYIV, Ukraine (AP) \u{2014} Drones hit"),
            "KYIV, Ukraine (AP) \u{2014} ".len()
        );
        assert_eq!(news_dateline("GENEVA - Talks resumed"), 9);
        assert_eq!(news_dateline("The UN - and its agencies - said"), 0);
        assert_eq!(news_dateline("US - China talks resumed"), 0);
    }

    #[test]
    fn composite_codes() {
        assert_eq!(composite("ARN", Some("~GOV")), "ARNGOV");
        assert_eq!(composite("USAGOV", Some("~GOV")), "USAGOV");
        assert_eq!(composite("GMWGOV", Some("~WGO")), "GMWGOVWGO");
        assert_eq!(composite("GONGMO", Some("NGM~")), "NGMGONGMO");
        assert_eq!(composite("NGM", Some("NGM~")), "NGM");
        assert_eq!(composite("HGWGOVMED", Some("~GOVMED")), "HGWGOVMED");
        assert_eq!(composite("~MOS", None), "~MOS");
    }
}
