//! The compiled, immutable dictionary and its lookups.

use std::path::Path;

use dyad_text::Date;

use crate::bin::{Reader, NONE, T};
use crate::compile::{
    tokenizer_fingerprint, EDGE_GAP, EDGE_STEM, NODE_GAPS, NODE_STEMS, OPEN_FROM, OPEN_TO, PHRASE_ALIAS,
    PHRASE_LINK,
};
use crate::error::{Error, Result};
use crate::model::{AgentPlace, Dialect, Kind, COMPLEX_CODE, DISCARD_CODE, NULL_CODE};
use crate::phrase::{normalize, MAX_GAP};

/// A compiled dictionary set: actors with dated roles, agents, verbs and patterns,
/// discards, issues. Immutable and `Send + Sync`: load it once and share it (`Arc`).
#[derive(Debug)]
pub struct Dictionary {
    r: Reader,
    name: String,
}

/// Entry counts of a compiled dictionary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub files: u32,
    pub layers: u32,
    pub actors: u32,
    /// Names and aliases of actors.
    pub actor_phrases: u32,
    pub roles: u32,
    pub agents: u32,
    pub agent_phrases: u32,
    pub verb_blocks: u32,
    pub verbs: u32,
    pub verb_forms: u32,
    pub patterns: u32,
    pub synsets: u32,
    pub discards: u32,
    pub issues: u32,
    pub words: u32,
    pub bytes: usize,
}

/// Reusable per-thread buffers for matching (normalised tokens and their word ids).
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    norm: String,
    ends: Vec<u32>,
    ids: Vec<u32>,
    stack: Vec<State>,
    tmp: String,
}

#[derive(Clone, Copy, Debug)]
struct State {
    node: u32,
    pos: u32,
    words: u32,
    skipped: u32,
    stems: u32,
}

/// The three tables of one phrase trie.
#[derive(Clone, Copy)]
struct Trie {
    node: T,
    edge: T,
    hit: T,
}

const ACTORS: Trie = Trie { node: T::ANode, edge: T::AEdge, hit: T::AHit };
const AGENTS: Trie = Trie { node: T::GNode, edge: T::GEdge, hit: T::GHit };
const VERBS: Trie = Trie { node: T::VNode, edge: T::VEdge, hit: T::VHit };
const DISCARDS: Trie = Trie { node: T::DNode, edge: T::DEdge, hit: T::DHit };
const ISSUES: Trie = Trie { node: T::INode, edge: T::IEdge, hit: T::IHit };

/// Where a phrase matched: tokens `start..end` of the sentence, and the trie node whose
/// entries it selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Found {
    start: usize,
    end: usize,
    node: u32,
    words: u32,
}

