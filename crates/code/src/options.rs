//! Coder options and the option changes that TABARI `.options` files and
//! validation suites make (TABARI `OPTION:` records, PETRARCH `<Config>`).
//!
//! The option names follow the suites' own: TABARI's `SET: CODE BY CLAUSE`,
//! `COMPLEX: VERBS[5] CONJ[4] NOACTPRIOR`, `DEFAULT: SOURCE [X] PRIOR`,
//! `COMMA: MIN = 2 MAX = 10`, ...; PETRARCH's `require_dyad`, `new_actor_length`,
//! `comma_min`, ... Both kinds are parsed into [`OptionChange`] values that
//! [`Options::apply`] applies, so a suite can change options between records.

use std::path::Path;

use crate::{Error, Result};

/// Whose conventions the coder follows where TABARI and PETRARCH differ
/// (see `DESIGN.md` §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Dialect {
    /// TABARI 0.8: stems, shallow parse, pronoun references.
    Tabari,
    /// PETRARCH-1: whole words, noun-phrase actors, null actors, agents over compounds.
    #[default]
    Petrarch,
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Dialect::Tabari => "tabari",
            Dialect::Petrarch => "petrarch",
        })
    }
}

/// How many events a sentence may yield.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CodeBy {
    /// One event (or event set) per clause: TABARI's default.
    #[default]
    Clause,
    /// Stop at the first clause that yields an event.
    Sentence,
    /// Code every verb.
    All,
}

/// TABARI's complexity filter: a sentence failing any limit is reported as
/// complex (`+++`) instead of being coded. Zero means "no limit".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Complexity {
    /// Complex when the number of verbs is at least this.
    pub verbs: u32,
    /// Complex when the number of actors is at least this.
    pub actors: u32,
    /// Complex when the number of pronouns is at least this.
    pub pronouns: u32,
    /// Complex when the number of clause conjunctions is at least this.
    pub conjunctions: u32,
    /// Complex when the first coded verb is at this word position or later.
    pub late_verb: u32,
    /// Complex when no actor precedes the first verb.
    pub no_actor_prior: bool,
    /// Complex when no actor follows the first verb.
    pub no_actor_after: bool,
    /// Complex when the sentence has no verb.
    pub no_verb: bool,
}

/// Default source and target codes used when a sentence has none (TABARI `DEFAULT:`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Defaults {
    pub source: Option<String>,
    /// Use the default source unless an actor precedes the verb.
    pub source_prior: bool,
    pub target: Option<String>,
    /// Use the default target unless an actor follows the verb.
    pub target_after: bool,
}

/// Word-count limits for deleting comma-delimited clauses: `min..=max` for
/// internal clauses, `end_min..=end_max` for a final one, `begin_min..=begin_max`
/// for an initial one. A `max` of zero turns that kind of deletion off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommaLimits {
    pub min: u32,
    pub max: u32,
    pub end_min: u32,
    pub end_max: u32,
    pub begin_min: u32,
    pub begin_max: u32,
}

impl CommaLimits {
    pub const OFF: CommaLimits =
        CommaLimits { min: 0, max: 0, end_min: 0, end_max: 0, begin_min: 0, begin_max: 0 };
}

/// Everything that changes how the coder reads a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub dialect: Dialect,
    pub code_by: CodeBy,
    pub complexity: Complexity,
    pub defaults: Defaults,
    pub comma: CommaLimits,
    /// Sentences with fewer words (commas counted) are not coded.
    pub min_words: u32,
    /// Shift event dates by time phrases ("yesterday", "last month").
    pub time_shift: bool,
    /// Turn agents that have no actor ("guerrillas", "security forces") into actors.
    pub convert_agents: bool,
    /// Carry the first actor of a sentence to pronouns in the next one (TABARI `FORWARD:`).
    pub forward: bool,
    /// Suite record dates are `YYYYMMDD` rather than `YYMMDD`.
    pub four_digit_years: bool,
    /// FBIS mode: skip leading non-alphabetic text and bracketed text.
    pub fbis: bool,
    /// Drop events whose source or target is null-coded (`---`).
    pub require_dyad: bool,
    /// Report uncoded noun phrases of at most this many words as new actors (0 = off).
    pub new_actor_length: u32,
    /// dyad's rules for news text (negation, embedded clauses, intent, the
    /// press, events named by nouns; `DESIGN.md` §2.7). Off for the suites.
    pub news: bool,
}

