//! The shallow parse of a sentence (`DESIGN.md` §2.2–2.3): roots found in
//! the words, then nouns, agent conversion, compounds, comma clauses,
//! conjunction clauses, pronoun references, discards and complexity.
//!
//! Everything is indices into the sentence's words; nothing here allocates
//! per word beyond the reusable vectors of [`Parse`].

use dyad_text::Date;

use crate::lexicon::{ending, fit, Class, Conj, Fit, Lexicon, Number, RootId, TimeValue};
use crate::options::{CommaLimits, Complexity};
use crate::words::{Cap, Kind, Words};

/// Sentinel for "none" in index vectors.
pub const NONE: u32 = u32::MAX;

/// The type of a word after marking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WType {
    Null,
    Actor,
    Agent,
    Verb,
    Noun,
    Adjective,
    Time,
    Determiner,
    Pronoun,
    Conj,
    Comma,
    Number,
    Auxiliary,
    By,
    Prep,
    Former,
    /// A word whose root was cancelled by a subordinate clause.
    Cancelled,
}

fn wtype_of(class: Class) -> WType {
    match class {
        Class::Actor => WType::Actor,
        Class::Agent => WType::Agent,
        Class::Verb => WType::Verb,
        Class::Noun => WType::Noun,
        Class::Adjective => WType::Adjective,
        Class::Time => WType::Time,
        Class::Determiner => WType::Determiner,
        Class::Pronoun(_) => WType::Pronoun,
        Class::Conjunction(_) => WType::Conj,
        Class::Auxiliary => WType::Auxiliary,
        Class::By => WType::By,
        Class::Preposition => WType::Prep,
        Class::Former => WType::Former,
    }
}

/// What a dereferenced pronoun points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reference {
    /// A word of this sentence (the head of an actor).
    Word(u32),
    /// The actor forwarded from the previous sentence.
    Forward,
}

/// A root matched in the sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub root: RootId,
    /// The root's class, possibly changed by marking (verb → noun, agent → actor,
    /// pronoun → actor).
    pub class: Class,
    pub head: u32,
    pub tail: u32,
    /// The words matched (gaps excluded), in order.
    pub words: Vec<u32>,
    pub active: bool,
    /// For a dereferenced pronoun.
    pub reference: Option<Reference>,
    /// Was a pronoun (kept after dereferencing).
    pub pronoun: bool,
    /// Was an agent converted to an actor.
    pub converted: bool,
}

/// A segment of words (compound, subordinate clause, clause), inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seg {
    pub start: u32,
    pub end: u32,
    pub active: bool,
}

/// The actor carried from the previous sentence for pronouns (TABARI `FORWARD:`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Forwarded {
    pub root: Option<RootId>,
    pub text: String,
}

/// The marked sentence.
#[derive(Clone, Debug, Default)]
pub struct Parse {
    pub wtype: Vec<WType>,
    /// The span each word belongs to, or [`NONE`].
    pub member: Vec<u32>,
    pub spans: Vec<Span>,
    /// The compound each word lies in (TABARI's compound flag), or [`NONE`].
    pub in_compound: Vec<u32>,
    pub compounds: Vec<Seg>,
    pub subords: Vec<Seg>,
    pub clauses: Vec<Seg>,
    pub has_clauses: bool,
    /// Set when a discard code or phrase was found.
    pub discard: Option<String>,
    /// Set when the complexity filter rejects the sentence.
    pub complex: Option<String>,
    /// Set when [`MarkOptions::quick`] found that no event can result.
    pub hopeless: bool,
    /// Number of days a time phrase shifts the date.
    pub shift: Option<i32>,
    pub forward: Forwarded,
    /// Whether each word starts with a letter.
    pub alpha: Vec<bool>,
    /// PETRARCH noun phrases and the phrase of each word ([`NONE`] outside).
    pub nes: Vec<crate::np::Ne>,
    pub ne_of: Vec<u32>,
}

/// Settings of the marking stage.
#[derive(Clone, Copy, Debug)]
pub struct MarkOptions<'a> {
    pub date: Option<Date>,
    pub comma: CommaLimits,
    pub complexity: &'a Complexity,
    pub convert_agents: bool,
    pub time_shift: bool,
    /// TABARI: gaps in roots are unlimited; otherwise at most this many words.
    pub max_gap: usize,
    pub dialect: crate::options::Dialect,
    pub new_actor_length: u32,
    /// Stop after the dictionary look-ups when the sentence has no verb or no
    /// actor or agent: no event can result (PETRARCH dialect, no default
    /// actors, no new actors, dyads required).
    pub quick: bool,
}

