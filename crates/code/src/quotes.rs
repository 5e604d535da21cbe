//! Quotations and who said them.
//!
//! [`QuoteFinder::find`] reads a whole document (quotes cross sentences and
//! paragraphs) and returns:
//!
//! * **direct** quotes: `“…,” he said`, `Rutte stated, “…”`, `“…,” said
//!   Rutte`, `Rutte said: “…”`; split quotes (`“A,” he said, “B.”`) become
//!   one quote of two parts; a paragraph that leaves its quote open and a
//!   next paragraph that opens with a quote mark continue one quote;
//! * **partial** quotes inside a sentence (`Trump desires a “peace to be
//!   lasting and durable”`), attributed to the sentence's reporting verb's
//!   subject, else to the clause's subject (flagged
//!   [`QuoteFlags::SUBJECT_GUESS`]);
//! * **indirect** speech: `Rutte told Bloomberg TV that …`, `Moscow has
//!   stated that …`, `X said the talks …`, `…, according to X`, `…, X said.`
//!   with the reported clause as the text.
//!
//! Curly, straight and « » marks are read; single marks nest inside double
//! ones. An unclosed quote ends at its paragraph's end (flagged
//! [`QuoteFlags::UNCLOSED`]), so a stray mark never swallows the document.
//!
//! Speakers are given as the attribution's words and span (`he`, `Rutte`,
//! `the Russian leader`). Mapping them to actors is the coder's job:
//! [`attach_speakers`] links each quote to one of the coder's actor
//! mentions by span. For a pronoun speaker the finder also proposes an
//! antecedent (the latest named speaker or sentence subject before it);
//! the coder's own coreference, when it has a mention for the pronoun,
//! takes precedence.
//!
//! The speech cue verbs are the list in `data/speech-cues.txt`
//! ([`SPEECH_CUES`]), compiled in.
//!
//! # Using it in the coder
//!
//! 1. Keep one [`QuoteFinder`] per worker and call
//!    `finder.find(&doc.text, &segmented.sentences, &mut quotes)` once per
//!    document (quotes cross sentences; the finder reads paragraphs itself).
//! 2. Collect the document's actor mentions as spans, including the
//!    pronouns the coder's coreference resolved ("he" → Rutte), and call
//!    [`attach_speakers`]; the index it returns for a quote names the
//!    mention (hence the actor code and coreference chain) of its speaker.
//!    Without a mention for a pronoun it falls back on the antecedent guess.
//! 3. A partial quote flagged [`QuoteFlags::SUBJECT_GUESS`] has no reporting
//!    verb; its speaker is the clause's first noun phrase, which the
//!    dependency parser's `nsubj` may replace.
//! 4. Write the records with the provenance the coder adds to every record
//!    (document id, sentence index of `span.start`, dyad version, id).
//!    [`Quote`] serialises with serde; spans are byte offsets into the
//!    document text.
//!
//! ```
//! use dyad_code::quotes::{find_quotes, QuoteKind};
//!
//! let text = "Rutte met Trump.\n“It is a gradual process,” Rutte said. “We need a deal first,” he added.";
//! let mut quotes = Vec::new();
//! find_quotes(text, &[], &mut quotes);
//! assert_eq!(quotes.len(), 2);
//! assert_eq!(quotes[0].text, "It is a gradual process");
//! assert_eq!(quotes[0].kind, QuoteKind::Direct);
//! assert_eq!(quotes[0].speaker.as_ref().unwrap().text, "Rutte");
//! let he = quotes[1].speaker.as_ref().unwrap();
//! assert!(he.pronoun);
//! assert_eq!(quotes[1].antecedent.as_ref().unwrap().text, "Rutte");
//! ```

use dyad_text::{Sentence, Span};
use serde::ser::{Serialize, SerializeSeq, Serializer};

#[path = "quotes_cues.rs"]
pub(crate) mod cues;
#[path = "quotes_np.rs"]
mod np;

use crate::dates::lex::{self, is_capitalized, lower, Kind, Tok};
use cues::{cue_at, CueHit, ACCORDING, ADDRESSEE, BARE, QUESTION};
pub use cues::{cue_lemmas, SPEECH_CUES};
use np::{clause_subject, is_punct, is_word, lw, np_after, np_before, Range};

/// What kind of quotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Words in quotation marks standing as the speaker's statement.
    Direct,
    /// A quoted phrase inside the writer's own sentence.
    Partial,
    /// Reported speech without quotation marks.
    Indirect,
}

/// Some words of the document and where they are.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TextSpan {
    pub text: String,
    pub span: Span,
}

/// The words naming who spoke.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SpeakerRef {
    pub text: String,
    pub span: Span,
    /// A personal pronoun ("he", "she", "they"): needs coreference.
    pub pronoun: bool,
}

/// The reporting verb (or "according to").
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Cue {
    pub text: String,
    /// Its entry in the cue list (`say` for "said").
    pub lemma: &'static str,
    pub span: Span,
}

/// Notes on how a quote was read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct QuoteFlags(u16);

impl QuoteFlags {
    /// No closing mark before the paragraph's end.
    pub const UNCLOSED: QuoteFlags = QuoteFlags(1);
    /// A closing mark without an opening one: the quote starts at the
    /// paragraph's start.
    pub const UNOPENED: QuoteFlags = QuoteFlags(1 << 1);
    /// Runs over more than one paragraph.
    pub const CROSS_PARAGRAPH: QuoteFlags = QuoteFlags(1 << 2);
    /// Interrupted by its attribution: `“A,” he said, “B.”`.
    pub const SPLIT: QuoteFlags = QuoteFlags(1 << 3);
    /// Holds a quotation of its own (‘…’ inside “…”).
    pub const NESTED: QuoteFlags = QuoteFlags(1 << 4);
    /// No attribution of its own: the speaker of the quote before it.
    pub const INHERITED: QuoteFlags = QuoteFlags(1 << 5);
    /// No reporting verb: the speaker is the clause's subject.
    pub const SUBJECT_GUESS: QuoteFlags = QuoteFlags(1 << 6);
    /// Straight ASCII quotation marks.
    pub const STRAIGHT: QuoteFlags = QuoteFlags(1 << 7);

    const NAMES: [(QuoteFlags, &'static str); 8] = [
        (QuoteFlags::UNCLOSED, "unclosed"),
        (QuoteFlags::UNOPENED, "unopened"),
        (QuoteFlags::CROSS_PARAGRAPH, "cross_paragraph"),
        (QuoteFlags::SPLIT, "split"),
        (QuoteFlags::NESTED, "nested"),
        (QuoteFlags::INHERITED, "inherited"),
        (QuoteFlags::SUBJECT_GUESS, "subject_guess"),
        (QuoteFlags::STRAIGHT, "straight"),
    ];

    pub fn contains(self, other: QuoteFlags) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The names of the flags set (`unclosed`, `split`, ...).
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        QuoteFlags::NAMES.into_iter().filter(move |(f, _)| self.contains(*f)).map(|(_, n)| n)
    }

    fn set(&mut self, f: QuoteFlags) {
        self.0 |= f.0;
    }
}

impl Serialize for QuoteFlags {
    /// A list of flag names.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for n in self.names() {
            seq.serialize_element(n)?;
        }
        seq.end()
    }
}

/// One quotation.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Quote {
    /// The quoted words without the marks (parts joined by a space; a
    /// trailing comma that belongs to the attribution is dropped).
    pub text: String,
    /// From the first quoted byte to the last (for a split quote this
    /// includes the attribution between the parts: see `parts`).
    pub span: Span,
    /// The stretches of quoted text, without marks.
    pub parts: Vec<Span>,
    pub kind: QuoteKind,
    pub cue: Option<Cue>,
    /// The attribution's subject as written ("he", "Rutte").
    pub speaker: Option<SpeakerRef>,
    /// For a pronoun speaker: the nearest earlier named speaker, a guess the
    /// coder's coreference may override.
    pub antecedent: Option<SpeakerRef>,
    /// The hearer: "Bloomberg TV" in "told Bloomberg TV".
    pub addressee: Option<TextSpan>,
    pub flags: QuoteFlags,
}

impl Quote {
    /// The speaker to link to an actor: the antecedent of a pronoun when
    /// there is one, else the speaker as written.
    pub fn resolved_speaker(&self) -> Option<&SpeakerRef> {
        match (&self.speaker, &self.antecedent) {
            (Some(s), Some(a)) if s.pronoun => Some(a),
            (s, _) => s.as_ref(),
        }
    }
}

/// What ends a paragraph (quotes do not cross paragraphs unless the next
/// one opens with a quote mark).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ParagraphBreaks {
    /// Every line break (news plain text: one paragraph a line).
    #[default]
    Line,
    /// Only blank lines (hard-wrapped text).
    Blank,
}