impl Options {
    /// TABARI 0.8's defaults.
    pub fn tabari() -> Options {
        Options {
            dialect: Dialect::Tabari,
            code_by: CodeBy::Clause,
            complexity: Complexity::default(),
            defaults: Defaults::default(),
            comma: CommaLimits { min: 2, max: 10, end_min: 2, end_max: 10, begin_min: 255, begin_max: 0 },
            min_words: 8,
            time_shift: false,
            convert_agents: false,
            forward: false,
            four_digit_years: false,
            fbis: false,
            require_dyad: true,
            new_actor_length: 0,
            news: false,
        }
    }

    /// PETRARCH-1's defaults (its `PETR_config.ini`).
    pub fn petrarch() -> Options {
        Options {
            dialect: Dialect::Petrarch,
            comma: CommaLimits { min: 2, max: 8, end_min: 2, end_max: 8, begin_min: 0, begin_max: 0 },
            min_words: 1,
            ..Options::tabari()
        }
    }

    /// Applies one change.
    pub fn apply(&mut self, change: &OptionChange) {
        match change {
            OptionChange::CodeBy(c) => self.code_by = *c,
            OptionChange::Complexity(c) => self.complexity = *c,
            OptionChange::Defaults(d) => self.defaults = d.clone(),
            OptionChange::Comma(c) => self.comma = *c,
            OptionChange::CommaPart(parts) => {
                for &(key, value) in parts {
                    let slot = match key {
                        CommaKey::Min => &mut self.comma.min,
                        CommaKey::Max => &mut self.comma.max,
                        CommaKey::EndMin => &mut self.comma.end_min,
                        CommaKey::EndMax => &mut self.comma.end_max,
                        CommaKey::BeginMin => &mut self.comma.begin_min,
                        CommaKey::BeginMax => &mut self.comma.begin_max,
                    };
                    *slot = value;
                }
            }
            OptionChange::MinWords(n) => self.min_words = *n,
            OptionChange::TimeShift(b) => self.time_shift = *b,
            OptionChange::ConvertAgents(b) => self.convert_agents = *b,
            OptionChange::Forward(b) => self.forward = *b,
            OptionChange::FourDigitYears(b) => self.four_digit_years = *b,
            OptionChange::Fbis(b) => self.fbis = *b,
            OptionChange::RequireDyad(b) => self.require_dyad = *b,
            OptionChange::NewActorLength(n) => self.new_actor_length = *n,
            OptionChange::Ignored(_) => {}
        }
    }
}

impl Default for Options {
    /// dyad's defaults for news text: TABARI's clause-by-clause coding with
    /// PETRARCH's comma limits and no minimum sentence length.
    fn default() -> Options {
        Options { min_words: 1, news: true, ..Options::petrarch() }
    }
}

/// Which comma limit a `COMMA:` or `comma_*` option sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommaKey {
    Min,
    Max,
    EndMin,
    EndMax,
    BeginMin,
    BeginMax,
}

/// One option change, as read from an options file or a suite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionChange {
    CodeBy(CodeBy),
    Complexity(Complexity),
    Defaults(Defaults),
    Comma(CommaLimits),
    CommaPart(Vec<(CommaKey, u32)>),
    MinWords(u32),
    TimeShift(bool),
    ConvertAgents(bool),
    Forward(bool),
    FourDigitYears(bool),
    Fbis(bool),
    RequireDyad(bool),
    NewActorLength(u32),
    /// A directive that only concerns TABARI's output or interface (`OUTPUT:`,
    /// `LABEL:`, `SET: VERB USAGE`, ...): accepted and ignored.
    Ignored(String),
}