impl Parse {
    pub fn len(&self) -> usize {
        self.wtype.len()
    }

    pub fn is_empty(&self) -> bool {
        self.wtype.is_empty()
    }

    fn span_at(&self, i: usize) -> Option<&Span> {
        let s = *self.member.get(i)?;
        self.spans.get(s as usize)
    }

    /// The active span headed at word `i` with class `class`.
    pub fn head_span(&self, i: usize, class: Class) -> Option<u32> {
        let s = *self.member.get(i)?;
        let sp = self.spans.get(s as usize)?;
        (sp.active && sp.head as usize == i && sp.class == class).then_some(s)
    }

    pub fn has_head(&self, i: usize, class: Class) -> bool {
        self.head_span(i, class).is_some()
    }

    /// Whether word `i` ends an active span of `class`.
    pub fn has_tail(&self, i: usize, class: Class) -> bool {
        self.span_at(i).is_some_and(|sp| sp.active && sp.tail as usize == i && sp.class == class)
    }

    /// Whether an active compound starts at word `i`; returns it.
    pub fn compound_head(&self, i: usize) -> Option<u32> {
        self.compounds.iter().position(|c| c.active && c.start as usize == i).map(|k| k as u32)
    }

    /// Whether word `i` is the head of an active subordinate clause; returns its end.
    pub fn subord_at(&self, i: usize) -> Option<usize> {
        self.subords.iter().find(|c| c.active && c.start as usize == i).map(|c| c.end as usize)
    }

    /// The root class of word `i`'s span, if the word is in one.
    pub fn class_at(&self, i: usize) -> Option<Class> {
        self.span_at(i).map(|s| s.class)
    }

    /// Builds the parse of `words`.
    pub fn build(&mut self, lex: &Lexicon, words: &Words, opts: &MarkOptions<'_>) {
        self.build_roots(lex, words, opts);
        if !self.hopeless {
            self.build_rest(lex, words, opts);
        }
    }

    /// Marking, first part: the dictionary look-ups; sets [`Parse::hopeless`]
    /// when [`MarkOptions::quick`] finds that no event can result.
    pub fn build_roots(&mut self, lex: &Lexicon, words: &Words, opts: &MarkOptions<'_>) {
        self.clear(words.words.len());
        self.alpha.extend(words.words.iter().map(|w| w.text.starts_with(char::is_alphabetic)));
        self.find_roots(lex, words, opts);
        if opts.dialect == crate::options::Dialect::Petrarch {
            self.drop_modals(words);
        }
        if opts.quick {
            let has = |f: fn(Class) -> bool| self.spans.iter().any(|s| s.active && f(s.class));
            if !has(|c| c == Class::Verb) || !has(|c| matches!(c, Class::Actor | Class::Agent)) {
                self.hopeless = true;
            }
        }
    }

    /// Verbs the tagger read as nouns or adjectives (`the talks`, `a
    /// security guarantee`) become nouns.
    pub fn demote_verbs(&mut self, noun: &[bool]) {
        for s in 0..self.spans.len() {
            let sp = &self.spans[s];
            if sp.active && sp.class == Class::Verb && noun.get(sp.head as usize).copied().unwrap_or(false) {
                self.set_span_class(s, Class::Noun);
            }
        }
    }

    /// Marking, second part: nouns, compounds, clauses, phrases, time,
    /// discards and complexity.
    pub fn build_rest(&mut self, lex: &Lexicon, words: &Words, opts: &MarkOptions<'_>) {
        self.mark_nouns(lex, words, opts.date);
        if opts.convert_agents {
            self.convert_agents();
        }
        self.mark_compounds(lex);
        let petrarch = opts.dialect == crate::options::Dialect::Petrarch;
        if petrarch {
            self.mark_subordinates_petrarch(opts.comma);
        } else {
            self.mark_subordinates(opts.comma);
        }
        self.null_subordinates();
        self.mark_clauses();
        if petrarch {
            crate::np::chunk(lex, self, words, opts.date, opts.new_actor_length);
        } else {
            self.dereference_pronouns(lex);
        }
        if opts.time_shift {
            self.check_time(lex);
        }
        if self.discard.is_none() && opts.dialect == crate::options::Dialect::Tabari {
            self.check_discards(lex, opts.date);
        }
        if self.discard.is_none() && self.complex.is_none() {
            self.evaluate_complexity(lex, opts.complexity);
        }
    }

