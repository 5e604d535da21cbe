//! The in-memory model every reader fills and every writer, linter and compiler reads.

use dyad_text::Date;

use crate::phrase::Phrase;

/// Index of a source file in [`DictSet::files`].
pub type FileId = u32;

/// Where an entry came from: file and 1-based line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: FileId,
    pub line: u32,
}

/// The dictionary language a file is written in. It decides how phrases and date
/// restrictions are read (see `dictionaries/FORMAT.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// dyad's own formats.
    Dyad,
    /// PETRARCH / Phoenix files: whole words; date ranges include the start and exclude the end.
    Petrarch,
    /// TABARI files: stems and gaps; date limits are inclusive.
    Tabari,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Dyad => "dyad",
            Dialect::Petrarch => "petrarch",
            Dialect::Tabari => "tabari",
        }
    }

    pub(crate) fn to_u32(self) -> u32 {
        match self {
            Dialect::Dyad => 0,
            Dialect::Petrarch => 1,
            Dialect::Tabari => 2,
        }
    }

    pub(crate) fn from_u32(v: u32) -> Dialect {
        match v {
            1 => Dialect::Petrarch,
            2 => Dialect::Tabari,
            _ => Dialect::Dyad,
        }
    }
}

/// What a dictionary file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Actors,
    Agents,
    Verbs,
    Discards,
    Issues,
    Prepositions,
}

impl Kind {
    /// The file extension of dyad's format for this kind.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Actors => "actors",
            Kind::Agents => "agents",
            Kind::Verbs => "verbs",
            Kind::Discards => "discards",
            Kind::Issues => "issues",
            Kind::Prepositions => "words",
        }
    }

    pub(crate) fn to_u32(self) -> u32 {
        self as u32
    }

    pub(crate) fn from_u32(v: u32) -> Kind {
        match v {
            1 => Kind::Agents,
            2 => Kind::Verbs,
            3 => Kind::Discards,
            4 => Kind::Issues,
            5 => Kind::Prepositions,
            _ => Kind::Actors,
        }
    }
}

/// A source file of a dictionary set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as given by the user (shown in messages and provenance).
    pub name: String,
    pub kind: Kind,
    pub dialect: Dialect,
    /// Priority: files of a later layer win over earlier ones on the dates they cover.
    pub layer: u32,
}

/// Special codes inherited from TABARI.
pub const NULL_CODE: &str = "---";
pub const DISCARD_CODE: &str = "###";
pub const COMPLEX_CODE: &str = "+++";

/// An actor: a person, organisation, country... with the names it is known by and the
/// codes it has had over time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub name: Phrase,
    pub aliases: Vec<Alias>,
    /// In source order. Readers of TABARI/PETRARCH files keep their order because the first
    /// dated restriction that covers a date wins there.
    pub roles: Vec<Role>,
    pub loc: Loc,
    /// Source comments and notes that belong to the entry (kept for the reader).
    pub comments: Vec<String>,
}

/// Another name of an actor (`+ Rutte`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alias {
    pub phrase: Phrase,
    pub loc: Loc,
}

/// A code an actor has during a period (or always).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// Usually one CAMEO code; TABARI's `[ELR/GAL]` gives several. `---` is the null code.
    pub codes: Vec<String>,
    /// First day of the role (inclusive), `None` = open.
    pub from: Option<Date>,
    /// Last day of the role (inclusive), `None` = open.
    pub to: Option<Date>,
    /// `false` for the fallback role (`= CODE ..`, TABARI's undated `[CODE]`), used on
    /// dates no dated role covers.
    pub dated: bool,
    /// What the role is ("Secretary General of NATO").
    pub note: String,
    pub loc: Loc,
    /// The restriction as written in a TABARI/PETRARCH source (`[NLDGOV >110101]`), for
    /// provenance; empty for dyad files.
    pub source: String,
}

