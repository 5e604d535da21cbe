//! The coder's view of a dictionary set: roots (actor, agent, verb, noun,
//! adjective and time phrases plus the closed word classes), verb patterns
//! and synsets, indexed for the word-by-word look-up of `DESIGN.md` §2.2.
//!
//! A [`Lexicon`] is built once (from `dyad-dict` data or in tests by hand)
//! and shared read-only between threads.

use std::collections::HashMap;

use dyad_text::Date;

/// Index of a root in [`Lexicon::roots`].
pub type RootId = u32;

/// What a root is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    Actor,
    Agent,
    Verb,
    Noun,
    Adjective,
    Time,
    Determiner,
    Pronoun(Number),
    Conjunction(Conj),
    /// `WAS`, `WERE`, `BEEN`: passive detection.
    Auxiliary,
    /// `BY`: passive detection.
    By,
    Preposition,
    /// `FORMER`: an adjective that turns an agent into `ELI`.
    Former,
}

/// Singular or plural pronoun.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Number {
    Singular,
    Plural,
}

/// Which conjunction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Conj {
    And,
    Nor,
    Or,
    But,
}

/// Which endings a whole word at the end of a root may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Endings {
    /// None (TABARI `WORD=`, PETRARCH verbs).
    #[default]
    None,
    /// TABARI's regular endings (`WORD_` at the end): `S 'S ES` for nouns,
    /// `S ED D ES EN ING` for verbs.
    Regular,
    /// Only the possessive `'S` (PETRARCH drops it from noun phrases).
    Possessive,
}

/// One word of a root phrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Elem {
    /// Upper case.
    pub text: Box<str>,
    /// Any word starting with `text` matches.
    pub stem: bool,
    /// Other words may come between the previous element and this one.
    pub gap: bool,
    /// Endings a whole word may take when it ends the root.
    pub endings: Endings,
}

impl Elem {
    pub fn new(text: &str, stem: bool, gap: bool, endings: Endings) -> Elem {
        Elem { text: text.to_uppercase().into(), stem, gap, endings }
    }
}

/// A discard phrase: a sentence (or the whole story) containing it is not coded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscardDef {
    pub phrase: Vec<Elem>,
    pub story: bool,
    pub written: String,
}

/// A dictionary phrase of some class.
#[derive(Clone, Debug, PartialEq)]
pub struct Root {
    pub class: Class,
    pub phrase: Vec<Elem>,
    /// Index into the class's table: actors, agents, verbs or times.
    pub data: u32,
    /// The entry as written, for provenance.
    pub written: String,
}

/// A code an actor has during a period (or always).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// One code, or several for a coded compound (`[FRO/BIL/SAM]`).
    pub codes: Vec<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// `false` for the fallback code used when no dated role covers a date.
    pub dated: bool,
}

/// An actor entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActorDef {
    pub roles: Vec<Role>,
    /// `file:line` of the entry.
    pub origin: String,
}

impl ActorDef {
    /// The codes on `date`: the first dated role covering it, else the fallback
    /// role; an empty slice when there is neither.
    pub fn codes(&self, date: Option<Date>) -> &[String] {
        if let Some(d) = date {
            if let Some(r) = self
                .roles
                .iter()
                .find(|r| r.dated && r.from.is_none_or(|f| f <= d) && r.to.is_none_or(|t| d <= t))
            {
                return &r.codes;
            }
        }
        self.roles.iter().find(|r| !r.dated).or(self.roles.first()).map_or(&[], |r| &r.codes)
    }
}

/// Where an agent's code goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// `~GOV`: after the actor code.
    After,
    /// `NGO~`: before it.
    Before,
}

/// An agent entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentDef {
    pub code: String,
    pub place: Place,
    pub origin: String,
}

impl AgentDef {
    /// The code as written: `~GOV` or `NGO~`.
    pub fn written_code(&self) -> String {
        match self.place {
            Place::After => format!("~{}", self.code),
            Place::Before => format!("{}~", self.code),
        }
    }
}