    fn clear(&mut self, n: usize) {
        self.hopeless = false;
        self.alpha.clear();
        self.nes.clear();
        self.ne_of.clear();
        self.wtype.clear();
        self.wtype.resize(n, WType::Null);
        self.member.clear();
        self.member.resize(n, NONE);
        self.spans.clear();
        self.in_compound.clear();
        self.in_compound.resize(n, NONE);
        self.compounds.clear();
        self.subords.clear();
        self.clauses.clear();
        self.has_clauses = false;
        self.discard = None;
        self.complex = None;
        self.shift = None;
    }

    /// Longest root at each untyped word (TABARI `makeSynt`).
    fn find_roots(&mut self, lex: &Lexicon, words: &Words, opts: &MarkOptions<'_>) {
        let w = &words.words;
        let mut positions: Vec<u32> = Vec::new();
        let mut best_pos: Vec<u32> = Vec::new();
        for i in 0..w.len() {
            match w[i].kind {
                Kind::Comma => {
                    self.wtype[i] = WType::Comma;
                    continue;
                }
                Kind::Number | Kind::Word => {}
            }
            if self.wtype[i] != WType::Null {
                continue;
            }
            let mut best: Option<(usize, RootId)> = None;
            for rid in lex.candidates(&w[i].text) {
                let Some(root) = lex.roots.get(rid as usize) else { continue };
                positions.clear();
                if let Some(chars) = match_root(root.class, &root.phrase, w, i, opts.max_gap, &mut positions)
                {
                    if best.is_none_or(|(c, r)| chars > c || (chars == c && rid < r)) {
                        best = Some((chars, rid));
                        best_pos.clone_from(&positions);
                    }
                }
            }
            if let Some((_, rid)) = best {
                let Some(root) = lex.roots.get(rid as usize) else { continue };
                let sid = self.spans.len() as u32;
                let wt = wtype_of(root.class);
                for &p in &best_pos {
                    self.wtype[p as usize] = wt;
                    self.member[p as usize] = sid;
                }
                self.spans.push(Span {
                    root: rid,
                    class: root.class,
                    head: *best_pos.first().unwrap_or(&(i as u32)),
                    tail: *best_pos.last().unwrap_or(&(i as u32)),
                    words: best_pos.clone(),
                    active: true,
                    reference: None,
                    pronoun: matches!(root.class, Class::Pronoun(_)),
                    converted: false,
                });
            } else if w[i].kind == Kind::Number {
                self.wtype[i] = WType::Number;
            }
        }
    }

    fn set_span_class(&mut self, s: usize, class: Class) {
        let wt = wtype_of(class);
        if let Some(sp) = self.spans.get_mut(s) {
            sp.class = class;
            for &p in &sp.words {
                if let Some(t) = self.wtype.get_mut(p as usize) {
                    *t = wt;
                }
            }
        }
    }

    /// Modal auxiliaries are never the verb of an event (PETRARCH's parser tags
    /// them `MD`).
    fn drop_modals(&mut self, words: &Words) {
        const MODALS: &[&str] = &["SHOULD", "WOULD", "COULD", "WILL", "MAY", "MIGHT", "MUST", "CAN", "SHALL"];
        for s in 0..self.spans.len() {
            let sp = &self.spans[s];
            if sp.class == Class::Verb && sp.words.len() == 1 {
                let head = sp.head as usize;
                if words.words.get(head).is_some_and(|w| MODALS.contains(&w.text.as_str())) {
                    self.spans[s].active = false;
                    self.wtype[head] = WType::Null;
                }
            }
        }
    }

    /// Verbs after a determiner or capitalised mid-sentence, and null-coded
    /// actors, become nouns.
    fn mark_nouns(&mut self, lex: &Lexicon, words: &Words, date: Option<Date>) {
        for s in 0..self.spans.len() {
            let (class, head, root) = (self.spans[s].class, self.spans[s].head as usize, self.spans[s].root);
            match class {
                Class::Verb if head > 0 => {
                    let after_det = self.wtype.get(head - 1) == Some(&WType::Determiner);
                    let mid_cap = words.words.get(head).is_some_and(|w| w.cap == Cap::Mid);
                    if after_det || mid_cap {
                        self.set_span_class(s, Class::Noun);
                    }
                }
                Class::Actor => {
                    let null = lex
                        .roots
                        .get(root as usize)
                        .and_then(|r| lex.actors.get(r.data as usize))
                        .map(|a| a.codes(date))
                        .is_none_or(|c| c.is_empty() || c.iter().all(|c| c == "---"));
                    if null {
                        self.set_span_class(s, Class::Noun);
                    }
                }
                _ => {}
            }
        }
    }