/// Finds quotes; keep one per worker (its buffers are reused).
#[derive(Clone, Debug, Default)]
pub struct QuoteFinder {
    pub paragraph_breaks: ParagraphBreaks,
    paras: Vec<Span>,
    sents: Vec<Span>,
    raws: Vec<Raw>,
    stack: Vec<Family>,
    toks: Vec<Tok>,
    toks2: Vec<Tok>,
    used: Vec<Span>,
}

/// Finds the quotes of `text` with a fresh [`QuoteFinder`].
pub fn find_quotes(text: &str, sentences: &[Sentence], out: &mut Vec<Quote>) {
    QuoteFinder::new().find(text, sentences, out);
}

/// For each quote, the index in `mentions` of the actor mention its
/// speaker refers to: the mention overlapping the speaker's words
/// (preferring the one holding their last word, the head of an English noun
/// phrase), else, for a pronoun, the mention overlapping its antecedent.
///
/// `mentions` are the coder's actor mentions (pronouns it resolved
/// included), in any order. `out` is cleared and gets one entry per quote.
pub fn attach_speakers(quotes: &[Quote], mentions: &[Span], out: &mut Vec<Option<usize>>) {
    out.clear();
    let pick = |s: &SpeakerRef| -> Option<usize> {
        let mut best: Option<(usize, bool, u32)> = None;
        for (i, m) in mentions.iter().enumerate() {
            if m.start < s.span.end && s.span.start < m.end {
                let holds_head = m.start < s.span.end && m.end >= s.span.end;
                let better = match best {
                    None => true,
                    Some((_, h, end)) => (holds_head, m.end) > (h, end),
                };
                if better {
                    best = Some((i, holds_head, m.end));
                }
            }
        }
        best.map(|b| b.0)
    };
    for q in quotes {
        let direct = q.speaker.as_ref().and_then(pick);
        let via = || q.speaker.as_ref().filter(|s| s.pronoun).and(q.antecedent.as_ref()).and_then(pick);
        out.push(direct.or_else(via));
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Double,
    Straight,
    Guillemet,
    Single,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Open,
    Close,
    Either,
}

/// A quotation found by its marks, before attribution.
#[derive(Clone, Debug)]
struct Raw {
    open: Span,
    close: Option<Span>,
    parts: Vec<Span>,
    part_start: u32,
    family: Family,
    flags: QuoteFlags,
    para_open: usize,
    para_close: usize,
}

/// What stands before a quote's opening mark in its sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Head {
    /// Nothing: the quote opens the sentence.
    Start,
    /// A reporting verb and `:` or `,`: "Rutte said:".
    Cue,
    /// A colon without a reporting verb.
    Colon,
    /// "Rutte said that “…”".
    CueThat,
    /// Any other words: a quote inside a sentence.
    Inline,
}

/// A speaker found in some tokens.
#[derive(Clone, Debug, Default)]
struct Attribution {
    speaker: Option<Span>,
    cue: Option<(Span, &'static str)>,
    addressee: Option<Span>,
}

impl QuoteFinder {
    pub fn new() -> QuoteFinder {
        QuoteFinder::default()
    }

    /// Appends the quotes of `text` to `out`, in text order (by start).
    ///
    /// `sentences` are the document's sentences (from
    /// [`dyad_text::Segmented`]); they bound indirect speech and partial
    /// quotes' attributions. When empty, the finder splits sentences itself
    /// at `.`, `!` and `?`.
    pub fn find(&mut self, text: &str, sentences: &[Sentence], out: &mut Vec<Quote>) {
        self.paragraphs(text);
        self.sentences(text, sentences);
        self.marks(text);
        self.used.clear();
        let first = out.len();
        let mut partial_pending: Vec<usize> = Vec::new();
        let mut r = 0;
        while r < self.raws.len() {
            let (quote, merged, pending) = self.direct(text, r);
            r += 1 + merged;
            if let Some(q) = quote {
                if pending {
                    partial_pending.push(out.len());
                }
                out.push(q);
            }
        }
        let indirect_from = out.len();
        self.indirect(text, out);
        out[indirect_from..].sort_by_key(|q| (q.span.start, q.span.end));
        for &i in &partial_pending {
            self.partial_speaker(text, out, i, indirect_from);
        }
        out[first..].sort_by_key(|q| (q.span.start, q.span.end));
        self.inherit(text, out, first);
    }

    fn paragraphs(&mut self, text: &str) {
        self.paras.clear();
        let mut start = 0;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i <= bytes.len() {
            let at_end = i == bytes.len();
            if at_end || bytes[i] == b'\n' {
                let line = &text[start..i];
                let blank = line.trim().is_empty();
                let ends_para = match self.paragraph_breaks {
                    ParagraphBreaks::Line => true,
                    ParagraphBreaks::Blank => blank || at_end,
                };
                if ends_para {
                    push_trimmed(text, Span::new(start, i), &mut self.paras);
                    start = i + 1;
                }
            }
            i += 1;
        }
    }

    fn sentences(&mut self, text: &str, sentences: &[Sentence]) {
        self.sents.clear();
        if !sentences.is_empty() {
            self.sents.extend(sentences.iter().map(|s| s.span));
            self.sents.sort_by_key(|s| s.start);
            return;
        }
        for p in &self.paras {
            let mut start = p.start as usize;
            let end = p.end as usize;
            let mut i = start;
            while i < end {
                if let Some(stop) = sentence_stop(text, i, end) {
                    push_trimmed(text, Span::new(start, stop), &mut self.sents);
                    start = stop;
                    i = stop;
                } else {
                    i += 1;
                }
            }
            push_trimmed(text, Span::new(start, end), &mut self.sents);
        }
    }

    fn para_of(&self, pos: u32) -> usize {
        self.paras.partition_point(|p| p.end < pos).min(self.paras.len().saturating_sub(1))
    }

    /// The sentence holding byte `pos` (the one starting at or before it).
    fn sentence_of(&self, pos: u32) -> Option<Span> {
        let i = self.sents.partition_point(|s| s.start <= pos);
        let s = *self.sents.get(i.checked_sub(1)?)?;
        (s.end >= pos).then_some(s)
    }

    // -- Marks ---------------------------------------------------------------

    fn marks(&mut self, text: &str) {
        self.raws.clear();
        let mut stack = std::mem::take(&mut self.stack);
        stack.clear();
        let mut cur: Option<Raw> = None;
        let mut chain = 0;
        let mut resume: Option<usize> = None;
        let mut pi = 0;
        while pi < self.paras.len() {
            let p = self.paras[pi];
            let from = resume.take().unwrap_or(p.start as usize);
            let mut first_mark = cur.is_none();
            let seg = text.get(from..p.end as usize).unwrap_or("");
            // Quotation marks start with '"', 0xE2 (“ ” ‘ ’) or 0xC2 (« »):
            // only those bytes are decoded.
            for (off, b) in seg.bytes().enumerate() {
                if !matches!(b, b'"' | 0xE2 | 0xC2) {
                    continue;
                }
                let Some(ch) = seg.get(off..).and_then(|r| r.chars().next()) else { continue };
                let pos = from + off;
                let Some((fam, role)) = mark_kind(text, p, pos, ch) else { continue };
                let mark = Span::new(pos, pos + ch.len_utf8());
                let was_first = first_mark;
                first_mark = false;
                let Some(q) = cur.as_mut() else {
                    match (fam, role) {
                        (Family::Single, Role::Close) => {}
                        (Family::Double | Family::Guillemet | Family::Straight, Role::Close) if was_first => {
                            // A closing mark with no opening one: the quote
                            // started with the paragraph.
                            let part = Span { start: p.start, end: mark.start };
                            if !part.is_empty() && !text[p.start as usize..pos].contains(['“', '«']) {
                                let mut flags = QuoteFlags::UNOPENED;
                                if fam == Family::Straight {
                                    flags.set(QuoteFlags::STRAIGHT);
                                }
                                self.raws.push(Raw {
                                    open: Span { start: p.start, end: p.start },
                                    close: Some(mark),
                                    parts: vec![part],
                                    part_start: p.start,
                                    family: fam,
                                    flags,
                                    para_open: pi,
                                    para_close: pi,
                                });
                            }
                        }
                        (_, Role::Close) => {}
                        _ => {
                            let mut flags = QuoteFlags::default();
                            if fam == Family::Straight {
                                flags.set(QuoteFlags::STRAIGHT);
                            }
                            cur = Some(Raw {
                                open: mark,
                                close: None,
                                parts: Vec::new(),
                                part_start: mark.end,
                                family: fam,
                                flags,
                                para_open: pi,
                                para_close: pi,
                            });
                            stack.clear();
                            stack.push(fam);
                            chain = 0;
                        }
                    }
                    continue;
                };
                let top = stack.last().copied();
                match fam {
                    Family::Single => match role {
                        Role::Open | Role::Either => {
                            stack.push(Family::Single);
                            q.flags.set(QuoteFlags::NESTED);
                        }
                        Role::Close => {
                            if top == Some(Family::Single) {
                                stack.pop();
                            }
                        }
                    },
                    Family::Straight => {
                        if let Some(k) = stack.iter().rposition(|&f| f == Family::Straight) {
                            stack.truncate(k);
                        } else if role == Role::Open {
                            stack.push(Family::Straight);
                            q.flags.set(QuoteFlags::NESTED);
                        }
                    }
                    Family::Double | Family::Guillemet => match role {
                        Role::Open | Role::Either => {
                            stack.push(fam);
                            q.flags.set(QuoteFlags::NESTED);
                        }
                        Role::Close => {
                            if let Some(k) = stack.iter().rposition(|&f| f == fam) {
                                stack.truncate(k);
                            }
                        }
                    },
                }
                if stack.is_empty() {
                    if let Some(mut q) = cur.take() {
                        q.parts.push(Span { start: q.part_start, end: mark.start });
                        q.close = Some(mark);
                        q.para_close = pi;
                        self.raws.push(q);
                    }
                }
            }
            // The paragraph ends with a quote open.
            if let Some(mut q) = cur.take() {
                q.parts.push(Span { start: q.part_start, end: p.end });
                q.para_close = pi;
                let next = self.paras.get(pi + 1).copied();
                let cont = next.filter(|_| chain < 10).and_then(|n| opening_mark(text, n, q.family));
                if let Some(mark_end) = cont {
                    q.flags.set(QuoteFlags::CROSS_PARAGRAPH);
                    q.part_start = mark_end as u32;
                    stack.clear();
                    stack.push(q.family);
                    chain += 1;
                    resume = Some(mark_end);
                    cur = Some(q);
                } else {
                    q.flags.set(QuoteFlags::UNCLOSED);
                    self.raws.push(q);
                    stack.clear();
                }
            }
            pi += 1;
        }
        self.stack = stack;
    }