/// An event code as dictionaries write it: `064`, `032:033` (paired),
/// `023?` (subordinate), `031!` (dominant), `---` (null), `###` (discard),
/// `+++` (complex).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    pub main: String,
    /// The reverse-direction code of a paired code.
    pub pair: Option<String>,
    pub subordinate: bool,
    pub dominant: bool,
}

impl Code {
    /// Reads a code without its brackets; `None` when empty.
    pub fn parse(text: &str) -> Option<Code> {
        let t = text.trim();
        let (t, subordinate, dominant) = if let Some(s) = t.strip_suffix('?') {
            (s, true, false)
        } else if let Some(s) = t.strip_suffix('!') {
            (s, false, true)
        } else {
            (t, false, false)
        };
        let (main, pair) = match t.split_once(':') {
            Some((a, b)) => (a.trim(), Some(b.trim().to_string()).filter(|s| !s.is_empty())),
            None => (t, None),
        };
        if main.is_empty() && pair.is_none() {
            return None;
        }
        Some(Code { main: main.to_string(), pair, subordinate, dominant })
    }

    pub fn is_null(&self) -> bool {
        self.main == "---" && self.pair.is_none()
    }
    pub fn is_discard(&self) -> bool {
        self.main == "###"
    }
    pub fn is_complex(&self) -> bool {
        self.main == "+++"
    }
}

/// One element of a verb pattern. `gap`: other words may come between this
/// element and the one before it in the text.
#[derive(Clone, Debug, PartialEq)]
pub enum PElem {
    Word {
        text: Box<str>,
        stem: bool,
        gap: bool,
    },
    Synset {
        id: u32,
        gap: bool,
    },
    Source {
        gap: bool,
    },
    Target {
        gap: bool,
    },
    Compound {
        gap: bool,
    },
    Skip {
        gap: bool,
    },
    Attribution {
        gap: bool,
    },
    /// `{ a b | c }`: the first option that matches.
    Alt {
        options: Vec<Vec<PElem>>,
        gap: bool,
    },
}

impl PElem {
    pub fn gap(&self) -> bool {
        match self {
            PElem::Word { gap, .. }
            | PElem::Synset { gap, .. }
            | PElem::Source { gap }
            | PElem::Target { gap }
            | PElem::Compound { gap }
            | PElem::Skip { gap }
            | PElem::Attribution { gap }
            | PElem::Alt { gap, .. } => *gap,
        }
    }

    /// Characters of literal words (the longest option of an alternative).
    fn length(&self) -> (u32, u32) {
        match self {
            PElem::Word { text, .. } => (text.len() as u32, 0),
            PElem::Alt { options, .. } => {
                let best =
                    options.iter().map(|o| o.iter().map(|e| e.length().0).sum::<u32>()).max().unwrap_or(0);
                (best, best)
            }
            _ => (0, 0),
        }
    }
}

/// A verb pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// Elements before the verb, in text order.
    pub lower: Vec<PElem>,
    /// Other words may come between the last lower element and the verb.
    pub verb_gap: bool,
    /// Elements after the verb, in text order.
    pub upper: Vec<PElem>,
    pub code: Code,
    /// The pattern as written, e.g. `- + * FROM $ [066]`.
    pub written: String,
    pub origin: String,
    /// Characters of literal words: longer patterns are tried first.
    pub length: u32,
    /// Characters of the longest alternatives counted in `length`.
    pub maxalt: u32,
    /// Literal words the pattern cannot match without (outside alternatives
    /// and synsets): exact words, and stems some word must start with. A
    /// sentence lacking one is not tried.
    pub required: Vec<(Box<str>, bool)>,
}