    /// Agents with no actor beside them become actors (`SET: CONVERT AGENT`).
    fn convert_agents(&mut self) {
        for s in 0..self.spans.len() {
            let sp = &self.spans[s];
            if sp.class != Class::Agent || !sp.active {
                continue;
            }
            let (head, tail) = (sp.head as usize, sp.tail as usize);
            let before_actor = head > 0
                && (self.wtype[head - 1] == WType::Actor
                    || self.has_tail(head - 1, Class::Actor)
                    || self.wtype[head - 1] == WType::Former);
            if before_actor {
                continue;
            }
            let n = self.len();
            if tail + 1 < n && self.has_head(tail + 1, Class::Actor) {
                continue;
            }
            if tail + 2 < n && self.wtype[tail + 1] == WType::Prep && self.wtype[tail + 2] == WType::Actor {
                continue;
            }
            self.set_span_class(s, Class::Actor);
            self.spans[s].converted = true;
        }
    }

    /// `actor (, actor)* AND|NOR actor` lists (TABARI `markCompound`).
    fn mark_compounds(&mut self, lex: &Lexicon) {
        let n = self.len();
        for i in 0..n {
            if self.wtype[i] != WType::Conj {
                continue;
            }
            let is_and = self
                .span_at(i)
                .and_then(|sp| lex.roots.get(sp.root as usize))
                .is_some_and(|r| matches!(r.class, Class::Conjunction(Conj::And | Conj::Nor)));
            if !is_and {
                continue;
            }
            // An actor after the conjunction (over determiners and adjectives).
            let mut end = None;
            let mut k = i + 1;
            while k < n && matches!(self.wtype[k], WType::Actor | WType::Determiner | WType::Adjective) {
                if self.wtype[k] == WType::Actor && self.has_head(k, Class::Actor) {
                    while k < n && !self.has_tail(k, Class::Actor) {
                        k += 1;
                    }
                    end = Some(k.min(n - 1));
                }
                k += 1;
            }
            let Some(end) = end else { continue };
            // Actors before it, joined by commas or conjunctions.
            let mut start = None;
            let mut need_connect = false;
            let mut k = i as isize;
            while k >= 0 {
                let ku = k as usize;
                match self.wtype[ku] {
                    WType::Conj | WType::Comma => need_connect = false,
                    WType::Actor => {
                        if need_connect {
                            break;
                        }
                        let mut h = ku;
                        while h > 0 && !self.has_head(h, Class::Actor) {
                            h -= 1;
                        }
                        start = Some(h);
                        need_connect = true;
                        k = h as isize;
                    }
                    WType::Determiner | WType::Adjective => {}
                    _ => break,
                }
                k -= 1;
            }
            let Some(start) = start else { continue };
            // Compounds inside this one are dropped.
            for c in &mut self.compounds {
                if c.active && c.start as usize >= start && c.end as usize <= end {
                    c.active = false;
                }
            }
            let id = self.compounds.len() as u32;
            self.compounds.push(Seg { start: start as u32, end: end as u32, active: true });
            for slot in &mut self.in_compound[start..=end] {
                *slot = id;
            }
        }
    }

    /// Skips over an active compound starting at `i`; returns the index after it.
    fn skip_compound(&self, i: usize) -> Option<usize> {
        self.compound_head(i).and_then(|c| self.compounds.get(c as usize)).map(|c| c.end as usize + 1)
    }