impl Dictionary {
    /// Loads a compiled dictionary file.
    ///
    /// # Errors
    /// [`Error::Io`], or [`Error::BadMagic`] / [`Error::Version`] / [`Error::Corrupt`] for
    /// a file that is not a valid compiled dictionary (truncated, damaged, older format).
    pub fn open(path: impl AsRef<Path>) -> Result<Dictionary> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| Error::Io { path: name.clone(), source })?;
        Dictionary::from_bytes(bytes, &name)
    }

    /// A dictionary from the bytes of a compiled file; `name` is used in errors.
    pub fn from_bytes(bytes: Vec<u8>, name: &str) -> Result<Dictionary> {
        Ok(Dictionary { r: Reader::new(bytes, name)?, name: name.to_string() })
    }

    /// Compiles a dictionary set in memory (see [`crate::compile()`]).
    pub fn from_set(set: &crate::DictSet) -> Result<Dictionary> {
        Dictionary::from_bytes(crate::compile(set)?, "<memory>")
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// True when the dictionary was compiled under a different tokenizer than this
    /// program's: phrases may then be cut differently from sentence tokens. Recompile it.
    pub fn is_stale(&self) -> bool {
        let fp = u64::from(self.r.get(T::Meta, 0, 0)) | (u64::from(self.r.get(T::Meta, 0, 1)) << 32);
        self.r.len(T::Meta) == 0 || fp != tokenizer_fingerprint()
    }

    pub fn stats(&self) -> Stats {
        let r = &self.r;
        Stats {
            files: r.len(T::File),
            layers: r.get(T::Meta, 0, 2),
            actors: r.len(T::Actor),
            actor_phrases: (0..r.len(T::APhrase)).filter(|&i| r.get(T::APhrase, i, 4) != PHRASE_LINK).count()
                as u32,
            roles: r.len(T::Role),
            agents: r.len(T::Agent),
            agent_phrases: r.len(T::GPhrase),
            verb_blocks: r.len(T::Block),
            verbs: r.len(T::Verb),
            verb_forms: r.len(T::VForm),
            patterns: r.len(T::Pattern),
            synsets: r.len(T::Synset),
            discards: r.len(T::Discard),
            issues: r.len(T::Issue),
            words: r.len(T::Word),
            bytes: r.size(),
        }
    }

    /// The source files the dictionary was compiled from.
    pub fn files(&self) -> impl Iterator<Item = SourceRef<'_>> + '_ {
        (0..self.r.len(T::File)).map(move |i| SourceRef { d: self, i })
    }

    fn file_name(&self, file: u32) -> &str {
        self.r.str(self.r.get(T::File, file, 0))
    }

    /// Prepares a sentence's tokens for lookups, in `scratch` (no allocation once the
    /// buffers have grown).
    pub fn sentence<'d, 's, I, S>(&'d self, tokens: I, scratch: &'s mut Scratch) -> Sentence<'d, 's>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        scratch.norm.clear();
        scratch.ends.clear();
        scratch.ids.clear();
        for t in tokens {
            normalize(t.as_ref(), &mut scratch.tmp);
            scratch.norm.push_str(&scratch.tmp);
            scratch.ends.push(scratch.norm.len() as u32);
            scratch.ids.push(self.word_id(&scratch.tmp).unwrap_or(NONE));
        }
        Sentence { d: self, s: scratch }
    }

    /// The id of a normalised word (hash table; at most one pass over it on a damaged file).
    fn word_id(&self, w: &str) -> Option<u32> {
        let slots = self.r.len(T::WordHash);
        if slots == 0 {
            return None;
        }
        let mask = slots - 1;
        let mut at = crate::bin::word_hash(w.as_bytes()) & mask;
        for _ in 0..slots {
            let id = self.r.get(T::WordHash, at, 0);
            if id == NONE {
                return None;
            }
            if self.r.str_bytes(self.r.get(T::Word, id, 0)) == w.as_bytes() {
                return Some(id);
            }
            at = (at + 1) & mask;
        }
        None
    }

    /// The word of id `id` (normalised).
    pub fn word(&self, id: u32) -> &str {
        self.r.str(self.r.get(T::Word, id, 0))
    }

    /// Whether `token` is in the preposition list.
    pub fn is_preposition(&self, token: &str) -> bool {
        let mut n = String::new();
        normalize(token, &mut n);
        let (mut lo, mut hi) = (0u32, self.r.len(T::Prep));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.r.str(self.r.get(T::Prep, mid, 0)).cmp(n.as_str()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    /// An actor by index (`0..stats().actors`).
    pub fn actor(&self, i: u32) -> Option<ActorRef<'_>> {
        (i < self.r.len(T::Actor)).then_some(ActorRef { d: self, i })
    }

    /// All actors whose name or alias is exactly `phrase` (tokenized and normalised like
    /// sentence text), in priority order.
    pub fn actors_named(&self, phrase: &str) -> Vec<ActorRef<'_>> {
        let mut seg = dyad_text::Segmented::default();
        seg.segment(phrase);
        let toks: Vec<&str> = seg.tokens.iter().map(|t| t.text(phrase)).collect();
        let mut scratch = Scratch::default();
        let mut s = self.sentence(&toks, &mut scratch);
        match s.actor_at(0) {
            Some(m) if m.end() == toks.len() => m.phrases().map(|p| p.actor()).collect(),
            _ => Vec::new(),
        }
    }

    /// A verb block by index.
    pub fn block(&self, i: u32) -> Option<BlockRef<'_>> {
        (i < self.r.len(T::Block)).then_some(BlockRef { d: self, i })
    }

    /// All verb blocks.
    pub fn blocks(&self) -> impl Iterator<Item = BlockRef<'_>> + '_ {
        (0..self.r.len(T::Block)).map(move |i| BlockRef { d: self, i })
    }

    /// A synset by name (`&CURRENCY`; PETRARCH's trailing `_` optional).
    pub fn synset(&self, name: &str) -> Option<SynsetRef<'_>> {
        let want = name.trim_end_matches('_');
        (0..self.r.len(T::Synset))
            .find(|&i| self.r.str(self.r.get(T::Synset, i, 0)).trim_end_matches('_') == want)
            .map(|i| SynsetRef { d: self, i })
    }

    /// PETRARCH-2 verb transformations.
    pub fn transforms(&self) -> impl Iterator<Item = (&str, &str, Origin<'_>)> + '_ {
        (0..self.r.len(T::Transform)).map(move |i| {
            let g = |f| self.r.get(T::Transform, i, f);
            (self.r.str(g(0)), self.r.str(g(1)), Origin { file: self.file_name(g(2)), line: g(3) })
        })
    }
}

/// A file and line in the dictionary sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin<'d> {
    pub file: &'d str,
    pub line: u32,
}

impl std::fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A source file of a compiled dictionary.
#[derive(Clone, Copy)]
pub struct SourceRef<'d> {
    d: &'d Dictionary,
    i: u32,
}

impl<'d> SourceRef<'d> {
    pub fn name(&self) -> &'d str {
        self.d.file_name(self.i)
    }
    pub fn kind(&self) -> Kind {
        Kind::from_u32(self.d.r.get(T::File, self.i, 1))
    }
    pub fn dialect(&self) -> Dialect {
        Dialect::from_u32(self.d.r.get(T::File, self.i, 2))
    }
    pub fn layer(&self) -> u32 {
        self.d.r.get(T::File, self.i, 3)
    }
}

/// A prepared sentence: lookups by token index. Borrows the dictionary and the scratch.
pub struct Sentence<'d, 's> {
    d: &'d Dictionary,
    s: &'s mut Scratch,
}