impl Pattern {
    pub fn new(
        lower: Vec<PElem>,
        verb_gap: bool,
        upper: Vec<PElem>,
        code: Code,
        written: &str,
        origin: &str,
    ) -> Pattern {
        let (mut length, mut maxalt) = (0, 0);
        for e in lower.iter().chain(&upper) {
            let (l, a) = e.length();
            length += l;
            maxalt += a;
        }
        let required = lower
            .iter()
            .chain(&upper)
            .filter_map(|e| match e {
                PElem::Word { text, stem, .. } => Some((text.clone(), *stem)),
                _ => None,
            })
            .collect();
        Pattern {
            lower,
            verb_gap,
            upper,
            code,
            written: written.to_string(),
            origin: origin.to_string(),
            length,
            maxalt,
            required,
        }
    }
}

/// A verb entry: its code and patterns (patterns are shared by the forms and
/// synonyms of a block).
#[derive(Clone, Debug, PartialEq)]
pub struct VerbDef {
    /// The code used when no pattern matches; `None` when there is none.
    pub code: Option<Code>,
    /// Indices into [`Lexicon::patterns`], longest first.
    pub patterns: Vec<u32>,
    /// The verb's main form, for provenance.
    pub name: String,
    pub origin: String,
}

/// What a time phrase does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeValue {
    Shift(i32),
    Discard,
    Complex,
    Null,
}

/// A named set of phrases usable in patterns (`&CURRENCY`).
#[derive(Clone, Debug, PartialEq)]
pub struct SynsetDef {
    pub name: String,
    /// Each member is a small pattern of words and nested synsets.
    pub members: Vec<Vec<PElem>>,
    /// Members (indices, in order) by their first word when it is an exact
    /// word; filled by [`Lexicon::finish`].
    pub by_first: HashMap<Box<str>, Vec<u32>>,
    /// Members starting otherwise (a stem, a synset, `$`, `+`), in order.
    pub others: Vec<u32>,
}

impl SynsetDef {
    pub fn new(name: &str, members: Vec<Vec<PElem>>) -> SynsetDef {
        let mut by_first: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        let mut others = Vec::new();
        for (i, m) in members.iter().enumerate() {
            match m.first() {
                Some(PElem::Word { text, stem: false, .. }) => {
                    by_first.entry(text.clone()).or_default().push(i as u32)
                }
                _ => others.push(i as u32),
            }
        }
        SynsetDef { name: name.to_string(), members, by_first, others }
    }

    /// The members that could match at a word, in order.
    pub fn candidates<'a>(&'a self, word: &str) -> impl Iterator<Item = &'a [PElem]> + 'a {
        let a: &[u32] = self.by_first.get(word).map_or(&[], |v| v.as_slice());
        let b: &[u32] = &self.others;
        let (mut i, mut j) = (0, 0);
        std::iter::from_fn(move || {
            let next = match (a.get(i), b.get(j)) {
                (Some(&x), Some(&y)) if x < y => {
                    i += 1;
                    x
                }
                (_, Some(&y)) => {
                    j += 1;
                    y
                }
                (Some(&x), None) => {
                    i += 1;
                    x
                }
                (None, None) => return None,
            };
            Some(next)
        })
        .filter_map(move |k| self.members.get(k as usize).map(Vec::as_slice))
    }
}

/// The compiled dictionary the coder reads.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    pub roots: Vec<Root>,
    pub actors: Vec<ActorDef>,
    pub agents: Vec<AgentDef>,
    pub verbs: Vec<VerbDef>,
    pub patterns: Vec<Pattern>,
    pub synsets: Vec<SynsetDef>,
    pub times: Vec<TimeValue>,
    pub discards: Vec<DiscardDef>,
    /// Dictionary entries left out, each with where and why (a malformed
    /// event code, ...).
    pub skipped: Vec<String>,
    index: HashMap<Box<str>, Vec<RootId>>,
    max_key: usize,
    /// Bit `n` is set when some root starts with a stem of `n` bytes (63: 63
    /// or more).
    stem_lens: u64,
    /// Discards by exact first word, and those starting with a stem.
    discard_index: HashMap<Box<str>, Vec<u32>>,
    discard_stems: Vec<u32>,
}