    // -- Direct and partial quotes ----------------------------------------

    /// Attributes raw quote `r`: the quote (None when it is not a quote, a
    /// title say), how many following raw quotes were merged into it, and
    /// whether its speaker is still to be found (a partial quote).
    fn direct(&mut self, text: &str, r: usize) -> (Option<Quote>, usize, bool) {
        let raw = self.raws[r].clone();
        let para = self.paras.get(raw.para_open).copied().unwrap_or_default();
        let close_para = self.paras.get(raw.para_close).copied().unwrap_or_default();
        // Head: from the sentence start (or the previous quote's end) to the mark.
        let mut head_lo = self.sentence_of(raw.open.start).map_or(para.start, |s| s.start).max(para.start);
        if r > 0 {
            if let Some(prev_close) = self.raws[r - 1].close {
                if prev_close.end <= raw.open.start {
                    head_lo = head_lo.max(prev_close.end);
                }
            }
        }
        let head_lo = lex::back(text, raw.open.start as usize, lex::MAX_SENTENCE_BYTES, head_lo as usize);
        self.toks.clear();
        lex::scan(text, head_lo, raw.open.start as usize, &mut self.toks);
        // Tail: from the closing mark to the sentence end, the next quote or
        // the paragraph end.
        let tail_lo = raw.close.map_or(close_para.end, |c| c.end);
        let next_open = self.raws.get(r + 1).map(|n| n.open.start).filter(|&o| o >= tail_lo);
        let mut tail_hi = close_para.end;
        if let Some(o) = next_open {
            tail_hi = tail_hi.min(o);
        }
        let mut i = tail_lo as usize;
        while i < tail_hi as usize {
            if let Some(stop) = sentence_stop(text, i, tail_hi as usize) {
                tail_hi = stop as u32;
                break;
            }
            i += 1;
        }
        let tail_hi = tail_hi.max(tail_lo);
        self.toks2.clear();
        lex::scan(text, tail_lo as usize, tail_hi as usize, &mut self.toks2);

        // Titles and scare quotes: "so-called “...”", "dubbed “...”", and
        // a quoted modifier of a noun: "the “foreign agents” bill".
        if is_naming(text, &self.toks) || is_label(text, &self.toks, &self.toks2, &raw) {
            return (None, 0, false);
        }

        let (head, head_attr) = head_attribution(text, &self.toks);
        let tail_attr = tail_attribution(text, &self.toks2);
        let mut parts = raw.parts.clone();
        let mut flags = raw.flags;
        let mut merged = 0;
        // "“A,” he said, “B.”": the tail reaches the next quote after a comma.
        if tail_attr.is_some() {
            if let Some(next) = self.raws.get(r + 1) {
                let comma_before = text
                    .get(tail_lo as usize..next.open.start as usize)
                    .is_some_and(|s| s.trim_end().ends_with([',', ':']));
                if next_open == Some(tail_hi) && comma_before && next.para_open == raw.para_close {
                    parts.extend(next.parts.iter().copied());
                    flags.set(QuoteFlags::SPLIT);
                    flags.set(next.flags);
                    merged = 1;
                }
            }
        }
        let last_char_punct = parts
            .last()
            .and_then(|p| p.of(text).trim_end().chars().next_back())
            .is_some_and(|c| matches!(c, ',' | '.' | '!' | '?' | '…' | '—' | '-' | ';'));
        let tail_is_end = self.toks2.iter().all(|t| t.kind == Kind::Punct);
        let kind = match head {
            Head::Cue | Head::Colon => QuoteKind::Direct,
            Head::CueThat if tail_is_end => QuoteKind::Direct,
            Head::Start
                if tail_attr.is_some() || last_char_punct || flags.contains(QuoteFlags::CROSS_PARAGRAPH) =>
            {
                QuoteKind::Direct
            }
            Head::Start if flags.contains(QuoteFlags::UNCLOSED) || flags.contains(QuoteFlags::UNOPENED) => {
                QuoteKind::Direct
            }
            _ => QuoteKind::Partial,
        };
        let attr = match kind {
            QuoteKind::Direct => tail_attr.or(head_attr),
            _ => tail_attr.or(if head == Head::CueThat { head_attr } else { None }),
        };
        let pending = kind == QuoteKind::Partial && attr.is_none();
        let Some(mut q) = make_quote(text, &parts, kind, flags) else { return (None, merged, false) };
        if let Some(a) = attr {
            self.apply(text, &mut q, &a);
        }
        // "A Polish official put it differently: “…,” he said": the pronoun
        // is the subject before the colon.
        if head == Head::Colon && q.speaker.as_ref().is_some_and(|s| s.pronoun) {
            if let Some((a, b)) = clause_subject(text, &self.toks, 0, self.toks.len()) {
                let s = speaker_ref(text, tok_span(&self.toks, a, b));
                if !s.pronoun {
                    q.antecedent = Some(s);
                }
            }
        }
        (Some(q), merged, pending)
    }

    fn apply(&mut self, text: &str, q: &mut Quote, a: &Attribution) {
        if let Some(s) = a.speaker {
            q.speaker = Some(speaker_ref(text, s));
        }
        if let Some((span, lemma)) = a.cue {
            self.used.push(span);
            q.cue = Some(Cue { text: span.of(text).to_string(), lemma, span });
        }
        if let Some(s) = a.addressee {
            q.addressee = Some(TextSpan { text: s.of(text).to_string(), span: s });
        }
    }

    /// The speaker of partial quote `out[i]`: the indirect quote holding it,
    /// else the nearest reporting verb before it in its sentence, else the
    /// sentence's subject.
    fn partial_speaker(&mut self, text: &str, out: &mut [Quote], i: usize, indirect_from: usize) {
        let pos = out[i].span.start;
        // The indirect quotes are sorted by start: look at the few that
        // start before the partial one.
        let upto = indirect_from + out[indirect_from..].partition_point(|q| q.span.start <= pos);
        let holder = (indirect_from.max(upto.saturating_sub(8))..upto)
            .filter(|&k| out[k].kind == QuoteKind::Indirect && pos < out[k].span.end)
            .min_by_key(|&k| out[k].span.len());
        if let Some(k) = holder {
            let (speaker, cue, addressee) =
                (out[k].speaker.clone(), out[k].cue.clone(), out[k].addressee.clone());
            if speaker.is_some() {
                let q = &mut out[i];
                q.speaker = speaker;
                q.cue = cue;
                q.addressee = addressee;
                return;
            }
        }
        let Some(sent) = self.sentence_of(pos) else { return };
        self.toks.clear();
        let lo = lex::back(text, pos as usize, lex::MAX_SENTENCE_BYTES, sent.start as usize);
        lex::scan(text, lo, pos as usize, &mut self.toks);
        let toks = &self.toks;
        // Skip the opening mark itself.
        let n = toks.len();
        for k in (0..n).rev() {
            if let Some(hit) = cue_at(text, toks, k) {
                if let Some(a) = cue_attribution(text, toks, 0, k, hit, n, false) {
                    if a.speaker.is_some() {
                        let mut q = out[i].clone();
                        self.apply(text, &mut q, &a);
                        out[i] = q;
                        return;
                    }
                }
            }
        }
        if let Some((a, b)) = clause_subject(text, toks, 0, n) {
            let q = &mut out[i];
            q.speaker = Some(speaker_ref(text, tok_span(toks, a, b)));
            q.flags.set(QuoteFlags::SUBJECT_GUESS);
        }
    }