/// Parses one TABARI option line (`SET: ...`, `COMPLEX: ...`, `DEFAULT: ...`,
/// `COMMA: ...`, `FORWARD: ...`, `OUTPUT: ...`, `LABEL: ...`).
///
/// `path` and `line` only label errors.
pub fn parse_tabari_option(text: &str, path: &Path, line: usize) -> Result<OptionChange> {
    let bad = |msg: String| Error::syntax(path, line, msg);
    let text = text.trim();
    let (command, rest) = match text.split_once(':') {
        Some((c, r)) => (c.trim().to_ascii_uppercase(), r.trim()),
        None => return Err(bad(format!("option without a command (`SET:`, `COMPLEX:`, ...): {text:?}"))),
    };
    let upper = rest.to_ascii_uppercase();
    match command.as_str() {
        "SET" => parse_set(&upper).map_err(bad),
        "COMPLEX" => parse_complex(&upper).map_err(bad).map(OptionChange::Complexity),
        "DEFAULT" => parse_default(&upper).map_err(bad).map(OptionChange::Defaults),
        "COMMA" => parse_comma(&upper).map_err(bad),
        "FORWARD" => {
            let off = upper.split_whitespace().any(|w| w == "OFF");
            Ok(OptionChange::Forward(!off))
        }
        "OUTPUT" | "LABEL" => Ok(OptionChange::Ignored(text.to_string())),
        _ => Err(bad(format!("unknown option command {command:?}"))),
    }
}

/// Reads a TABARI `.options` file: one option per line, `//` comments, and
/// a line starting `~~` ends the file.
pub fn read_tabari_options(path: &Path) -> Result<Vec<OptionChange>> {
    let text = crate::suite::read_text(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with("~~") {
            break; // TABARI's end-of-file marker
        }
        if line.is_empty() || line.starts_with("//") || line.starts_with('#') {
            continue;
        }
        out.push(parse_tabari_option(line, path, i + 1)?);
    }
    Ok(out)
}

/// Parses a PETRARCH `<Config option=".." value="..">`.
pub fn parse_petrarch_config(option: &str, value: &str) -> std::result::Result<OptionChange, String> {
    let flag = || !value.trim().eq_ignore_ascii_case("false");
    let number = || {
        value
            .trim()
            .parse::<u32>()
            .map_err(|_| format!("option {option:?} needs a whole number, not {value:?}"))
    };
    let comma = |key| Ok(OptionChange::CommaPart(vec![(key, number()?)]));
    match option.trim() {
        "require_dyad" => Ok(OptionChange::RequireDyad(flag())),
        "new_actor_length" => Ok(OptionChange::NewActorLength(number()?)),
        "stop_on_error" | "write_actor_root" | "write_actor_text" => Ok(OptionChange::Ignored(option.into())),
        "comma_min" => comma(CommaKey::Min),
        "comma_max" => comma(CommaKey::Max),
        "comma_emin" => comma(CommaKey::EndMin),
        "comma_emax" => comma(CommaKey::EndMax),
        "comma_bmin" => comma(CommaKey::BeginMin),
        "comma_bmax" => comma(CommaKey::BeginMax),
        other => Err(format!("unknown <Config> option {other:?}")),
    }
}

fn parse_bool(value: &str) -> std::result::Result<bool, String> {
    match value.trim() {
        "TRUE" | "T" | "YES" | "1" | "ON" => Ok(true),
        "FALSE" | "F" | "NO" | "0" | "OFF" => Ok(false),
        other => Err(format!("expected TRUE or FALSE, found {other:?}")),
    }
}