impl<'d> Sentence<'d, '_> {
    pub fn len(&self) -> usize {
        self.s.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.s.ids.is_empty()
    }

    /// The normalised text of token `i`.
    pub fn norm(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.s.ends.get(i - 1).copied().unwrap_or(0) as usize };
        let end = self.s.ends.get(i).copied().unwrap_or(0) as usize;
        self.s.norm.get(start..end).unwrap_or("")
    }

    /// The word id of token `i` (`None` when no dictionary phrase or pattern uses the word);
    /// compare with [`Item::Word`]'s `word`.
    pub fn word_id(&self, i: usize) -> Option<u32> {
        self.s.ids.get(i).copied().filter(|&id| id != NONE)
    }

    /// Whether token `i` matches a pattern word (`stem`: the token only has to start with it).
    pub fn token_matches(&self, i: usize, word: u32, stem: bool) -> bool {
        if self.word_id(i) == Some(word) {
            return true;
        }
        stem && self.norm(i).starts_with(self.d.word(word))
    }

    /// Whether token `i` is in the preposition list.
    pub fn is_preposition(&self, i: usize) -> bool {
        let n = self.norm(i);
        let r = &self.d.r;
        let (mut lo, mut hi) = (0u32, r.len(T::Prep));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match r.str(r.get(T::Prep, mid, 0)).cmp(n) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    /// Calls `f(target, stem_edge)` for each edge of `node` that token `pos` can follow;
    /// `gap_only` keeps only edges that allow skipped tokens before them.
    fn edges(&self, tr: Trie, node: u32, pos: usize, gap_only: bool, mut f: impl FnMut(u32, bool)) {
        let r = &self.d.r;
        let first = r.get(tr.node, node, 0);
        let count = r.get(tr.node, node, 1);
        let flags = r.get(tr.node, node, 4);
        if count == 0 {
            return;
        }
        let mut visit = |word: u32, exact: bool| {
            // Lower bound of (word, 0) among this node's edges.
            let (mut lo, mut hi) = (first, first + count);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if r.get(tr.edge, mid, 0) < word {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            let mut e = lo;
            while e < first + count && r.get(tr.edge, e, 0) == word {
                let kind = r.get(tr.edge, e, 1);
                let stem = kind & EDGE_STEM != 0;
                if (exact || stem) && (!gap_only || kind & EDGE_GAP != 0) {
                    f(r.get(tr.edge, e, 2), stem);
                }
                e += 1;
            }
        };
        let id = self.s.ids.get(pos).copied().unwrap_or(NONE);
        if id != NONE {
            visit(id, true);
        }
        if flags & NODE_STEMS != 0 {
            // Dictionary stems that are proper prefixes of the token.
            let tok = self.norm(pos);
            for (k, _) in tok.char_indices().skip(1) {
                if let Some(pid) = self.d.word_id(&tok[..k]) {
                    visit(pid, false);
                }
            }
        }
    }

    /// The best (most words, fewest skipped tokens, fewest stems) match of trie `tr`
    /// starting at token `start` and ending at or before `limit`.
    fn find(&mut self, tr: Trie, start: usize, limit: usize) -> Option<Found> {
        let limit = limit.min(self.len());
        if start >= limit {
            return None;
        }
        let mut stack = std::mem::take(&mut self.s.stack);
        stack.clear();
        stack.push(State { node: 0, pos: start as u32, words: 0, skipped: 0, stems: 0 });
        let mut best: Option<(Found, u32, u32)> = None;
        let d = self.d;
        let r = &d.r;
        while let Some(st) = stack.pop() {
            if st.words > 0 && r.get(tr.node, st.node, 3) > 0 {
                let cand = Found { start, end: st.pos as usize, node: st.node, words: st.words };
                let better = match &best {
                    None => true,
                    Some((b, bs, bst)) => {
                        (st.words, std::cmp::Reverse(st.skipped), std::cmp::Reverse(st.stems))
                            > (b.words, std::cmp::Reverse(*bs), std::cmp::Reverse(*bst))
                    }
                };
                if better {
                    best = Some((cand, st.skipped, st.stems));
                }
            }
            let pos = st.pos as usize;
            if pos >= limit || stack.len() > 4096 {
                continue;
            }
            let flags = r.get(tr.node, st.node, 4);
            self.edges(tr, st.node, pos, false, |target, stem| {
                stack.push(State {
                    node: target,
                    pos: st.pos + 1,
                    words: st.words + 1,
                    skipped: st.skipped,
                    stems: st.stems + u32::from(stem),
                });
            });
            if flags & NODE_GAPS != 0 && st.words > 0 {
                for skip in 1..=MAX_GAP {
                    let p = pos + skip;
                    if p >= limit {
                        break;
                    }
                    self.edges(tr, st.node, p, true, |target, stem| {
                        stack.push(State {
                            node: target,
                            pos: p as u32 + 1,
                            words: st.words + 1,
                            skipped: st.skipped + skip as u32,
                            stems: st.stems + u32::from(stem),
                        });
                    });
                }
            }
        }
        self.s.stack = stack;
        best.map(|b| b.0)
    }

    /// The longest actor phrase starting at token `start`, if any.
    pub fn actor_at(&mut self, start: usize) -> Option<ActorMatch<'d>> {
        self.actor_within(start, usize::MAX)
    }

    /// Like [`Sentence::actor_at`], with the match ending at or before token `limit`.
    pub fn actor_within(&mut self, start: usize, limit: usize) -> Option<ActorMatch<'d>> {
        self.find(ACTORS, start, limit).map(|f| ActorMatch { d: self.d, f })
    }

    /// Actor phrases left to right, longest first, not overlapping.
    pub fn actors(&mut self) -> Vec<ActorMatch<'d>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.len() {
            match self.actor_at(i) {
                Some(m) => {
                    i = m.end();
                    out.push(m);
                }
                None => i += 1,
            }
        }
        out
    }

    /// The longest agent phrase starting at token `start`, if any.
    pub fn agent_at(&mut self, start: usize) -> Option<AgentMatch<'d>> {
        self.agent_within(start, usize::MAX)
    }

    pub fn agent_within(&mut self, start: usize, limit: usize) -> Option<AgentMatch<'d>> {
        let f = self.find(AGENTS, start, limit)?;
        let r = &self.d.r;
        let first = r.get(AGENTS.node, f.node, 2);
        let rec = r.get(AGENTS.hit, first, 0);
        Some(AgentMatch { d: self.d, start: f.start, end: f.end, phrase: rec })
    }

    /// Codes the noun phrase in tokens `start..end` on `date`: the first actor found, with
    /// the agents around it added (`Russian` + `President` = `RUSGOV`; `US officials` =
    /// `USAGOV`; agents before or after the actor). `None` when neither an actor nor an
    /// agent is found.
    pub fn compose(&mut self, start: usize, end: usize, date: Date) -> Option<Composite<'d>> {
        let end = end.min(self.len());
        let mut actor: Option<(ActorMatch<'d>, Resolution<'d>)> = None;
        let mut agents: Vec<AgentMatch<'d>> = Vec::new();
        let mut i = start;
        while i < end {
            let a = self.actor_within(i, end);
            let g = self.agent_within(i, end);
            let a_len = a.as_ref().map_or(0, |m| m.end() - i);
            let g_len = g.as_ref().map_or(0, |m| m.end - i);
            if a_len == 0 && g_len == 0 {
                i += 1;
                continue;
            }
            if a_len >= g_len {
                if let Some(m) = a {
                    if actor.is_none() {
                        let res = m.resolve(date);
                        actor = Some((m, res));
                    }
                }
                i += a_len;
            } else if let Some(g) = g {
                i = g.end;
                agents.push(g);
            }
        }
        if actor.is_none() && agents.is_empty() {
            return None;
        }
        let base = actor.as_ref().and_then(|(_, r)| r.codes.first().copied()).unwrap_or("");
        let mut code = base.to_string();
        let special = [NULL_CODE, DISCARD_CODE, COMPLEX_CODE].contains(&base);
        if !special {
            for g in &agents {
                let a = g.agent();
                let c = a.code();
                if c.is_empty() || code.contains(c) {
                    continue;
                }
                match a.place() {
                    AgentPlace::After => code.push_str(c),
                    AgentPlace::Before => code.insert_str(0, c),
                }
            }
        }
        if actor.as_ref().is_none_or(|(_, r)| r.codes.is_empty()) && !agents.is_empty() && base.is_empty() {
            // Agents alone: the code still needs an actor (PETRARCH writes `~GOV`).
            code = agents.iter().map(|g| g.agent().code_text()).collect::<Vec<_>>().join("");
        }
        Some(Composite { code, actor, agents, start, end })
    }

    /// The verb (possibly several words, like `cordon off`) whose verb word is token `v`.
    pub fn verb_at(&mut self, v: usize) -> Option<VerbMatch<'d>> {
        let mut best: Option<VerbMatch<'d>> = None;
        for start in v.saturating_sub(3)..=v {
            let Some(f) = self.find(VERBS, start, usize::MAX) else { continue };
            if f.end <= v {
                continue;
            }
            let r = &self.d.r;
            let first = r.get(VERBS.node, f.node, 2);
            let n = r.get(VERBS.node, f.node, 3);
            for h in first..first + n {
                let form = r.get(VERBS.hit, h, 0);
                let head = r.get(T::VForm, form, 2) as usize;
                if start + head == v {
                    let m = VerbMatch { d: self.d, start, end: f.end, form };
                    if best.as_ref().is_none_or(|b| m.end - m.start > b.end - b.start) {
                        best = Some(m);
                    }
                    break;
                }
            }
        }
        best
    }

    /// The first discard phrase in the sentence, if any.
    pub fn discard(&mut self) -> Option<DiscardMatch<'d>> {
        for i in 0..self.len() {
            if let Some(f) = self.find(DISCARDS, i, usize::MAX) {
                let r = &self.d.r;
                let rec = r.get(DISCARDS.hit, r.get(DISCARDS.node, f.node, 2), 0);
                return Some(DiscardMatch { d: self.d, start: f.start, end: f.end, rec });
            }
        }
        None
    }

    /// Issue phrases, left to right.
    pub fn issues(&mut self) -> Vec<IssueMatch<'d>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.len() {
            match self.find(ISSUES, i, usize::MAX) {
                Some(f) => {
                    let r = &self.d.r;
                    let var = r.get(ISSUES.hit, r.get(ISSUES.node, f.node, 2), 0);
                    out.push(IssueMatch { d: self.d, start: f.start, end: f.end, variant: var });
                    i = f.end;
                }
                None => i += 1,
            }
        }
        out
    }
}