/// The closed word classes every dictionary set gets.
const CLOSED: &[(&str, Class)] = &[
    ("A", Class::Determiner),
    ("AN", Class::Determiner),
    ("THE", Class::Determiner),
    ("AND", Class::Conjunction(Conj::And)),
    ("NOR", Class::Conjunction(Conj::Nor)),
    ("OR", Class::Conjunction(Conj::Or)),
    ("BUT", Class::Conjunction(Conj::But)),
    ("HE", Class::Pronoun(Number::Singular)),
    ("HIM", Class::Pronoun(Number::Singular)),
    ("HIS", Class::Pronoun(Number::Singular)),
    ("SHE", Class::Pronoun(Number::Singular)),
    ("HER", Class::Pronoun(Number::Singular)),
    ("IT", Class::Pronoun(Number::Singular)),
    ("ITS", Class::Pronoun(Number::Singular)),
    ("THEY", Class::Pronoun(Number::Plural)),
    ("THEM", Class::Pronoun(Number::Plural)),
    ("THEIR", Class::Pronoun(Number::Plural)),
    ("WAS", Class::Auxiliary),
    ("WERE", Class::Auxiliary),
    ("BEEN", Class::Auxiliary),
    ("BY", Class::By),
    ("IN", Class::Preposition),
    ("OF", Class::Preposition),
    ("FROM", Class::Preposition),
    ("FORMER", Class::Former),
];

impl Lexicon {
    /// An empty lexicon holding only the closed word classes.
    pub fn new() -> Lexicon {
        let mut lex = Lexicon::default();
        for &(w, class) in CLOSED {
            lex.add_root(class, vec![Elem::new(w, false, false, Endings::None)], 0, w);
        }
        lex
    }

    /// Adds a root; earlier roots win ties.
    pub fn add_root(&mut self, class: Class, phrase: Vec<Elem>, data: u32, written: &str) -> Option<RootId> {
        let head = phrase.first()?;
        let first = head.text.clone();
        let id = self.roots.len() as RootId;
        self.max_key = self.max_key.max(first.len());
        if head.stem {
            self.stem_lens |= 1u64 << first.len().min(63);
        }
        self.index.entry(first).or_default().push(id);
        self.roots.push(Root { class, phrase, data, written: written.to_string() });
        Some(id)
    }

    /// Roots whose first element could match `word` (upper case): keyed by the
    /// word itself, the word without a regular or possessive ending, or a
    /// prefix as long as some stem (roots may come more than once).
    pub fn candidates<'a>(&'a self, word: &'a str) -> impl Iterator<Item = RootId> + 'a {
        const ENDINGS: [&str; 8] = ["S", "'S", "ES", "ED", "EN", "ING", "D", "'"];
        let max = word.len().min(self.max_key);
        let stems = self.stem_lens;
        let endings = ENDINGS
            .iter()
            .filter_map(move |e| word.strip_suffix(e))
            .filter(|w| !w.is_empty())
            .map(str::len)
            .filter(move |&n| stems & (1u64 << n.min(63)) == 0);
        let stem_prefixes = (1..word.len()).filter(move |&n| stems & (1u64 << n.min(63)) != 0 && n <= max);
        std::iter::once(word.len())
            .chain(endings)
            .chain(stem_prefixes)
            .filter(move |&n| n <= max && word.is_char_boundary(n))
            .filter_map(move |n| self.index.get(&word[..n]))
            .flat_map(|v| v.iter().copied())
    }

    /// Sorts every verb's patterns longest first (stable: dictionary order breaks ties).
    pub fn finish(&mut self) {
        let lens: Vec<u32> = self.patterns.iter().map(|p| p.length).collect();
        for v in &mut self.verbs {
            v.patterns.sort_by_key(|&p| std::cmp::Reverse(lens[p as usize]));
        }
        self.discard_index.clear();
        self.discard_stems.clear();
        for (i, d) in self.discards.iter().enumerate() {
            match d.phrase.first() {
                Some(e) if !e.stem => self.discard_index.entry(e.text.clone()).or_default().push(i as u32),
                Some(_) => self.discard_stems.push(i as u32),
                None => {}
            }
        }
    }