impl Role {
    /// Whether this role applies on `date`: a dated role covering it, or a fallback.
    pub fn covers(&self, date: Date) -> bool {
        self.dated && self.from.is_none_or(|f| f <= date) && self.to.is_none_or(|t| date <= t)
    }

    /// `FROM..TO` in dyad syntax (`2024-10-01..`, `..`).
    pub fn range_text(&self) -> String {
        let f = self.from.map(|d| d.to_string()).unwrap_or_default();
        let t = self.to.map(|d| d.to_string()).unwrap_or_default();
        format!("{f}..{t}")
    }

    /// The codes joined with `/`.
    pub fn code_text(&self) -> String {
        self.codes.join("/")
    }
}

/// Where an agent's code goes relative to the actor code it qualifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AgentPlace {
    /// `~GOV`: after the actor code (`RUS` + `~GOV` = `RUSGOV`).
    After,
    /// `NGO~`: before it (`NGO~` + `USA` = `NGOUSA`).
    Before,
}

/// A generic role word ("president", "troops") that qualifies an actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    /// The singular, canonical form.
    pub name: Phrase,
    /// Every other form that matches: plurals, substitution-set variants.
    pub forms: Vec<Alias>,
    pub code: String,
    pub place: AgentPlace,
    pub loc: Loc,
    pub comments: Vec<String>,
}

impl Agent {
    /// The code as written in dictionaries: `~GOV` or `NGO~`.
    pub fn code_text(&self) -> String {
        match self.place {
            AgentPlace::After => format!("~{}", self.code),
            AgentPlace::Before => format!("{}~", self.code),
        }
    }
}

/// A named set of words or phrases usable in verb patterns (`&CURRENCY`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Synset {
    /// With the leading `&`.
    pub name: String,
    pub members: Vec<Alias>,
    pub loc: Loc,
}

/// A block of synonymous verbs sharing patterns (`--- ACCELERATE [---] ---`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerbBlock {
    pub name: String,
    /// The code of an isolated verb of the block (`---` = no event).
    pub code: String,
    pub verbs: Vec<Verb>,
    pub patterns: Vec<Pattern>,
    pub loc: Loc,
    pub dialect: Dialect,
}

/// A verb of a block with every form that matches it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verb {
    /// The primary form; `forms[0]` is the same phrase.
    pub lemma: VerbForm,
    /// All forms, the lemma first.
    pub forms: Vec<VerbForm>,
    /// A code of its own, overriding the block's.
    pub code: Option<String>,
    pub loc: Loc,
}

/// A verb form: one word, or several with one of them the verb (`+CORDON_OFF`: "cordon"
/// is the verb, "off" must follow it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VerbForm {
    pub words: Vec<String>,
    /// Index in `words` of the verb itself.
    pub head: usize,
}

impl VerbForm {
    /// dyad syntax: words separated by blanks, the verb marked with `+` when there are several.
    pub fn to_dyad(&self) -> String {
        if self.words.len() == 1 {
            return self.words[0].clone();
        }
        let mut parts = Vec::with_capacity(self.words.len());
        for (i, w) in self.words.iter().enumerate() {
            parts.push(if i == self.head { format!("+{w}") } else { w.clone() });
        }
        parts.join(" ")
    }
}

/// One element of a verb pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PatternItem {
    /// A word; `stem` and `gap` as in [`crate::Word`]. PETRARCH words are whole and the
    /// structure (`{}` and `()`) says where they go.
    Word {
        text: String,
        stem: bool,
        gap: bool,
    },
    /// `&NAME`: any member of the synset.
    Synset {
        name: String,
        gap: bool,
    },
    /// `*`: the verb.
    Verb,
    /// `$`: the source actor.
    Source,
    /// `+`: the target actor.
    Target,
    /// `%`: a compound actor (source and target).
    Compound,
    /// `^`: skip the next noun phrase.
    Skip,
    /// `@`: the attributed speaker (TABARI).
    Attribution,
    /// `{` / `}`: a noun phrase whose last word is its head (PETRARCH) or, in TABARI, a set
    /// of alternatives separated by `|`.
    OpenBrace,
    CloseBrace,
    /// `(` / `)`: a prepositional phrase, the preposition first.
    OpenParen,
    CloseParen,
    /// `|`: separates alternatives inside `{...}` (TABARI).
    Or,
}