/// An actor phrase found in a sentence. Several entries may share the phrase (across
/// layers, or duplicates): [`ActorMatch::phrases`] lists them in priority order and
/// [`ActorMatch::resolve`] picks the code for a date.
#[derive(Clone, Copy, Debug)]
pub struct ActorMatch<'d> {
    d: &'d Dictionary,
    f: Found,
}

/// How a code was chosen for a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateRule {
    /// A dated role covers the date.
    Dated,
    /// No dated role covers it; the entry's fallback (`..`, TABARI's undated code) applies.
    Fallback,
    /// The entry has no role on that date: a known name that gets no code.
    NoRole,
}

/// The code of an actor phrase on a date, and why.
#[derive(Clone, Debug)]
pub struct Resolution<'d> {
    /// The codes (usually one; none for [`DateRule::NoRole`]). `---` is TABARI's null code.
    pub codes: Vec<&'d str>,
    pub rule: DateRule,
    /// The entry whose role was used.
    pub actor: ActorRef<'d>,
    /// The phrase that matched (a link when the entry was reached through a newer layer's
    /// entry of the same name).
    pub phrase: PhraseRef<'d>,
    pub role: Option<RoleRef<'d>>,
}

impl Resolution<'_> {
    /// One line saying which entry and which rule produced the code, for provenance.
    pub fn explain(&self) -> String {
        let mut s = format!("`{}` ({})", self.actor.name(), self.actor.origin());
        match (&self.role, self.rule) {
            (Some(r), DateRule::Dated) => {
                s.push_str(&format!(", role {} {} ({})", r.code_text(), r.range_text(), r.origin()))
            }
            (Some(r), DateRule::Fallback) => {
                s.push_str(&format!(", fallback role {} ({})", r.code_text(), r.origin()))
            }
            _ => s.push_str(", no role on that date"),
        }
        if let Some(r) = &self.role {
            if !r.note().is_empty() {
                s.push_str(&format!(": {}", r.note()));
            }
            if !r.source().is_empty() {
                s.push_str(&format!(" [source: {}]", r.source()));
            }
        }
        s
    }
}