    // -- Indirect speech ---------------------------------------------------

    fn indirect(&mut self, text: &str, out: &mut Vec<Quote>) {
        // The cues direct quotes used, for binary search.
        self.used.sort_by_key(|u| u.start);
        let mut toks = std::mem::take(&mut self.toks);
        let mut pieces = Vec::new();
        for si in 0..self.sents.len() {
            pieces.clear();
            let s = self.sents[si];
            lex::windows(text, s.start as usize, s.end as usize, |a, b| pieces.push(Span::new(a, b)));
            for &sent in &pieces {
                if !cues::may_hold_cue(text, sent.start as usize, sent.end as usize) {
                    continue;
                }
                toks.clear();
                lex::scan(text, sent.start as usize, sent.end as usize, &mut toks);
                let n = toks.len();
                let mut k = 0;
                while k < n {
                    let Some(hit) = cue_at(text, &toks, k) else {
                        k += 1;
                        continue;
                    };
                    let cue_span = tok_span(&toks, k, k + hit.len);
                    let used = self.used.binary_search_by_key(&cue_span.start, |u| u.start).is_ok();
                    if used || self.is_quoted(toks[k].start) {
                        k += hit.len;
                        continue;
                    }
                    if let Some(q) = indirect_at(text, &toks, k, hit) {
                        out.push(q);
                    }
                    k += hit.len;
                }
            }
        }
        self.toks = toks;
    }

    /// The antecedent of a pronoun speaker at `pos`: the latest of the last
    /// named speaker and the subjects of the three sentences before (outside
    /// quotes). For "he"/"she", a candidate without a determiner ("Ursula
    /// von der Leyen" rather than "the European Commission") is preferred.
    fn antecedent(
        &mut self,
        text: &str,
        pos: u32,
        last_named: Option<&SpeakerRef>,
        person: bool,
    ) -> Option<SpeakerRef> {
        let mut cands: Vec<SpeakerRef> = last_named.into_iter().cloned().collect();
        if let Some(i) = self.sents.partition_point(|s| s.start <= pos).checked_sub(1) {
            for j in i.saturating_sub(3)..i {
                let sent = self.sents[j];
                self.toks.clear();
                // The subject is at the start.
                let end = (sent.end as usize).min(sent.start as usize + 600);
                lex::scan(text, sent.start as usize, end, &mut self.toks);
                if let Some((a, b)) = clause_subject(text, &self.toks, 0, self.toks.len()) {
                    let s = speaker_ref(text, tok_span(&self.toks, a, b));
                    if !s.pronoun && !self.is_quoted(s.span.start) && s.span.end <= pos {
                        cands.push(s);
                    }
                }
            }
        }
        let has_det = |s: &SpeakerRef| {
            let mut buf = [0u8; 24];
            s.text.split_whitespace().next().and_then(|w| lower(w, &mut buf)).is_some_and(np::is_determiner)
        };
        let latest = |pool: &mut dyn Iterator<Item = &SpeakerRef>| pool.max_by_key(|s| s.span.start).cloned();
        if person {
            if let Some(s) = latest(&mut cands.iter().filter(|s| !has_det(s))) {
                return Some(s);
            }
        }
        latest(&mut cands.iter())
    }

    fn is_quoted(&self, pos: u32) -> bool {
        let i = self.raws.partition_point(|r| r.open.start <= pos);
        self.raws[..i].iter().rev().take(4).any(|r| r.parts.iter().any(|p| p.start <= pos && pos < p.end))
    }

    // -- Speakers across quotes ---------------------------------------------

    /// Direct quotes without an attribution take the speaker of the quote
    /// before them in the same or the previous paragraph; pronoun speakers
    /// get an antecedent (see [`QuoteFinder::antecedent`]).
    fn inherit(&mut self, text: &str, out: &mut [Quote], first: usize) {
        let mut last_speaker: Option<(SpeakerRef, Option<SpeakerRef>, usize)> = None;
        let mut last_named: Option<SpeakerRef> = None;
        for q in out[first..].iter_mut() {
            let para = self.para_of(q.span.start);
            if q.speaker.is_none() && q.kind == QuoteKind::Direct {
                if let Some((s, ante, p)) = &last_speaker {
                    if para <= p + 1 {
                        q.speaker = Some(s.clone());
                        q.antecedent = ante.clone();
                        q.flags.set(QuoteFlags::INHERITED);
                    }
                }
            }
            if let Some(s) = &q.speaker {
                if s.pronoun {
                    let mut buf = [0u8; 24];
                    let pron = lower(&s.text, &mut buf);
                    let person = matches!(pron, Some("he" | "she"));
                    if q.antecedent.is_none() && (person || matches!(pron, Some("it" | "they"))) {
                        q.antecedent = self.antecedent(text, s.span.start, last_named.as_ref(), person);
                    }
                } else if !q.flags.contains(QuoteFlags::SUBJECT_GUESS) {
                    last_named = Some(s.clone());
                }
                last_speaker = Some((s.clone(), q.antecedent.clone(), para));
            }
        }
    }
}

fn push_trimmed(text: &str, s: Span, out: &mut Vec<Span>) {
    let seg = s.of(text);
    let lead = seg.len() - seg.trim_start().len();
    let trail = seg.len() - seg.trim_end().len();
    let start = s.start as usize + lead;
    let end = (s.end as usize).saturating_sub(trail);
    if end > start {
        out.push(Span::new(start, end));
    }
}

/// If a sentence ends at byte `i` (a `.`, `!`, `?` or `;` followed by space,
/// possibly after a closing quote mark), the byte after the end.
fn sentence_stop(text: &str, i: usize, end: usize) -> Option<usize> {
    let b = *text.as_bytes().get(i)?;
    if !matches!(b, b'.' | b'!' | b'?' | b';') {
        return None;
    }
    // "U.S.", "J. Smith": a single capital before the dot.
    if b == b'.' && i > 0 {
        let before = text[..i].chars().next_back();
        let before2 = text[..i].chars().rev().nth(1);
        if before.is_some_and(char::is_uppercase) && before2.is_none_or(|c| !c.is_alphanumeric()) {
            return None;
        }
    }
    let mut j = i + 1;
    // Closing marks stay with the sentence.
    while let Some(c) = text.get(j..end).and_then(|s| s.chars().next()) {
        if matches!(c, '”' | '"' | '’' | '»' | ')') {
            j += c.len_utf8();
        } else {
            break;
        }
    }
    match text.get(j..end).and_then(|s| s.chars().next()) {
        None => Some(j.min(end)),
        Some(c) if c.is_whitespace() => Some(j),
        _ => None,
    }
}

/// Whether `ch` at byte `pos` of paragraph `p` is a quotation mark, and how
/// it may act.
fn mark_kind(text: &str, p: Span, pos: usize, ch: char) -> Option<(Family, Role)> {
    if !matches!(ch, '“' | '”' | '«' | '»' | '‘' | '’' | '"') {
        return None;
    }
    let prev = if pos > p.start as usize { text[..pos].chars().next_back() } else { None };
    let next = text.get(pos + ch.len_utf8()..p.end as usize).and_then(|s| s.chars().next());
    let opener_ctx = prev.is_none_or(|c| c.is_whitespace() || "([{—–-/“‘«".contains(c));
    let closer_ctx = next.is_none_or(|c| c.is_whitespace() || ".,;:!?)]}—–-”’»".contains(c));
    match ch {
        '“' => Some((Family::Double, Role::Open)),
        '”' => Some((Family::Double, Role::Close)),
        '«' => Some((Family::Guillemet, Role::Open)),
        '»' => Some((Family::Guillemet, Role::Close)),
        '‘' if opener_ctx => Some((Family::Single, Role::Open)),
        '’' if closer_ctx && !next.is_some_and(char::is_alphanumeric) => {
            Some((Family::Single, Role::Close))
        }
        '"' => Some((
            Family::Straight,
            match (opener_ctx, closer_ctx) {
                (true, false) => Role::Open,
                (false, true) => Role::Close,
                _ => Role::Either,
            },
        )),
        _ => None,
    }
}

/// If paragraph `p` opens with an opening mark of `family`, the byte after it.
fn opening_mark(text: &str, p: Span, family: Family) -> Option<usize> {
    let c = p.of(text).chars().next()?;
    let ok = match family {
        Family::Double => c == '“' || c == '"',
        Family::Straight => c == '"' || c == '“',
        Family::Guillemet => c == '«',
        Family::Single => c == '‘',
    };
    ok.then_some(p.start as usize + c.len_utf8())
}

fn tok_span(toks: &[Tok], a: usize, b: usize) -> Span {
    match (toks.get(a), b.checked_sub(1).and_then(|e| toks.get(e))) {
        (Some(x), Some(y)) if b > a => Span { start: x.start, end: y.end },
        _ => Span::default(),
    }
}

fn speaker_ref(text: &str, s: Span) -> SpeakerRef {
    let t = s.of(text);
    let mut buf = [0u8; 24];
    let pronoun = lower(t, &mut buf).is_some_and(np::is_pronoun);
    SpeakerRef { text: t.to_string(), span: s, pronoun }
}

/// Builds a quote from its parts: trims spaces and a final comma; `None`
/// when nothing is left.
fn make_quote(text: &str, parts: &[Span], kind: QuoteKind, flags: QuoteFlags) -> Option<Quote> {
    let mut trimmed: Vec<Span> = Vec::with_capacity(parts.len());
    for p in parts {
        push_trimmed(text, *p, &mut trimmed);
    }
    if let Some(last) = trimmed.last_mut() {
        let s = last.of(text);
        if let Some(stripped) = s.strip_suffix(',') {
            last.end = last.start + stripped.trim_end().len() as u32;
        }
    }
    trimmed.retain(|p| !p.is_empty());
    let (first, last) = (trimmed.first()?, trimmed.last()?);
    let span = Span { start: first.start, end: last.end };
    let mut s = String::with_capacity(span.len());
    for (i, p) in trimmed.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(p.of(text));
    }
    if !s.chars().any(char::is_alphanumeric) {
        return None;
    }
    Some(Quote {
        text: s,
        span,
        parts: trimmed,
        kind,
        cue: None,
        speaker: None,
        antecedent: None,
        addressee: None,
        flags,
    })
}