/// A verb pattern: words around the verb that select a more specific event code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern as written, without the leading `-` and the code (`* (TO) &CURRENCY`).
    pub text: String,
    pub items: Vec<PatternItem>,
    /// The code: `061`, PETRARCH-2's two-part `042:043` (either part may be empty: `:173`),
    /// `---` for no event.
    pub code: String,
    /// Free text (the comment that followed the pattern).
    pub note: String,
    pub loc: Loc,
}

/// PETRARCH-2 verb transformation (`~ a (a b ATTACK) SAY = a b 015`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transform {
    pub lhs: String,
    pub rhs: String,
    pub loc: Loc,
}

/// TABARI `<TIME>` entry: a phrase shifting the event date, or discarding/complexing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeShift {
    pub phrase: Phrase,
    /// `-7`, `+30`, `###`, `+++`, `---` as written.
    pub value: String,
    pub patterns: Vec<Pattern>,
    pub loc: Loc,
}

/// The verb dictionary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verbs {
    pub synsets: Vec<Synset>,
    pub blocks: Vec<VerbBlock>,
    pub transforms: Vec<Transform>,
    pub times: Vec<TimeShift>,
    /// TABARI `<NOUN>` / `<ADJECTIVE>` lists: words that stop a verb reading.
    pub nouns: Vec<Alias>,
    pub adjectives: Vec<Alias>,
}

/// A phrase whose presence stops coding of the sentence (or the whole story).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discard {
    pub phrase: Phrase,
    pub story: bool,
    pub loc: Loc,
}

/// What an ignore phrase of the issues dictionary cancels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IssueIgnore {
    /// A normal issue phrase.
    No,
    /// `~`: no issues from the sentence.
    Sentence,
    /// `~~`: no issues from the story.
    Story,
}

/// An issue phrase (`n:atrocity [ID_ATROCITY]`), with its expansions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// Every expanded variant (singular/plural, verb forms, `+` as blank and hyphen).
    pub variants: Vec<Phrase>,
    /// `None` for ignore phrases.
    pub code: Option<String>,
    pub ignore: IssueIgnore,
    /// The `<ISSUE CATEGORY="...">` it appears in.
    pub category: String,
    pub loc: Loc,
}

/// A word list entry (prepositions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListWord {
    pub word: String,
    pub loc: Loc,
}

/// A whole dictionary set: what one or more directories of dictionary files hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DictSet {
    pub files: Vec<SourceFile>,
    pub actors: Vec<Actor>,
    pub agents: Vec<Agent>,
    pub verbs: Verbs,
    pub discards: Vec<Discard>,
    pub issues: Vec<Issue>,
    pub prepositions: Vec<ListWord>,
}

impl DictSet {
    /// Registers a source file and returns its id.
    pub fn add_file(&mut self, name: &str, kind: Kind, dialect: Dialect, layer: u32) -> FileId {
        self.files.push(SourceFile { name: name.to_string(), kind, dialect, layer });
        (self.files.len() - 1) as FileId
    }

    /// The file name of `loc` ("?" for an unknown file id).
    pub fn file_name(&self, loc: Loc) -> &str {
        self.files.get(loc.file as usize).map(|f| f.name.as_str()).unwrap_or("?")
    }

    /// `file:line` of `loc`.
    pub fn place(&self, loc: Loc) -> String {
        format!("{}:{}", self.file_name(loc), loc.line)
    }

    pub fn layer(&self, loc: Loc) -> u32 {
        self.files.get(loc.file as usize).map(|f| f.layer).unwrap_or(0)
    }

    pub fn dialect(&self, loc: Loc) -> Dialect {
        self.files.get(loc.file as usize).map(|f| f.dialect).unwrap_or(Dialect::Dyad)
    }
}