impl<'d> ActorMatch<'d> {
    pub fn start(&self) -> usize {
        self.f.start
    }
    /// One past the last token.
    pub fn end(&self) -> usize {
        self.f.end
    }

    /// Every entry phrase ending here, highest priority first.
    pub fn phrases(&self) -> impl Iterator<Item = PhraseRef<'d>> + 'd {
        let d = self.d;
        let first = d.r.get(ACTORS.node, self.f.node, 2);
        let n = d.r.get(ACTORS.node, self.f.node, 3);
        (first..first + n).map(move |h| PhraseRef { d, i: d.r.get(ACTORS.hit, h, 0) })
    }

    /// The code on `date`: the first entry (in priority order) with a dated role covering
    /// the date or a fallback wins; within an entry, the first dated role covering the date,
    /// else the fallback.
    pub fn resolve(&self, date: Date) -> Resolution<'d> {
        let mut first: Option<PhraseRef<'d>> = None;
        for p in self.phrases() {
            first.get_or_insert(p);
            let a = p.actor();
            if let Some((role, rule)) = a.role_on(date) {
                return Resolution {
                    codes: role.codes().collect(),
                    rule,
                    actor: a,
                    phrase: p,
                    role: Some(role),
                };
            }
        }
        let p = first.unwrap_or(PhraseRef { d: self.d, i: 0 });
        Resolution { codes: Vec::new(), rule: DateRule::NoRole, actor: p.actor(), phrase: p, role: None }
    }
}

/// A name or alias of an actor entry (or a link to a newer entry of the same name).
#[derive(Clone, Copy, Debug)]
pub struct PhraseRef<'d> {
    d: &'d Dictionary,
    i: u32,
}

impl<'d> PhraseRef<'d> {
    fn g(&self, f: usize) -> u32 {
        self.d.r.get(T::APhrase, self.i, f)
    }
    pub fn actor(&self) -> ActorRef<'d> {
        ActorRef { d: self.d, i: self.g(0) }
    }
    /// The phrase in dyad syntax.
    pub fn text(&self) -> &'d str {
        self.d.r.str(self.g(1))
    }
    pub fn origin(&self) -> Origin<'d> {
        Origin { file: self.d.file_name(self.g(2)), line: self.g(3) }
    }
    pub fn is_alias(&self) -> bool {
        self.g(4) == PHRASE_ALIAS
    }
    /// For a link: the older entry's phrase that matched the text.
    pub fn linked_from(&self) -> Option<PhraseRef<'d>> {
        (self.g(4) == PHRASE_LINK && self.g(5) != NONE).then(|| PhraseRef { d: self.d, i: self.g(5) })
    }
}

/// An actor entry.
#[derive(Clone, Copy, Debug)]
pub struct ActorRef<'d> {
    d: &'d Dictionary,
    i: u32,
}