    /// Comma-delimited clauses within the limits (TABARI `markSubordinate`).
    fn mark_subordinates(&mut self, lim: CommaLimits) {
        let n = self.len();
        let mut i = 0;
        while i < n {
            if let Some(next) = self.skip_compound(i) {
                i = next;
                continue;
            }
            if self.wtype[i] == WType::Comma {
                let comma = i;
                if comma as u32 >= lim.begin_min && comma as u32 <= lim.begin_max && comma > 0 {
                    self.subords.push(Seg { start: 0, end: comma as u32 - 1, active: true });
                }
                i += 1;
                while i < n && self.wtype[i] != WType::Comma {
                    if let Some(next) = self.skip_compound(i) {
                        i = next;
                    } else {
                        i += 1;
                    }
                }
                let len = (i - comma - 1) as u32;
                if i >= n {
                    if len >= lim.end_min && len <= lim.end_max && comma + 1 < n {
                        self.subords.push(Seg { start: comma as u32, end: n as u32 - 1, active: true });
                    }
                    return;
                }
                if len >= lim.min && len <= lim.max {
                    self.subords.push(Seg { start: comma as u32, end: i as u32, active: true });
                }
            }
            if i < n {
                i += 1;
            }
        }
    }

    /// PETRARCH's comma clauses (`check_commas`): the initial clause, then the
    /// final one, then every clause between two commas, each deleted when its
    /// count of words (starting with a letter) is within the limits. Commas
    /// inside compounds do not count.
    fn mark_subordinates_petrarch(&mut self, lim: CommaLimits) {
        let n = self.len();
        let mut commas = Vec::new();
        let mut i = 0;
        while i < n {
            if let Some(next) = self.skip_compound(i) {
                i = next;
                continue;
            }
            if self.wtype[i] == WType::Comma {
                commas.push(i);
            }
            i += 1;
        }
        let Some(&first) = commas.first() else { return };
        let words = |a: usize, b: usize, w: &Self| {
            (a..b).filter(|&k| w.alpha.get(k).copied().unwrap_or(false)).count() as u32
        };
        if lim.begin_max != 0 {
            let c = words(0, first, self);
            if c >= lim.begin_min && c <= lim.begin_max && first > 0 {
                self.subords.push(Seg { start: 0, end: first as u32 - 1, active: true });
            }
        }
        if lim.end_max != 0 {
            if let Some(&last) = commas.last() {
                let c = words(last + 1, n, self);
                if c >= lim.end_min && c <= lim.end_max && last + 1 < n {
                    self.subords.push(Seg { start: last as u32, end: n as u32 - 1, active: true });
                }
            }
        }
        if lim.max != 0 {
            for w in commas.windows(2) {
                let (a, b) = (w[0], w[1]);
                let c = words(a + 1, b, self);
                // `A, the awful B, and C`: an item of a list, not a clause.
                let list_item = self.wtype.get(b + 1) == Some(&WType::Conj);
                if c >= lim.min && c <= lim.max && !list_item {
                    self.subords.push(Seg { start: a as u32, end: b as u32 - 1, active: true });
                }
            }
        }
    }

    /// Cancels everything inside subordinate clauses (TABARI `nullSubordinate`).
    fn null_subordinates(&mut self) {
        let segs = self.subords.clone();
        for seg in segs {
            let (s, e) = (seg.start as usize, seg.end as usize);
            if s == 0 {
                self.wtype[0] = WType::Null;
            }
            for k in s + 1..=e.min(self.len().saturating_sub(1)) {
                self.wtype[k] = WType::Null;
            }
            // Roots and compounds with any word inside are cancelled; a root
            // reaching outside leaves its outside head marked as cancelled.
            for sp in &mut self.spans {
                if !sp.active {
                    continue;
                }
                let inside = |p: u32| (p as usize > s || (s == 0 && p == 0)) && p as usize <= e;
                if sp.words.iter().any(|&p| inside(p)) {
                    sp.active = false;
                    if !inside(sp.head) {
                        if let Some(t) = self.wtype.get_mut(sp.head as usize) {
                            *t = WType::Cancelled;
                        }
                    }
                }
            }
            for c in &mut self.compounds {
                let inside = |p: u32| (p as usize > s || (s == 0 && p == 0)) && p as usize <= e;
                if c.active && (inside(c.start) || inside(c.end)) {
                    c.active = false;
                    if !inside(c.start) {
                        if let Some(t) = self.wtype.get_mut(c.start as usize) {
                            *t = WType::Cancelled;
                        }
                    }
                }
            }
        }
    }