/// Whether the words before a quote make it a name or title rather than a
/// quotation: "so-called", "dubbed", "known as", "titled".
fn is_naming(text: &str, head: &[Tok]) -> bool {
    let n = head.len();
    let mut buf = [0u8; 24];
    match head.last().and_then(|t| lw(text, t, &mut buf)) {
        Some("called") => {
            n >= 2 && is_word(text, head, n - 2, "so") || n >= 3 && is_word(text, head, n - 3, "so")
        }
        Some(
            "dubbed" | "titled" | "entitled" | "nicknamed" | "named" | "codenamed" | "branded" | "labelled"
            | "labeled",
        ) => true,
        Some("as") => n >= 2 && is_word(text, head, n - 2, "known"),
        Some("operation") => true,
        _ => false,
    }
}

/// Whether a short quote between a determiner and a noun names something:
/// "the “foreign agents” bill".
fn is_label(text: &str, head: &[Tok], tail: &[Tok], raw: &Raw) -> bool {
    let mut buf = [0u8; 24];
    let after_det =
        head.last().and_then(|t| lw(text, t, &mut buf)).is_some_and(|w| matches!(w, "the" | "a" | "an"));
    let words = raw.parts.iter().map(|p| p.of(text).split_whitespace().count()).sum::<usize>();
    if !after_det || words > 3 || raw.parts.len() != 1 {
        return false;
    }
    let Some(next) = tail.first().filter(|t| t.kind == Kind::Word && t.space_before) else { return false };
    let s = next.text(text);
    let Some(w) = lower(s, &mut buf) else { return false };
    !is_capitalized(s)
        && !np::is_aux_or_adverb(w)
        && !w.ends_with("ed")
        && !matches!(
            w,
            "and" | "or" | "but" | "that" | "which" | "who" | "as" | "to" | "in" | "on" | "of" | "for"
        )
        && cue_at(text, tail, 0).is_none()
}

/// The attribution before a quote's opening mark.
fn head_attribution(text: &str, toks: &[Tok]) -> (Head, Option<Attribution>) {
    let n = toks.len();
    let Some(last) = toks.last() else { return (Head::Start, None) };
    let lastc = last.punct(text);
    if matches!(lastc, ':' | ',') {
        let lo = n.saturating_sub(14);
        for k in (lo..n - 1).rev() {
            if let Some(hit) = cue_at(text, toks, k) {
                if let Some(a) = cue_attribution(text, toks, 0, k, hit, n - 1, true) {
                    return (Head::Cue, Some(a));
                }
            }
        }
        return (if lastc == ':' { Head::Colon } else { Head::Inline }, None);
    }
    if is_word(text, toks, n - 1, "that") {
        let lo = n.saturating_sub(8);
        for k in (lo..n - 1).rev() {
            if let Some(hit) = cue_at(text, toks, k) {
                let a = cue_attribution(text, toks, 0, k, hit, n - 1, false);
                return (Head::CueThat, a);
            }
        }
    }
    if toks.iter().all(|t| t.kind == Kind::Punct) {
        return (Head::Start, None);
    }
    (Head::Inline, None)
}