impl<'d> ActorRef<'d> {
    fn g(&self, f: usize) -> u32 {
        self.d.r.get(T::Actor, self.i, f)
    }
    pub fn index(&self) -> u32 {
        self.i
    }
    /// The canonical name.
    pub fn name(&self) -> &'d str {
        self.d.r.str(self.g(0))
    }
    pub fn origin(&self) -> Origin<'d> {
        Origin { file: self.d.file_name(self.g(3)), line: self.g(4) }
    }
    pub fn layer(&self) -> u32 {
        self.g(5)
    }
    /// Roles in source order.
    pub fn roles(&self) -> impl Iterator<Item = RoleRef<'d>> + 'd {
        let d = self.d;
        let (first, n) = (self.g(1), self.g(2));
        (first..first + n).map(move |i| RoleRef { d, i })
    }
    /// Names and aliases.
    pub fn phrases(&self) -> impl Iterator<Item = PhraseRef<'d>> + 'd {
        let d = self.d;
        let (first, n) = (self.g(6), self.g(7));
        (first..first + n).map(move |i| PhraseRef { d, i })
    }
    /// The role on `date`: the first dated role covering it, else the first fallback.
    pub fn role_on(&self, date: Date) -> Option<(RoleRef<'d>, DateRule)> {
        let day = date.to_days();
        if let Some(r) = self.roles().find(|r| r.dated() && r.covers_day(day)) {
            return Some((r, DateRule::Dated));
        }
        self.roles().find(|r| !r.dated()).map(|r| (r, DateRule::Fallback))
    }
}

/// A role of an actor: codes and the period they apply.
#[derive(Clone, Copy, Debug)]
pub struct RoleRef<'d> {
    d: &'d Dictionary,
    i: u32,
}

impl<'d> RoleRef<'d> {
    fn g(&self, f: usize) -> u32 {
        self.d.r.get(T::Role, self.i, f)
    }
    pub fn codes(&self) -> impl Iterator<Item = &'d str> + 'd {
        let d = self.d;
        let (first, n) = (self.g(0), self.g(1));
        (first..first + n).map(move |c| d.r.str(d.r.get(T::Code, c, 0)))
    }
    pub fn code_text(&self) -> String {
        self.codes().collect::<Vec<_>>().join("/")
    }
    fn covers_day(&self, day: i64) -> bool {
        let (f, t) = (self.g(2) as i32, self.g(3) as i32);
        (f == OPEN_FROM || i64::from(f) <= day) && (t == OPEN_TO || day <= i64::from(t))
    }
    pub fn from(&self) -> Option<Date> {
        let f = self.g(2) as i32;
        if f == OPEN_FROM {
            None
        } else {
            Date::from_days(i64::from(f))
        }
    }
    pub fn to(&self) -> Option<Date> {
        let t = self.g(3) as i32;
        if t == OPEN_TO {
            None
        } else {
            Date::from_days(i64::from(t))
        }
    }
    /// `false` for the fallback role.
    pub fn dated(&self) -> bool {
        self.g(4) != 0
    }
    /// `FROM..TO` (`..` for a fallback).
    pub fn range_text(&self) -> String {
        let f = self.from().map(|d| d.to_string()).unwrap_or_default();
        let t = self.to().map(|d| d.to_string()).unwrap_or_default();
        format!("{f}..{t}")
    }
    pub fn note(&self) -> &'d str {
        self.d.r.str(self.g(5))
    }
    pub fn origin(&self) -> Origin<'d> {
        Origin { file: self.d.file_name(self.g(6)), line: self.g(7) }
    }
    /// The TABARI/PETRARCH restriction it came from (`[NLDGOV >110101]`), or "".
    pub fn source(&self) -> &'d str {
        self.d.r.str(self.g(8))
    }
}

/// An agent phrase found in a sentence.
#[derive(Clone, Copy, Debug)]
pub struct AgentMatch<'d> {
    d: &'d Dictionary,
    pub start: usize,
    pub end: usize,
    phrase: u32,
}

impl<'d> AgentMatch<'d> {
    pub fn agent(&self) -> AgentRef<'d> {
        AgentRef { d: self.d, i: self.d.r.get(T::GPhrase, self.phrase, 0) }
    }
    /// The form that matched (`Presidents`).
    pub fn text(&self) -> &'d str {
        self.d.r.str(self.d.r.get(T::GPhrase, self.phrase, 1))
    }
    pub fn origin(&self) -> Origin<'d> {
        Origin {
            file: self.d.file_name(self.d.r.get(T::GPhrase, self.phrase, 2)),
            line: self.d.r.get(T::GPhrase, self.phrase, 3),
        }
    }
}

/// An agent entry.
#[derive(Clone, Copy, Debug)]
pub struct AgentRef<'d> {
    d: &'d Dictionary,
    i: u32,
}