    /// The discards whose first word could be `word`: exact first words, then
    /// those starting with a stem (indices into [`Lexicon::discards`]).
    pub fn discard_candidates<'a>(&'a self, word: &str) -> impl Iterator<Item = u32> + 'a {
        let exact: &[u32] = self.discard_index.get(word).map_or(&[], |v| v.as_slice());
        exact.iter().chain(&self.discard_stems).copied()
    }
}

/// How well a dictionary word matches a text word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    /// The text word starts with the dictionary word.
    Partial,
    Exact,
}

/// Compares a dictionary word with a text word (both upper case).
pub fn fit(dict: &str, word: &str) -> Option<Fit> {
    if word == dict {
        Some(Fit::Exact)
    } else if word.len() > dict.len() && word.starts_with(dict) {
        Some(Fit::Partial)
    } else {
        None
    }
}

/// The characters an ending adds, if `rest` is one allowed by `endings` for
/// `class` (`stem` is the dictionary word it follows).
pub fn ending(endings: Endings, class: Class, stem: &str, rest: &str) -> Option<usize> {
    match endings {
        Endings::None => return None,
        Endings::Possessive => return (rest == "'S" || rest == "'").then_some(rest.len()),
        Endings::Regular => {}
    }
    match class {
        Class::Actor | Class::Agent | Class::Noun => match rest {
            "S" => Some(1),
            "'S" | "ES" => Some(2),
            _ => None,
        },
        Class::Verb => match rest {
            "S" => Some(1),
            "ED" | "ES" | "EN" => Some(2),
            "ING" => Some(3),
            "D" if stem.ends_with('E') => Some(1),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes() {
        assert_eq!(Code::parse("032:033").unwrap().pair.as_deref(), Some("033"));
        assert!(Code::parse("023?").unwrap().subordinate);
        assert!(Code::parse("031!").unwrap().dominant);
        assert!(Code::parse("---").unwrap().is_null());
        assert!(Code::parse(" ").is_none());
    }

    #[test]
    fn dated_codes() {
        let d = |s: &str| s.parse::<Date>().ok();
        let a = ActorDef {
            roles: vec![
                Role { codes: vec!["HOB".into()], from: None, to: d("1995-05-31"), dated: true },
                Role {
                    codes: vec!["HOBGOV".into()],
                    from: d("1995-06-01"),
                    to: d("1999-08-15"),
                    dated: true,
                },
                Role { codes: vec!["X".into()], from: None, to: None, dated: false },
            ],
            origin: String::new(),
        };
        assert_eq!(a.codes(d("1995-01-20")), ["HOB"]);
        assert_eq!(a.codes(d("1998-01-01")), ["HOBGOV"]);
        assert_eq!(a.codes(d("2001-01-01")), ["X"]);
        assert_eq!(a.codes(None), ["X"]);
    }

    #[test]
    fn candidates_include_prefixes() {
        let mut lex = Lexicon::new();
        let id = lex
            .add_root(Class::Actor, vec![Elem::new("ARGENTIN", true, false, Endings::None)], 0, "ARGENTIN")
            .unwrap();
        assert!(lex.candidates("ARGENTINA").any(|r| r == id));
        assert!(!lex.candidates("ARGENT").any(|r| r == id));
        assert_eq!(fit("ARGENTIN", "ARGENTINA"), Some(Fit::Partial));
        assert_eq!(ending(Endings::Regular, Class::Verb, "DEPLORE", "D"), Some(1));
        assert_eq!(ending(Endings::Regular, Class::Verb, "DEPART", "X"), None);
        assert_eq!(ending(Endings::Regular, Class::Noun, "LIBYA", "'S"), Some(2));
        assert_eq!(ending(Endings::Possessive, Class::Actor, "LIBYA", "'S"), Some(2));
        assert_eq!(ending(Endings::Possessive, Class::Actor, "LIBYA", "S"), None);
    }
}