fn parse_set(rest: &str) -> std::result::Result<OptionChange, String> {
    let compact: String = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(mode) = compact.strip_prefix("CODE BY ") {
        return match mode.trim() {
            "CLAUSE" => Ok(OptionChange::CodeBy(CodeBy::Clause)),
            "SENTENCE" => Ok(OptionChange::CodeBy(CodeBy::Sentence)),
            other => Err(format!("SET: CODE BY takes CLAUSE or SENTENCE, not {other:?}")),
        };
    }
    if compact == "CODE ALL" {
        return Ok(OptionChange::CodeBy(CodeBy::All));
    }
    let (key, value) = match compact.split_once('=') {
        Some((k, v)) => (k.trim().to_string(), v.trim().to_string()),
        None => return Err(format!("SET: needs KEY = VALUE, found {compact:?}")),
    };
    match key.as_str() {
        "MINIMUM WORDS" => value
            .parse::<u32>()
            .map(OptionChange::MinWords)
            .map_err(|_| format!("SET: MINIMUM WORDS needs a whole number, not {value:?}")),
        "TIME SHIFT" => parse_bool(&value).map(OptionChange::TimeShift),
        "CONVERT AGENT" | "CONVERT AGENTS" => parse_bool(&value).map(OptionChange::ConvertAgents),
        "YYYY" => parse_bool(&value).map(OptionChange::FourDigitYears),
        "FBIS" => parse_bool(&value).map(OptionChange::Fbis),
        "SKIP RECORDS" | "VERB USAGE" | "ACTOR USAGE" | "AGENT USAGE" | "LABEL" | "DUP WARNING"
        | "ALLCAPS" | "CHECK DOMINANT" | "SAME ACTORS" | "NONEVENTS" => {
            parse_bool(&value)?;
            Ok(OptionChange::Ignored(format!("SET: {compact}")))
        }
        other => Err(format!("unknown SET: option {other:?}")),
    }
}

fn parse_complex(rest: &str) -> std::result::Result<Complexity, String> {
    let mut c = Complexity::default();
    for word in rest.split_whitespace() {
        let (name, value) = match word.split_once('[') {
            Some((n, v)) => {
                let v = v.strip_suffix(']').ok_or_else(|| format!("unclosed [ in {word:?}"))?;
                let v =
                    v.trim().parse::<u32>().map_err(|_| format!("{word:?} needs a whole number in [...]"))?;
                (n, Some(v))
            }
            None => (word, None),
        };
        let need = |v: Option<u32>| v.ok_or_else(|| format!("{name} needs a limit, e.g. {name}[5]"));
        match name {
            "VERBS" | "VERB" => c.verbs = need(value)?,
            "ACTORS" | "ACTOR" => c.actors = need(value)?,
            "PRONOUNS" | "PRONOUN" => c.pronouns = need(value)?,
            "CONJ" | "CONJUNCTIONS" => c.conjunctions = need(value)?,
            "LATEVERB" => c.late_verb = need(value)?,
            "NOACTPRIOR" => c.no_actor_prior = true,
            "NOACTAFTER" | "NOACTPOST" => c.no_actor_after = true,
            "NOVERB" => c.no_verb = true,
            "EXPLAIN" | "NOSOURCE" | "NOTARGET" | "NOEVENT" => {}
            other => return Err(format!("unknown COMPLEX: condition {other:?}")),
        }
    }
    Ok(c)
}

fn parse_default(rest: &str) -> std::result::Result<Defaults, String> {
    let mut d = Defaults::default();
    if rest.trim() == "OFF" {
        return Ok(d);
    }
    let mut words = rest.split_whitespace().peekable();
    while let Some(word) = words.next() {
        match word {
            "SOURCE" | "TARGET" => {
                let code = words.next().ok_or_else(|| format!("{word} needs a [CODE]"))?;
                let code = code
                    .strip_prefix('[')
                    .and_then(|c| c.strip_suffix(']'))
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| format!("{word} needs a code in brackets, found {code:?}"))?;
                if word == "SOURCE" {
                    d.source = Some(code.to_string());
                } else {
                    d.target = Some(code.to_string());
                }
            }
            "PRIOR" => d.source_prior = true,
            "AFTER" => d.target_after = true,
            other => return Err(format!("unknown DEFAULT: word {other:?}")),
        }
    }
    Ok(d)
}