impl<'d> AgentRef<'d> {
    fn g(&self, f: usize) -> u32 {
        self.d.r.get(T::Agent, self.i, f)
    }
    pub fn name(&self) -> &'d str {
        self.d.r.str(self.g(0))
    }
    /// The code without `~` (`GOV`).
    pub fn code(&self) -> &'d str {
        self.d.r.str(self.g(1))
    }
    pub fn place(&self) -> AgentPlace {
        if self.g(2) == 1 {
            AgentPlace::Before
        } else {
            AgentPlace::After
        }
    }
    /// `~GOV` or `NGO~`.
    pub fn code_text(&self) -> String {
        match self.place() {
            AgentPlace::After => format!("~{}", self.code()),
            AgentPlace::Before => format!("{}~", self.code()),
        }
    }
    pub fn origin(&self) -> Origin<'d> {
        Origin { file: self.d.file_name(self.g(3)), line: self.g(4) }
    }
}

/// A noun phrase coded from an actor and agents ([`Sentence::compose`]).
#[derive(Clone, Debug)]
pub struct Composite<'d> {
    /// The combined code (`RUSGOV`); `~GOV` when only agents were found.
    pub code: String,
    /// The actor found and its resolution on the date.
    pub actor: Option<(ActorMatch<'d>, Resolution<'d>)>,
    pub agents: Vec<AgentMatch<'d>>,
    pub start: usize,
    pub end: usize,
}

/// A verb found in a sentence.
#[derive(Clone, Copy, Debug)]
pub struct VerbMatch<'d> {
    d: &'d Dictionary,
    pub start: usize,
    pub end: usize,
    form: u32,
}

impl<'d> VerbMatch<'d> {
    /// The form that matched (`+cordoned off`).
    pub fn form(&self) -> &'d str {
        self.d.r.str(self.d.r.get(T::VForm, self.form, 1))
    }
    pub fn verb(&self) -> VerbRef<'d> {
        VerbRef { d: self.d, i: self.d.r.get(T::VForm, self.form, 0) }
    }
}

/// A verb entry.
#[derive(Clone, Copy, Debug)]
pub struct VerbRef<'d> {
    d: &'d Dictionary,
    i: u32,
}

impl<'d> VerbRef<'d> {
    fn g(&self, f: usize) -> u32 {
        self.d.r.get(T::Verb, self.i, f)
    }
    pub fn lemma(&self) -> &'d str {
        self.d.r.str(self.g(1))
    }
    /// The verb's own code, else its block's.
    pub fn code(&self) -> &'d str {
        if self.g(2) == NONE {
            self.block().code()
        } else {
            self.d.r.str(self.g(2))
        }
    }
    pub fn block(&self) -> BlockRef<'d> {
        BlockRef { d: self.d, i: self.g(0) }
    }
    pub fn origin(&self) -> Origin<'d> {
        Origin { file: self.d.file_name(self.g(3)), line: self.g(4) }
    }
    /// All forms (dyad syntax).
    pub fn forms(&self) -> impl Iterator<Item = &'d str> + 'd {
        let d = self.d;
        let (first, n) = (self.g(5), self.g(6));
        (first..first + n).map(move |f| d.r.str(d.r.get(T::VForm, f, 1)))
    }
}

/// A block of synonymous verbs with its patterns.
#[derive(Clone, Copy, Debug)]
pub struct BlockRef<'d> {
    d: &'d Dictionary,
    i: u32,
}

impl<'d> BlockRef<'d> {
    fn g(&self, f: usize) -> u32 {
        self.d.r.get(T::Block, self.i, f)
    }
    pub fn name(&self) -> &'d str {
        self.d.r.str(self.g(0))
    }
    /// The code of an isolated verb of the block (`---`: no event).
    pub fn code(&self) -> &'d str {
        self.d.r.str(self.g(1))
    }
    pub fn verbs(&self) -> impl Iterator<Item = VerbRef<'d>> + 'd {
        let d = self.d;
        let (first, n) = (self.g(2), self.g(3));
        (first..first + n).map(move |i| VerbRef { d, i })
    }
    pub fn patterns(&self) -> impl Iterator<Item = PatternRef<'d>> + 'd {
        let d = self.d;
        let (first, n) = (self.g(4), self.g(5));
        (first..first + n).map(move |i| PatternRef { d, i })
    }
    pub fn origin(&self) -> Origin<'d> {
        Origin { file: self.d.file_name(self.g(6)), line: self.g(7) }
    }
    /// Whether pattern words follow TABARI semantics (stems, gaps) or PETRARCH's.
    pub fn dialect(&self) -> Dialect {
        Dialect::from_u32(self.g(8))
    }
}

/// A verb pattern.
#[derive(Clone, Copy, Debug)]
pub struct PatternRef<'d> {
    d: &'d Dictionary,
    i: u32,
}

/// One element of a compiled pattern.
#[derive(Clone, Copy, Debug)]
pub enum Item<'d> {
    /// A word: its text as written, its normalised word id (compare with
    /// [`Sentence`] tokens through [`Dictionary::word`]), TABARI stem/gap flags.
    Word {
        text: &'d str,
        word: Option<u32>,
        stem: bool,
        gap: bool,
    },
    /// `&NAME`; `None` when the synset is not defined (the pattern then never matches).
    Synset {
        name: &'d str,
        synset: Option<SynsetRef<'d>>,
        gap: bool,
    },
    Verb,
    Source,
    Target,
    Compound,
    Skip,
    Attribution,
    OpenBrace,
    CloseBrace,
    OpenParen,
    CloseParen,
    Or,
}