    /// Clauses split at conjunctions outside compounds and subordinate clauses
    /// (TABARI `markClauses`).
    fn mark_clauses(&mut self) {
        let n = self.len();
        let mut start = 0usize;
        let mut i = 0usize;
        while i < n {
            if let Some(next) = self.skip_compound(i) {
                i = next;
                continue;
            }
            if let Some(end) = self.subord_at(i) {
                i = end + 1;
                continue;
            }
            if self.wtype[i] == WType::Conj && i > 0 && i + 1 < n {
                let mut phrase = false;
                if self.wtype[i - 1] == WType::Noun {
                    let mut k = i + 1;
                    while k < n && self.wtype[k] == WType::Adjective {
                        k += 1;
                    }
                    if k < n && self.wtype[k] == WType::Noun {
                        phrase = true;
                        i = k;
                    }
                }
                if !phrase && self.wtype[i - 1] == WType::Adjective && self.wtype[i + 1] == WType::Adjective {
                    phrase = true;
                    i += 1;
                }
                if !phrase {
                    self.has_clauses = true;
                    self.clauses.push(Seg { start: start as u32, end: i as u32 - 1, active: true });
                    start = i + 1;
                    i += 1;
                }
            }
            i += 1;
        }
        if n > 0 {
            self.clauses.push(Seg { start: start.min(n - 1) as u32, end: n as u32 - 1, active: true });
        }
    }

    /// `HE, SHE, IT...` → the first non-compound actor before them;
    /// `THEY, THEM, THEIR` → the first compound, else the first actor.
    fn dereference_pronouns(&mut self, lex: &Lexicon) {
        for s in 0..self.spans.len() {
            let sp = &self.spans[s];
            if !sp.active || !sp.pronoun || sp.class == Class::Actor {
                continue;
            }
            let Some(number) = lex.roots.get(sp.root as usize).and_then(|r| match r.class {
                Class::Pronoun(n) => Some(n),
                _ => None,
            }) else {
                continue;
            };
            let at = sp.head as usize;
            let mut found: Option<usize> = None;
            let mut k = 0usize;
            match number {
                Number::Singular => {
                    while k < at {
                        if self.wtype[k] != WType::Actor {
                            k += 1;
                            continue;
                        }
                        if let Some(c) = self.compound_head(k) {
                            k = self.compounds[c as usize].end as usize + 1;
                        } else if !self.has_head(k, Class::Actor) {
                            k += 1;
                        } else {
                            found = Some(k);
                            break;
                        }
                    }
                }
                Number::Plural => {
                    while k < at {
                        if self.wtype[k] == WType::Actor {
                            if self.compound_head(k).is_some() {
                                found = Some(k);
                                break;
                            }
                            if found.is_none() {
                                found = Some(k);
                            }
                        }
                        k += 1;
                    }
                }
            }
            let reference = match found {
                Some(k) => Some(Reference::Word(k as u32)),
                None if self.forward.root.is_some() => Some(Reference::Forward),
                None => None,
            };
            if let Some(r) = reference {
                self.spans[s].reference = Some(r);
                self.set_span_class(s, Class::Actor);
            }
        }
    }

    /// The first time phrase decides: a date shift, a discard or a complexity
    /// rejection (TABARI `checkTime`).
    fn check_time(&mut self, lex: &Lexicon) {
        for sp in &self.spans {
            if sp.class != Class::Time {
                continue;
            }
            let Some(v) = lex.roots.get(sp.root as usize).and_then(|r| lex.times.get(r.data as usize)) else {
                continue;
            };
            match *v {
                TimeValue::Null => continue,
                TimeValue::Discard => {
                    self.discard =
                        Some(format!("discard time phrase {}", lex.roots[sp.root as usize].written))
                }
                TimeValue::Complex => {
                    self.complex =
                        Some(format!("complex time phrase {}", lex.roots[sp.root as usize].written))
                }
                TimeValue::Shift(d) => self.shift = Some(d),
            }
            return;
        }
    }

    /// Any actor or verb root coded `###` discards the sentence.
    fn check_discards(&mut self, lex: &Lexicon, date: Option<Date>) {
        for sp in &self.spans {
            let Some(root) = lex.roots.get(sp.root as usize) else { continue };
            let discard = match root.class {
                Class::Actor => lex
                    .actors
                    .get(root.data as usize)
                    .is_some_and(|a| a.codes(date).iter().any(|c| c == "###")),
                Class::Verb => lex
                    .verbs
                    .get(root.data as usize)
                    .and_then(|v| v.code.as_ref())
                    .is_some_and(|c| c.is_discard()),
                _ => false,
            };
            if discard {
                self.discard = Some(format!("discard code on {}", root.written));
                return;
            }
        }
    }