/// The attribution right after a quote's closing mark: `, he said`,
/// `, said Rutte`, `Rutte stated`, `, according to X`.
fn tail_attribution(text: &str, toks: &[Tok]) -> Option<Attribution> {
    let n = toks.len();
    let mut i = 0;
    while i < n && matches!(toks[i].punct(text), ',' | '—' | '–' | '-' | ')') {
        i += 1;
    }
    if i >= n {
        return None;
    }
    let mut buf = [0u8; 24];
    for k in i..n.min(i + 12) {
        if let Some(hit) = cue_at(text, toks, k) {
            if hit.flags & ACCORDING != 0 {
                if k != i {
                    return None;
                }
                let (a, b) = np_after(text, toks, k + hit.len, n)?;
                return Some(Attribution {
                    speaker: Some(tok_span(toks, a, b)),
                    cue: Some((tok_span(toks, k, k + hit.len), hit.lemma)),
                    addressee: None,
                });
            }
            let cue = Some((tok_span(toks, k, k + hit.len), hit.lemma));
            let speaker = if k == i {
                // "said Rutte"
                np_after(text, toks, k + hit.len, n)
            } else {
                appositive_subject(text, toks, i, k)
            };
            let (a, b) = speaker?;
            let addressee = if hit.flags & ADDRESSEE != 0 && k > i {
                np_after(text, toks, k + hit.len, n).map(|(x, y)| tok_span(toks, x, y))
            } else {
                None
            };
            return Some(Attribution { speaker: Some(tok_span(toks, a, b)), cue, addressee });
        }
        let t = &toks[k];
        match t.kind {
            Kind::Punct if !matches!(t.punct(text), ',' | '’' | '\'' | '-' | '.') => return None,
            Kind::Word => {
                if let Some(w) = lw(text, t, &mut buf) {
                    if matches!(
                        w,
                        "that" | "which" | "because" | "but" | "and" | "if" | "when" | "while" | "as"
                    ) {
                        return None;
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// The subject in `toks[i..k]` before a cue at `k`, where all of it must be
/// the subject: a noun phrase, possibly with an appositive ("Dmitry Peskov,
/// the Kremlin spokesman,"), of which the name is taken.
fn appositive_subject(text: &str, toks: &[Tok], i: usize, k: usize) -> Option<Range> {
    // "…,” citing UN reports": a participle is no subject.
    if starts_with_participle(text, toks, i) {
        return None;
    }
    if let Some((a, b)) = np_before(text, toks, i, k) {
        if a == i {
            return Some((a, b));
        }
    }
    // Segments between commas, each a whole noun phrase.
    let mut segs: Vec<Range> = Vec::new();
    let mut s = i;
    for j in i..=k {
        if j == k || is_punct(text, toks, j, ',') {
            if j > s {
                let (a, b) = np_before(text, toks, s, j)?;
                if a != s {
                    return None;
                }
                segs.push((a, b));
            }
            s = j + 1;
        }
    }
    let mut buf = [0u8; 24];
    let named = segs.iter().copied().find(|&(a, _)| {
        let t = &toks[a];
        is_capitalized(t.text(text)) && !lw(text, t, &mut buf).is_some_and(np::is_determiner)
    });
    named.or_else(|| segs.first().copied())
}

/// Whether token `i` is a lowercase -ing word: "citing UN reports" opens a
/// participle clause, not a noun phrase.
fn starts_with_participle(text: &str, toks: &[Tok], i: usize) -> bool {
    let mut buf = [0u8; 24];
    toks.get(i).is_some_and(|t| {
        !is_capitalized(t.text(text))
            && lw(text, t, &mut buf).is_some_and(|w| w.len() > 4 && w.ends_with("ing"))
    })
}

/// The attribution of the cue at `k` in `toks[lo..hi]`: its speaker (the
/// subject; for a participle "stating", the clause's subject; with
/// `inverted`, also a speaker after the verb: "said Rutte"), and the hearer.
fn cue_attribution(
    text: &str,
    toks: &[Tok],
    lo: usize,
    k: usize,
    hit: CueHit,
    hi: usize,
    inverted: bool,
) -> Option<Attribution> {
    let cue = Some((tok_span(toks, k, k + hit.len), hit.lemma));
    let after = k + hit.len;
    if hit.flags & ACCORDING != 0 {
        let (a, b) = np_after(text, toks, after, hi)?;
        return Some(Attribution { speaker: Some(tok_span(toks, a, b)), cue, addressee: None });
    }
    let speaker = speaker_of_cue(text, toks, lo, k, hit, hi, inverted)?;
    let addressee = if hit.flags & ADDRESSEE != 0 {
        np_after(text, toks, after, hi)
            .filter(|&(a, _)| !toks[a].text(text).eq_ignore_ascii_case("that"))
            .map(|(a, b)| tok_span(toks, a, b))
    } else {
        None
    };
    Some(Attribution { speaker: Some(tok_span(toks, speaker.0, speaker.1)), cue, addressee })
}

fn speaker_of_cue(
    text: &str,
    toks: &[Tok],
    lo: usize,
    k: usize,
    hit: CueHit,
    hi: usize,
    inverted: bool,
) -> Option<Range> {
    if hit.ing {
        // "Rutte avoided a direct answer, stating that ...": the subject of
        // the clause before the comma; "X said, adding that ...": the
        // speaker of the verb before.
        if k > lo && is_punct(text, toks, k - 1, ',') {
            let end = k - 1;
            let start = (lo..end)
                .rev()
                .find(|&j| matches!(toks[j].punct(text), ',' | '”' | '“' | '"' | '»' | '«'))
                .map_or(lo, |j| j + 1);
            for c in (start..end).rev() {
                if let Some(h) = cue_at(text, toks, c) {
                    if !h.ing && h.flags & ACCORDING == 0 {
                        if let Some(np) = speaker_of_cue(text, toks, start, c, h, end, true) {
                            return Some(np);
                        }
                    }
                }
            }
            return clause_subject(text, toks, start, end).or_else(|| clause_subject(text, toks, lo, end));
        }
        return np_before(text, toks, lo, k).or_else(|| clause_subject(text, toks, lo, k));
    }
    if let Some(np) = np_before(text, toks, lo, k) {
        return Some(np);
    }
    // "Keir Starmer, who will become prime minister, told ...", "Dmitry
    // Peskov, the Kremlin spokesman, said": the subject before the comma pair.
    if k > lo + 1 && is_punct(text, toks, k - 1, ',') {
        if let Some(c0) = (lo..k - 1).rev().find(|&j| is_punct(text, toks, j, ',')) {
            let mut buf = [0u8; 24];
            let relative = toks
                .get(c0 + 1)
                .and_then(|t| lw(text, t, &mut buf))
                .is_some_and(|w| matches!(w, "who" | "which" | "whose" | "where"));
            let appositive = np_before(text, toks, c0 + 1, k - 1).is_some_and(|(a, _)| a == c0 + 1);
            if relative || appositive {
                if let Some((a, b)) = np_before(text, toks, lo, c0) {
                    if b == c0 {
                        return Some((a, b));
                    }
                }
            }
        }
    }
    if inverted && (k == lo || is_punct(text, toks, k - 1, ',')) {
        if let Some(np) = np_after(text, toks, k + hit.len, hi) {
            return Some(np);
        }
    }
    clause_subject(text, toks, lo, k)
}

/// Words that may open a reported clause with no "that".
fn opens_clause(text: &str, toks: &[Tok], i: usize) -> bool {
    let Some(t) = toks.get(i) else { return false };
    let mut buf = [0u8; 24];
    match t.kind {
        Kind::Word => {
            let s = t.text(text);
            let Some(w) = lower(s, &mut buf) else { return is_capitalized(s) };
            if np::is_pronoun(w) || w == "there" || np::is_determiner(w) {
                return true;
            }
            // "said turnout in the vote had reached ...": a bare noun opens
            // the clause when a finite verb follows before any punctuation.
            if !is_capitalized(s) {
                return !np::is_aux_or_adverb(w) && finite_verb_follows(text, toks, i + 1);
            }
            is_capitalized(s)
                && !matches!(
                    w,
                    "monday"
                        | "tuesday"
                        | "wednesday"
                        | "thursday"
                        | "friday"
                        | "saturday"
                        | "sunday"
                        | "on"
                        | "in"
                        | "at"
                )
        }
        Kind::Num => true,
        Kind::Punct => false,
    }
}

/// Whether a finite verb (an auxiliary, a modal or an -ed form) comes within
/// eight words after `i`, before any punctuation.
fn finite_verb_follows(text: &str, toks: &[Tok], i: usize) -> bool {
    let mut buf = [0u8; 24];
    for t in toks.iter().skip(i).take(8) {
        let Some(w) = lw(text, t, &mut buf) else { return false };
        if matches!(
            w,
            "is" | "are"
                | "was"
                | "were"
                | "has"
                | "have"
                | "had"
                | "will"
                | "would"
                | "could"
                | "can"
                | "may"
                | "might"
                | "should"
                | "must"
                | "did"
                | "does"
        ) || (w.len() > 4 && w.ends_with("ed"))
        {
            return true;
        }
    }
    false
}

/// Words that open an adverbial between a reporting verb and "that": "said
/// on Tuesday that", "said in a statement that".
fn opens_adverbial(text: &str, toks: &[Tok], i: usize) -> bool {
    let Some(t) = toks.get(i) else { return false };
    if t.punct(text) == ',' {
        return true;
    }
    let mut buf = [0u8; 24];
    lw(text, t, &mut buf).is_some_and(|w| {
        matches!(
            w,
            "on" | "in"
                | "at"
                | "during"
                | "after"
                | "before"
                | "late"
                | "early"
                | "earlier"
                | "later"
                | "this"
                | "last"
                | "via"
                | "while"
                | "also"
                | "again"
                | "today"
                | "yesterday"
                | "recently"
                | "through"
                | "over"
                | "monday"
                | "tuesday"
                | "wednesday"
                | "thursday"
                | "friday"
                | "saturday"
                | "sunday"
                | "repeatedly"
                | "publicly"
                | "previously"
                | "separately"
                | "once"
                | "further"
                | "then"
                | "for"
                | "since"
                | "however"
                | "instead"
                | "too"
        ) || (w.len() > 4 && w.ends_with("ly"))
    })
}

/// Indirect speech reported by the cue at token `k` of sentence `sent`.
fn indirect_at(text: &str, toks: &[Tok], k: usize, hit: CueHit) -> Option<Quote> {
    let n = toks.len();
    let mut buf = [0u8; 24];
    // "the said agreement", "Russia’s claims": a noun.
    if k > 0 {
        if let Some(p) = lw(text, &toks[k - 1], &mut buf) {
            if np::is_determiner(p) && p != "all" && p != "both" || p == "s" {
                return None;
            }
        }
    }
    let after = k + hit.len;
    if hit.flags & ACCORDING != 0 {
        return according(text, toks, k, hit);
    }
    // Passives ("was told", "is said to", "asked by the journalist").
    if is_word(text, toks, after, "by") {
        return None;
    }
    if !hit.ing {
        let mut j = k;
        while j > 0 {
            match lw(text, &toks[j - 1], &mut buf) {
                Some("is" | "are" | "was" | "were" | "be" | "been" | "being") => return None,
                Some(w) if np::is_aux_or_adverb(w) && !matches!(w, "has" | "have" | "had") => j -= 1,
                _ => break,
            }
        }
    }
    let mut j = after;
    let mut addressee = None;
    if hit.flags & ADDRESSEE != 0 && !is_word(text, toks, j, "that") {
        if let Some((a, b)) = np_after(text, toks, j, n) {
            let w = toks[a].text(text);
            if !w.eq_ignore_ascii_case("if") && !w.eq_ignore_ascii_case("whether") {
                addressee = Some(tok_span(toks, a, b));
                j = b;
            }
        }
    }
    let is_that = |j: usize| {
        is_word(text, toks, j, "that")
            || (hit.flags & QUESTION != 0
                && (is_word(text, toks, j, "if") || is_word(text, toks, j, "whether")))
    };
    let start = if is_that(j) {
        Some(j + 1)
    } else if opens_adverbial(text, toks, j) {
        let mut found = None;
        let mut buf = [0u8; 24];
        for m in j..n.min(j + 14) {
            if is_that(m) {
                found = Some(m + 1);
                break;
            }
            // "said on Thursday it was ...": a pronoun after the adverbial
            // opens the reported clause.
            if hit.flags & BARE != 0
                && m >= j + 2
                && lw(text, &toks[m], &mut buf).is_some_and(|w| np::is_pronoun(w) || w == "there")
            {
                found = Some(m);
                break;
            }
            let t = &toks[m];
            if (t.kind == Kind::Punct && !matches!(t.punct(text), ',' | '’' | '\'' | '-' | '.'))
                || (m > j && cue_at(text, toks, m).is_some())
            {
                break;
            }
        }
        found
    } else if hit.flags & BARE != 0
        && (hit.flags & ADDRESSEE == 0 || addressee.is_some())
        && opens_clause(text, toks, j)
        && !ends_sentence_after_np(text, toks, j)
    {
        Some(j)
    } else {
        None
    };
    let speaker;
    let (start, end) = match start {
        Some(s) => {
            speaker = speaker_of_cue(text, toks, 0, k, hit, n, false);
            (s, complement_end(text, toks, s, k))
        }
        None => {
            // "The talks failed, Peskov said." / "..., said a senior official."
            let (np, text_end) = postposed(text, toks, k, hit)?;
            speaker = Some(np);
            (0, text_end)
        }
    };
    let words = toks[start..end.max(start)].iter().filter(|t| t.kind == Kind::Word).count();
    // Reported speech with no one reporting ("Asked whether ...") is not a quote.
    if words < 2 || speaker.is_none() {
        return None;
    }
    let mut q = make_quote(text, &[tok_span(toks, start, end)], QuoteKind::Indirect, QuoteFlags::default())?;
    let cue_span = tok_span(toks, k, after);
    q.cue = Some(Cue { text: cue_span.of(text).to_string(), lemma: hit.lemma, span: cue_span });
    q.speaker = speaker.map(|(a, b)| speaker_ref(text, tok_span(toks, a, b)));
    q.addressee = addressee.map(|s| TextSpan { text: s.of(text).to_string(), span: s });
    Some(q)
}

/// Whether the words from `j` are a noun phrase that ends the sentence ("…,
/// said the minister."): an inverted speaker, not a reported clause.
fn ends_sentence_after_np(text: &str, toks: &[Tok], j: usize) -> bool {
    match np_after(text, toks, j, toks.len()) {
        Some((_, b)) => toks[b..].iter().all(|t| t.kind == Kind::Punct) || is_punct(text, toks, b, ','),
        None => false,
    }
}

/// Where a reported clause starting at token `s` ends: the sentence's end,
/// `;`, a dash, or a comma before a participle (", implying") or
/// "according to"; for a cue inside an opening subordinate clause ("When
/// X asked if ..., Rutte ..."), the clause's comma.
fn complement_end(text: &str, toks: &[Tok], s: usize, cue: usize) -> usize {
    let n = toks.len();
    let mut buf = [0u8; 24];
    let subordinate = toks.first().and_then(|t| lw(text, t, &mut buf)).is_some_and(|w| {
        matches!(
            w,
            "when"
                | "as"
                | "after"
                | "while"
                | "although"
                | "if"
                | "because"
                | "before"
                | "though"
                | "once"
                | "whereas"
                | "until"
        )
    });
    let first_comma = (0..n).find(|&j| is_punct(text, toks, j, ','));
    let mut end = n;
    for m in s..n {
        let t = &toks[m];
        match t.punct(text) {
            ';' | '—' | '–' | '(' => {
                end = m;
                break;
            }
            ',' => {
                if subordinate && first_comma.is_some_and(|c| c > cue && c == m) {
                    end = m;
                    break;
                }
                // A closing mark after the comma stays in the text: ‘“keep a deal,” suggesting’.
                let mut after = m + 1;
                while toks.get(after).is_some_and(|x| matches!(x.punct(text), '”' | '"' | '’' | '»')) {
                    after += 1;
                }
                let mut nb = [0u8; 24];
                let next = toks.get(after).and_then(|x| lw(text, x, &mut nb));
                if let Some(w) = next {
                    let participle = w.len() > 4
                        && w.ends_with("ing")
                        && !matches!(
                            w,
                            "including"
                                | "excluding"
                                | "regarding"
                                | "concerning"
                                | "during"
                                | "morning"
                                | "evening"
                        );
                    if participle || w == "according" {
                        end = if after > m + 1 { after } else { m };
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    // Drop the final punctuation.
    while end > s && matches!(toks[end - 1].punct(text), '.' | '!' | '?' | ',' | ':') {
        end -= 1;
    }
    end
}

/// "CLAUSE, NP CUE." and "CLAUSE, CUE NP.": the speaker and where the
/// reported clause ends.
fn postposed(text: &str, toks: &[Tok], k: usize, hit: CueHit) -> Option<(Range, usize)> {
    let n = toks.len();
    let after = k + hit.len;
    // Only adverbials and the final punctuation may follow.
    let rest_ok = |from: usize| -> bool {
        let mut m = from;
        while m < n && toks[m].kind == Kind::Punct {
            if !matches!(toks[m].punct(text), '.' | '!' | '?') {
                break;
            }
            m += 1;
        }
        m >= n || opens_adverbial(text, toks, from) && !toks[from..].iter().any(|t| t.punct(text) == ',')
    };
    // CLAUSE, NP CUE; the noun phrase may hold a prepositional phrase
    // ("officials in London said").
    if let Some((a, b)) = np_before(text, toks, 0, k).filter(|&(a, _)| !starts_with_participle(text, toks, a))
    {
        if a >= 2 && is_punct(text, toks, a - 1, ',') && rest_ok(after) {
            return Some(((a, b), a - 1));
        }
        let mut buf = [0u8; 24];
        let prep =
            a >= 1 && lw(text, &toks[a - 1], &mut buf).is_some_and(|w| matches!(w, "in" | "at" | "with"));
        if prep {
            if let Some((a2, _)) = np_before(text, toks, 0, a - 1) {
                if a2 >= 2 && is_punct(text, toks, a2 - 1, ',') && rest_ok(after) {
                    return Some(((a2, b), a2 - 1));
                }
            }
        }
    }
    // CLAUSE, CUE NP
    if k >= 2 && is_punct(text, toks, k - 1, ',') {
        if let Some((a, b)) = np_after(text, toks, after, n) {
            if rest_ok(b) {
                return Some(((a, b), k - 1));
            }
        }
    }
    None
}

/// "According to X, CLAUSE." / "CLAUSE, according to X."
fn according(text: &str, toks: &[Tok], k: usize, hit: CueHit) -> Option<Quote> {
    let n = toks.len();
    let (a, b) = np_after(text, toks, k + hit.len, n)?;
    let (start, end) = if k == 0 || (k == 1 && toks[0].kind == Kind::Punct) {
        if !is_punct(text, toks, b, ',') {
            return None;
        }
        (b + 1, complement_end(text, toks, b + 1, k))
    } else {
        let mut end = k;
        if is_punct(text, toks, k - 1, ',') {
            end = k - 1;
        }
        (0, end)
    };
    let words = toks[start..end.max(start)].iter().filter(|t| t.kind == Kind::Word).count();
    if words < 2 {
        return None;
    }
    let mut q = make_quote(text, &[tok_span(toks, start, end)], QuoteKind::Indirect, QuoteFlags::default())?;
    let cue_span = tok_span(toks, k, k + hit.len);
    q.cue = Some(Cue { text: cue_span.of(text).to_string(), lemma: hit.lemma, span: cue_span });
    q.speaker = Some(speaker_ref(text, tok_span(toks, a, b)));
    Some(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(text: &str) -> Vec<Quote> {
        let mut out = Vec::new();
        find_quotes(text, &[], &mut out);
        out
    }

    fn speaker(q: &Quote) -> &str {
        q.resolved_speaker().map_or("", |s| s.text.as_str())
    }

    #[test]
    fn cue_list_parses() {
        assert!(cues::bad_lines().is_empty(), "{:?}", cues::bad_lines());
        let lemmas = cue_lemmas();
        for l in ["say", "tell", "state", "according to", "point_out", "deny"] {
            assert!(lemmas.contains(&l), "{l}");
        }
    }

    #[test]
    fn direct_quotes_and_attributions() {
        let q = quotes("“We will not give up,” she said.");
        assert_eq!(
            (q[0].text.as_str(), speaker(&q[0]), q[0].kind),
            ("We will not give up", "she", QuoteKind::Direct)
        );
        let q = quotes("“We will not give up,” said Foreign Minister Anna Berg.");
        assert_eq!(speaker(&q[0]), "Foreign Minister Anna Berg");
        let q = quotes("Berg said: “We will not give up.”");
        assert_eq!((q[0].text.as_str(), speaker(&q[0])), ("We will not give up.", "Berg"));
        let q = quotes("Berg stated, “We will not give up.”");
        assert_eq!(speaker(&q[0]), "Berg");
        let q = quotes("“We will not give up,” Dmitry Peskov, the Kremlin spokesman, told reporters.");
        assert_eq!(speaker(&q[0]), "Dmitry Peskov");
        assert_eq!(q[0].addressee.as_ref().unwrap().text, "reporters");
        assert_eq!(q[0].cue.as_ref().unwrap().lemma, "tell");
    }

    #[test]
    fn split_and_inherited() {
        let q = quotes("“We will not give up,” she said, “and we will rebuild.”");
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].text, "We will not give up, and we will rebuild.");
        assert!(q[0].flags.contains(QuoteFlags::SPLIT));
        assert_eq!(q[0].parts.len(), 2);
        let q = quotes("“We will not give up,” Berg said. “We will rebuild.”");
        assert_eq!(q.len(), 2);
        assert_eq!(speaker(&q[1]), "Berg");
        assert!(q[1].flags.contains(QuoteFlags::INHERITED));
    }

    #[test]
    fn paragraphs_and_unbalanced() {
        let text = "“The first part goes on.\n“And it ends here,” Berg said.\nNext paragraph.";
        let q = quotes(text);
        assert_eq!(q.len(), 1);
        assert!(q[0].flags.contains(QuoteFlags::CROSS_PARAGRAPH));
        assert_eq!(q[0].text, "The first part goes on. And it ends here");
        assert_eq!(speaker(&q[0]), "Berg");

        let text =
            "Berg said: “It never closes.\nThe next paragraph is the writer’s. It says “nothing” more.";
        let q = quotes(text);
        assert_eq!(q[0].text, "It never closes.");
        assert!(q[0].flags.contains(QuoteFlags::UNCLOSED));
        assert!(q.iter().all(|x| !x.text.contains("writer")));

        // A stray closing mark.
        let q = quotes("We will fight on,” Berg said.");
        assert_eq!((q[0].text.as_str(), speaker(&q[0])), ("We will fight on", "Berg"));
        assert!(q[0].flags.contains(QuoteFlags::UNOPENED));
    }

    #[test]
    fn nested_straight_and_guillemets() {
        let q = quotes("“They called it ‘a farce’ and left,” Berg said.");
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].text, "They called it ‘a farce’ and left");
        assert!(q[0].flags.contains(QuoteFlags::NESTED));
        let q = quotes("\"We are ready,\" Berg said.");
        assert_eq!((q[0].text.as_str(), speaker(&q[0])), ("We are ready", "Berg"));
        assert!(q[0].flags.contains(QuoteFlags::STRAIGHT));
        let q = quotes("« Nous sommes prêts », said Berg.");
        assert_eq!((q[0].text.as_str(), speaker(&q[0])), ("Nous sommes prêts", "Berg"));
        let q = quotes("The Ukrainians’ desire for “lasting peace” is clear, Berg said.");
        assert_eq!(q.iter().filter(|x| x.kind == QuoteKind::Partial).count(), 1);
    }

    #[test]
    fn partial_and_indirect() {
        let q = quotes("Trump desires a “peace to be lasting and durable,” officials said.");
        let p = q.iter().find(|x| x.kind == QuoteKind::Partial).unwrap();
        assert_eq!((p.text.as_str(), speaker(p)), ("peace to be lasting and durable", "officials"));
        let q = quotes("Trump desires a “peace to be lasting and durable”.");
        assert_eq!(speaker(&q[0]), "Trump");
        assert!(q[0].flags.contains(QuoteFlags::SUBJECT_GUESS));

        let q = quotes("Rutte told Bloomberg TV that guarantees should be discussed after a ceasefire.");
        assert_eq!(q[0].kind, QuoteKind::Indirect);
        assert_eq!(q[0].text, "guarantees should be discussed after a ceasefire");
        assert_eq!(speaker(&q[0]), "Rutte");
        assert_eq!(q[0].addressee.as_ref().unwrap().text, "Bloomberg TV");

        let q = quotes("The Russian leader said he was willing to discuss the proposal.");
        assert_eq!(
            (q[0].text.as_str(), speaker(&q[0])),
            ("he was willing to discuss the proposal", "The Russian leader")
        );
        let q = quotes("The talks will resume next week, according to a senior official.");
        assert_eq!(
            (q[0].text.as_str(), speaker(&q[0])),
            ("The talks will resume next week", "a senior official")
        );
        let q = quotes("According to the ministry, 40 people were killed.");
        assert_eq!((q[0].text.as_str(), speaker(&q[0])), ("40 people were killed", "the ministry"));
        let q = quotes("Russia will not accept the deal, Peskov said on Tuesday.");
        assert_eq!((q[0].text.as_str(), speaker(&q[0])), ("Russia will not accept the deal", "Peskov"));
        for no in ["He was asked by the journalist.", "The said agreement holds.", "He was told to leave."] {
            assert!(quotes(no).is_empty(), "{no}: {:?}", quotes(no));
        }
    }

    #[test]
    fn titles_are_not_quotes() {
        assert!(quotes("The so-called “special military operation” went on.").is_empty());
        assert!(quotes("A group dubbed “the Coalition of the Willing” met.").is_empty());
        let q = quotes("Parliament will vote on the “foreign agents” bill, the speaker’s office said.");
        assert!(q.iter().all(|x| x.kind == QuoteKind::Indirect), "{q:?}");
    }

    #[test]
    fn harder_attributions() {
        // A relative clause between subject and verb.
        let q = quotes(
            "Keir Starmer, who will become prime minister today, told supporters: “Change begins now.”",
        );
        assert_eq!(speaker(&q[0]), "Keir Starmer");
        // A participle after a direct quote's attribution.
        let q =
            quotes("“We were on patrol,” spokesman Jay Tarriela said, adding that two crew were injured.");
        let ind = q.iter().find(|x| x.kind == QuoteKind::Indirect).unwrap();
        assert_eq!((ind.text.as_str(), speaker(ind)), ("two crew were injured", "spokesman Jay Tarriela"));
        // A post-posed attribution whose subject holds a prepositional phrase.
        let q = quotes("The deal takes effect next year, officials in London said.");
        assert_eq!(speaker(&q[0]), "officials in London");
        // Nouns that look like cues: "a claim", "Zamfara state", "UN reports".
        let q = quotes("“We will stay,” a 22-year-old engineering student said. He called them “agents,” a claim they reject.");
        assert_eq!(speaker(&q[0]), "a 22-year-old engineering student");
        assert!(q.iter().all(|x| x.speaker.as_ref().is_none_or(|s| s.text != "a")), "{q:?}");
        let q = quotes("“Nobody believes him,” said Aliyu Musa, a community leader in Zamfara state.");
        assert_eq!(q.len(), 1);
        // An adverbial, then a clause with no "that"; an addressee, then one.
        let q = quotes("Chad said on Thursday it was ending the agreement.");
        assert_eq!((q[0].text.as_str(), speaker(&q[0])), ("it was ending the agreement", "Chad"));
        let q = quotes("Rutte told reporters the alliance would not accept free riders.");
        assert_eq!(q[0].text, "the alliance would not accept free riders");
        assert_eq!(q[0].addressee.as_ref().unwrap().text, "reporters");
        // "she" after a named sentence subject rather than an organisation.
        let q = quotes(
            "The ship will sail on Sunday, the Commission said. Ursula von der Leyen visited the port. \
             “We are close,” she told journalists.",
        );
        let d = q.iter().find(|x| x.kind == QuoteKind::Direct).unwrap();
        assert_eq!(d.antecedent.as_ref().unwrap().text, "Ursula von der Leyen");
        let q = quotes("The court said famine was “setting in”, citing UN reports.");
        assert!(q.iter().all(|x| x.speaker.as_ref().is_some_and(|s| s.text == "The court")), "{q:?}");
    }

    #[test]
    fn attach_to_mentions() {
        let text = "Rutte met Trump.\n“It is a process,” Rutte said. “We need a deal,” he added.";
        let q = quotes(text);
        let rutte = Span::new(text.find("Rutte said").unwrap(), text.find("Rutte said").unwrap() + 5);
        let mut links = Vec::new();
        attach_speakers(&q, &[Span::new(0, 5), rutte], &mut links);
        assert_eq!(links, [Some(1), Some(1)]);
        // The coder's own coreference for "he" wins over the antecedent guess.
        let he = Span::new(text.find("he added").unwrap(), text.find("he added").unwrap() + 2);
        attach_speakers(&q, &[rutte, he], &mut links);
        assert_eq!(links, [Some(0), Some(1)]);
    }

    #[test]
    fn serialises() {
        let q = quotes("“We will not give up,” she said.");
        let j = serde_json::to_value(&q).unwrap();
        assert_eq!(j[0]["kind"], "direct");
        assert_eq!(j[0]["speaker"]["text"], "she");
        assert_eq!(j[0]["flags"], serde_json::json!([]));
    }

    #[test]
    fn never_panics_on_odd_marks() {
        for t in ["“", "”", "\"", "“”", "‘’", "« »", "”“”“", "a “b\n\n”c", "\"\"\"", "’’’ ‘ ‘", "“x\n“y\n“z"]
        {
            let _ = quotes(t);
        }
    }
}