impl<'d> PatternRef<'d> {
    fn g(&self, f: usize) -> u32 {
        self.d.r.get(T::Pattern, self.i, f)
    }
    /// The event code (`061`, `042:043`, `---`).
    pub fn code(&self) -> &'d str {
        self.d.r.str(self.g(1))
    }
    /// The pattern as written (`* (TO) &CURRENCY`).
    pub fn text(&self) -> &'d str {
        self.d.r.str(self.g(2))
    }
    pub fn note(&self) -> &'d str {
        self.d.r.str(self.g(3))
    }
    pub fn origin(&self) -> Origin<'d> {
        Origin { file: self.d.file_name(self.g(6)), line: self.g(7) }
    }
    pub fn items(&self) -> impl Iterator<Item = Item<'d>> + 'd {
        let d = self.d;
        let (first, n) = (self.g(4), self.g(5));
        (first..first + n).map(move |i| {
            let g = |f| d.r.get(T::PItem, i, f);
            let flags = g(3);
            let (stem, gap) = (flags & EDGE_STEM != 0, flags & EDGE_GAP != 0);
            match g(0) {
                0 => Item::Word { text: d.r.str(g(1)), word: (g(2) != NONE).then(|| g(2)), stem, gap },
                1 => Item::Synset {
                    name: d.r.str(g(1)),
                    synset: (g(4) != NONE).then(|| SynsetRef { d, i: g(4) }),
                    gap,
                },
                2 => Item::Verb,
                3 => Item::Source,
                4 => Item::Target,
                5 => Item::Compound,
                6 => Item::Skip,
                7 => Item::Attribution,
                8 => Item::OpenBrace,
                9 => Item::CloseBrace,
                10 => Item::OpenParen,
                11 => Item::CloseParen,
                _ => Item::Or,
            }
        })
    }
}

/// A synset: words or phrases usable in patterns.
#[derive(Clone, Copy, Debug)]
pub struct SynsetRef<'d> {
    d: &'d Dictionary,
    i: u32,
}

impl<'d> SynsetRef<'d> {
    fn g(&self, f: usize) -> u32 {
        self.d.r.get(T::Synset, self.i, f)
    }
    pub fn name(&self) -> &'d str {
        self.d.r.str(self.g(0))
    }
    /// Members as dyad phrases.
    pub fn members(&self) -> impl Iterator<Item = &'d str> + 'd {
        let d = self.d;
        let (first, n) = (self.g(1), self.g(2));
        (first..first + n).map(move |m| d.r.str(d.r.get(T::SMember, m, 1)))
    }
    /// Members as normalised word-id sequences (to compare with sentence tokens).
    pub fn member_words(&self) -> impl Iterator<Item = Vec<u32>> + 'd {
        let d = self.d;
        let (first, n) = (self.g(1), self.g(2));
        (first..first + n).map(move |m| {
            let (f, c) = (d.r.get(T::SMember, m, 2), d.r.get(T::SMember, m, 3));
            (f..f + c).map(|w| d.r.get(T::SWord, w, 0)).collect()
        })
    }
    pub fn origin(&self) -> Origin<'d> {
        Origin { file: self.d.file_name(self.g(3)), line: self.g(4) }
    }
}

/// A discard phrase found in a sentence.
#[derive(Clone, Copy, Debug)]
pub struct DiscardMatch<'d> {
    d: &'d Dictionary,
    pub start: usize,
    pub end: usize,
    rec: u32,
}

impl<'d> DiscardMatch<'d> {
    pub fn text(&self) -> &'d str {
        self.d.r.str(self.d.r.get(T::Discard, self.rec, 0))
    }
    /// Whether the whole story is discarded (else just the sentence).
    pub fn story(&self) -> bool {
        self.d.r.get(T::Discard, self.rec, 1) != 0
    }
    pub fn origin(&self) -> Origin<'d> {
        Origin {
            file: self.d.file_name(self.d.r.get(T::Discard, self.rec, 2)),
            line: self.d.r.get(T::Discard, self.rec, 3),
        }
    }
}

/// An issue phrase found in a sentence.
#[derive(Clone, Copy, Debug)]
pub struct IssueMatch<'d> {
    d: &'d Dictionary,
    pub start: usize,
    pub end: usize,
    variant: u32,
}

impl<'d> IssueMatch<'d> {
    fn issue(&self, f: usize) -> u32 {
        let rec = self.d.r.get(T::IVariant, self.variant, 0);
        self.d.r.get(T::Issue, rec, f)
    }
    /// The issue code; `None` for an ignore phrase.
    pub fn code(&self) -> Option<&'d str> {
        let c = self.issue(0);
        (c != NONE).then(|| self.d.r.str(c))
    }
    pub fn category(&self) -> &'d str {
        self.d.r.str(self.issue(1))
    }
    /// 0 = normal, 1 = ignore issues in the sentence, 2 = in the story.
    pub fn ignore(&self) -> u32 {
        self.issue(2)
    }
    pub fn text(&self) -> &'d str {
        self.d.r.str(self.d.r.get(T::IVariant, self.variant, 1))
    }
    pub fn origin(&self) -> Origin<'d> {
        Origin { file: self.d.file_name(self.issue(3)), line: self.issue(4) }
    }
}