    fn skip_subord(&self, i: usize) -> Option<usize> {
        self.subord_at(i).map(|e| e + 1)
    }

    /// TABARI's complexity filter.
    fn evaluate_complexity(&mut self, lex: &Lexicon, c: &Complexity) {
        let n = self.len();
        let mut verbs = 0u32;
        let mut actors = 0u32;
        let mut pronouns = 0u32;
        let mut i = 0;
        while i < n {
            if let Some(next) = self.skip_subord(i) {
                i = next;
                continue;
            }
            if self.has_head(i, Class::Verb) {
                verbs += 1;
            }
            if self.has_head(i, Class::Actor) {
                actors += 1;
            }
            if self.span_at(i).is_some_and(|s| s.pronoun && s.head as usize == i) {
                pronouns += 1;
            }
            i += 1;
        }
        let mut conjs = 0u32;
        let mut i = 0;
        while i < n {
            if let Some(next) = self.skip_compound(i) {
                i = next;
                continue;
            }
            if self.wtype[i] == WType::Conj {
                conjs += 1;
            }
            i += 1;
        }
        // The first non-null verb outside subordinate clauses.
        let mut first_verb = n;
        let mut i = 0;
        while i < n {
            if let Some(next) = self.skip_subord(i) {
                i = next;
                continue;
            }
            if self.wtype[i] == WType::Verb {
                if let Some(s) = self.head_span(i, Class::Verb) {
                    let null = lex
                        .roots
                        .get(self.spans[s as usize].root as usize)
                        .and_then(|r| lex.verbs.get(r.data as usize))
                        .and_then(|v| v.code.as_ref())
                        .is_none_or(|c| c.is_null());
                    if !null {
                        first_verb = i;
                        break;
                    }
                }
            }
            i += 1;
        }
        let actor_in = |from: usize, to: usize| {
            let mut k = from;
            while k < to {
                if let Some(next) = self.skip_subord(k) {
                    k = next;
                    continue;
                }
                if self.wtype[k] == WType::Actor {
                    return true;
                }
                k += 1;
            }
            false
        };
        let mut why: Vec<String> = Vec::new();
        let mut limit = |lim: u32, val: u32, what: &str| {
            if lim > 0 && val >= lim {
                why.push(format!("{val} {what} >= {lim}"));
            }
        };
        limit(c.verbs, verbs, "verbs");
        limit(c.actors, actors, "actors");
        limit(c.pronouns, pronouns, "pronouns");
        limit(c.conjunctions, conjs, "conjunctions");
        if c.late_verb > 0 && verbs > 0 && first_verb as u32 >= c.late_verb {
            why.push(format!("verb at word {first_verb} >= {}", c.late_verb));
        }
        if c.no_actor_prior && !actor_in(0, first_verb.min(n)) {
            why.push("no actor before the verb".into());
        }
        if c.no_actor_after && !actor_in((first_verb + 1).min(n), n) {
            why.push("no actor after the verb".into());
        }
        if c.no_verb && verbs == 0 {
            why.push("no verb".into());
        }
        if !why.is_empty() {
            self.complex = Some(why.join(", "));
        }
    }
}

/// Matches a root phrase at word `i` (TABARI `matchLex`): returns the number of
/// characters matched and fills `positions` with the matched words.
pub fn match_root(
    class: Class,
    phrase: &[crate::lexicon::Elem],
    words: &[crate::words::CWord],
    i: usize,
    max_gap: usize,
    positions: &mut Vec<u32>,
) -> Option<usize> {
    let mut pos = i;
    let mut chars = 0;
    for (k, e) in phrase.iter().enumerate() {
        let last = k + 1 == phrase.len();
        let mut skipped = 0;
        loop {
            let w = words.get(pos)?;
            if w.kind == Kind::Comma {
                return None;
            }
            let m = match fit(&e.text, &w.text) {
                Some(Fit::Exact) => Some(e.text.len()),
                Some(Fit::Partial) if e.stem => Some(e.text.len()),
                Some(Fit::Partial) if last => {
                    ending(e.endings, class, &e.text, &w.text[e.text.len()..]).map(|x| e.text.len() + x)
                }
                _ => None,
            };
            if let Some(c) = m {
                chars += c;
                positions.push(pos as u32);
                break;
            }
            if k > 0 && e.gap && skipped < max_gap {
                pos += 1;
                skipped += 1;
                continue;
            }
            return None;
        }
        pos += 1;
    }
    Some(chars)
}