fn parse_comma(rest: &str) -> std::result::Result<OptionChange, String> {
    if rest.trim() == "OFF" {
        return Ok(OptionChange::Comma(CommaLimits::OFF));
    }
    let spaced = rest.replace('=', " = ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let key = match words[i] {
            "MIN" => CommaKey::Min,
            "MAX" => CommaKey::Max,
            "EMIN" => CommaKey::EndMin,
            "EMAX" => CommaKey::EndMax,
            "BMIN" => CommaKey::BeginMin,
            "BMAX" => CommaKey::BeginMax,
            other => return Err(format!("unknown COMMA: limit {other:?}")),
        };
        let value = match (words.get(i + 1), words.get(i + 2)) {
            (Some(&"="), Some(v)) => v,
            _ => return Err(format!("COMMA: {} needs = NUMBER", words[i])),
        };
        let value =
            value.parse::<u32>().map_err(|_| format!("COMMA: {} = {value:?} is not a number", words[i]))?;
        parts.push((key, value));
        i += 3;
    }
    Ok(OptionChange::CommaPart(parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> OptionChange {
        parse_tabari_option(s, Path::new("t.options"), 1).unwrap()
    }

    #[test]
    fn reads_tabari_options() {
        assert_eq!(parse("SET: CODE BY SENTENCE"), OptionChange::CodeBy(CodeBy::Sentence));
        assert_eq!(parse("SET: CODE ALL"), OptionChange::CodeBy(CodeBy::All));
        assert_eq!(parse("SET: MINIMUM WORDS = 4 "), OptionChange::MinWords(4));
        assert_eq!(parse("SET: TIME SHIFT = FALSE"), OptionChange::TimeShift(false));
        let c = Complexity { verbs: 5, conjunctions: 4, no_actor_prior: true, ..Default::default() };
        assert_eq!(parse("COMPLEX: VERBS[5] CONJ[4] NOACTPRIOR EXPLAIN"), OptionChange::Complexity(c));
        let d = Defaults {
            source: Some("DEFSRC".into()),
            source_prior: true,
            target: Some("DEFTAR".into()),
            target_after: false,
        };
        assert_eq!(parse("DEFAULT: SOURCE [DEFSRC] PRIOR TARGET [DEFTAR]"), OptionChange::Defaults(d));
        assert_eq!(parse("DEFAULT: OFF"), OptionChange::Defaults(Defaults::default()));
        assert_eq!(parse("COMMA: OFF"), OptionChange::Comma(CommaLimits::OFF));
        assert_eq!(parse("FORWARD: ^^*****NNN*SSS OFF"), OptionChange::Forward(false));
        let mut o = Options::tabari();
        o.apply(&parse("COMMA: MIN = 4 MAX = 6 EMIN = 3 EMAX = 6 BMIN = 3 BMAX = 8"));
        assert_eq!(
            o.comma,
            CommaLimits { min: 4, max: 6, end_min: 3, end_max: 6, begin_min: 3, begin_max: 8 }
        );
    }

    #[test]
    fn rejects_bad_options_with_the_line() {
        for bad in
            ["SET: MINIMUM WORDS = many", "COMPLEX: VERBS", "FROB: 1", "DEFAULT: SOURCE DEF", "no colon"]
        {
            let err = parse_tabari_option(bad, Path::new("x.options"), 7).unwrap_err().to_string();
            assert!(err.starts_with("x.options:7:"), "{err}");
        }
    }

    #[test]
    fn reads_petrarch_config() {
        assert_eq!(parse_petrarch_config("require_dyad", "False"), Ok(OptionChange::RequireDyad(false)));
        assert_eq!(parse_petrarch_config("require_dyad", "TRUE"), Ok(OptionChange::RequireDyad(true)));
        assert_eq!(parse_petrarch_config("new_actor_length", "4"), Ok(OptionChange::NewActorLength(4)));
        assert!(parse_petrarch_config("comma_max", "x").is_err());
        assert!(parse_petrarch_config("frobnicate", "1").is_err());
    }
}
