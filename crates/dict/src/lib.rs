//! Dictionary formats, compiled actor/agent/verb tables and time-bounded roles.
//!
//! dyad codes actors from dictionaries: who is called what, and which CAMEO code they had
//! on a given day (Mark Rutte was `NLDGOV` in 2015 and `IGOWSTNAT` in 2025). This crate
//!
//! * reads the formats users already keep — TABARI (`.actors`, `.verbs`, `.agents`,
//!   `.project`) and PETRARCH/Phoenix (`*.actors.txt`, `CAMEO.2.0.txt`, agents, discards,
//!   issues) — and dyad's own, diff-friendly formats (`dictionaries/FORMAT.md`), all into one
//!   in-memory model, [`DictSet`], keeping every entry's file and line;
//! * converts the legacy formats into dyad's ([`import()`]);
//! * lints a set ([`check()`]);
//! * compiles a set into one versioned binary file ([`compile()`]) that loads in
//!   milliseconds as an immutable, shareable [`Dictionary`];
//! * answers the coder's questions: the longest actor phrase at a token and its code on a
//!   date, with the entry, role and rule that produced it; agents and their combination
//!   with actors (`Russian` + `President` = `RUSGOV`); verbs, their blocks and patterns.
//!
//! Errors in dictionary files name the file, line and column, and show the line with a
//! caret under the bad text ([`Diagnostic`]).
//!
//! ```
//! use dyad_dict::{read_into, Dictionary, Format, Kind, Dialect, Loaded, DateRule};
//! use dyad_text::Date;
//!
//! let actors = "\
//! Mark Rutte
//!   + Rutte
//!   = NLDGOV 2010-10-14..2024-07-01  Prime Minister of the Netherlands
//!   = IGOWSTNAT 2024-10-01..         Secretary General of NATO
//! ";
//! let agents = "President\n  + Presidents\n  = ~GOV\n";
//! let mut loaded = Loaded::default();
//! read_into(&mut loaded, "people.actors", actors, Format { kind: Kind::Actors, dialect: Dialect::Dyad }, 0)?;
//! read_into(&mut loaded, "roles.agents", agents, Format { kind: Kind::Agents, dialect: Dialect::Dyad }, 0)?;
//! let dict = Dictionary::from_set(&loaded.set)?;
//!
//! let mut scratch = dyad_dict::Scratch::default();
//! let mut sent = dict.sentence(["NATO", "chief", "Mark", "Rutte", "said"], &mut scratch);
//! let m = sent.actor_at(2).expect("an actor");
//! assert_eq!((m.start(), m.end()), (2, 4));
//! let r = m.resolve("2025-03-14".parse::<Date>()?);
//! assert_eq!(r.codes, ["IGOWSTNAT"]);
//! assert_eq!(r.rule, DateRule::Dated);
//! assert_eq!(r.role.unwrap().origin().to_string(), "people.actors:4");
//! assert_eq!(m.resolve("2015-01-01".parse::<Date>()?).codes, ["NLDGOV"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Layers: [`load_layers`] takes directories in priority order (Phoenix first, the current
//! layer last); where both know a name, the later layer's entry decides on the dates it
//! covers and the earlier one on the others ([`ActorMatch::resolve`]).
//!
//! Verbs for the coder: the verb at a token, its block (synonyms sharing patterns) and
//! the block's patterns, each a sequence of [`Item`]s; synsets are referenced and can be
//! expanded ([`SynsetRef::members`]).
//!
//! ```
//! use dyad_dict::{read_into, Dictionary, Format, Kind, Dialect, Loaded, Item};
//!
//! let verbs = "\
//! synset &CURRENCY
//!   + dollar
//!   + dollars
//! block GRANT = 070
//!   verb +hand over | +hands over | +handed over
//!   - * &CURRENCY = 071  money
//! ";
//! let mut loaded = Loaded::default();
//! read_into(&mut loaded, "cameo.verbs", verbs, Format { kind: Kind::Verbs, dialect: Dialect::Dyad }, 0)?;
//! let dict = Dictionary::from_set(&loaded.set)?;
//! let mut scratch = dyad_dict::Scratch::default();
//! let mut sent = dict.sentence(["Washington", "handed", "over", "dollars"], &mut scratch);
//! let v = sent.verb_at(1).expect("a verb");             // token 1 is the verb word
//! assert_eq!((v.start, v.end, v.form()), (1, 3, "+handed over"));
//! let block = v.verb().block();
//! assert_eq!((block.name(), v.verb().code()), ("GRANT", "070"));
//! let pattern = block.patterns().next().expect("a pattern");
//! assert_eq!((pattern.code(), pattern.text(), pattern.origin().line), ("071", "* &CURRENCY", 6));
//! let Some(Item::Synset { synset: Some(s), .. }) = pattern.items().nth(1) else { panic!() };
//! assert!(s.members().any(|m| m == "dollars"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bin;
mod check;
mod compile;
mod dict;
mod error;
pub mod gazetteer;
mod import;
mod iso3166;
mod model;
pub mod ontology;
mod phrase;
mod read;
mod write;

pub use check::{check, check_dictionary, CAMEO_PREFIXES};
pub use compile::{compile, compile_to_file, tokenizer_fingerprint, validate, write_atomic};
pub use dict::{
    ActorMatch, ActorRef, AgentMatch, AgentRef, BlockRef, Composite, DateRule, Dictionary, DiscardMatch,
    IssueMatch, Item, Origin, PatternRef, PhraseRef, Resolution, RoleRef, Scratch, Sentence, SourceRef,
    Stats, SynsetRef, VerbMatch, VerbRef,
};
pub use error::{Diagnostic, Error, Result, Severity};
pub use import::{import, ImportReport};
pub use model::*;
pub use phrase::{normalize, KeyToken, Phrase, PhraseError, PhraseTokenizer, Word, MAX_GAP};
pub use read::{detect, load_layers, load_path, read_into, Fix, Format, Loaded};
pub use write::{write_actors, write_agents, write_discards, write_issues, write_verbs, write_words};

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn dictionary_is_shareable() {
        assert_send_sync::<crate::Dictionary>();
        assert_send_sync::<std::sync::Arc<crate::Dictionary>>();
    }
}
