//! The coding engine on a small hand-built lexicon, in both dialects.

use dyad_code::coder::{Coder, Scratch, Verdict};
use dyad_code::document::{DocCoder, DocScratch, Emit};
use dyad_code::lexicon::{
    ActorDef, AgentDef, Class, Code, Elem, Endings, Lexicon, PElem, Pattern, Place, Role, VerbDef,
};
use dyad_code::options::Options;
use dyad_code::record::Output;

fn elems(text: &str, endings: Endings) -> Vec<Elem> {
    let n = text.split_whitespace().count();
    text.split_whitespace()
        .enumerate()
        .map(|(i, w)| Elem::new(w, false, false, if i + 1 == n { endings } else { Endings::None }))
        .collect()
}

fn actor(lex: &mut Lexicon, name: &str, code: &str) {
    let id = lex.actors.len() as u32;
    lex.actors.push(ActorDef {
        roles: vec![Role { codes: vec![code.to_string()], from: None, to: None, dated: false }],
        origin: "test".into(),
    });
    lex.add_root(Class::Actor, elems(name, Endings::Regular), id, name);
}

fn agent(lex: &mut Lexicon, name: &str, code: &str) {
    let id = lex.agents.len() as u32;
    lex.agents.push(AgentDef { code: code.to_string(), place: Place::After, origin: "test".into() });
    lex.add_root(Class::Agent, elems(name, Endings::Regular), id, name);
}

fn word(text: &str, gap: bool) -> PElem {
    PElem::Word { text: text.into(), stem: false, gap }
}

/// A verb with its forms (the first is the main one), default code and patterns.
fn verb(lex: &mut Lexicon, forms: &[&str], code: &str, patterns: Vec<Pattern>) {
    let mut ids = Vec::new();
    for p in patterns {
        ids.push(lex.patterns.len() as u32);
        lex.patterns.push(p);
    }
    let id = lex.verbs.len() as u32;
    lex.verbs.push(VerbDef {
        code: Code::parse(code),
        patterns: ids,
        name: forms[0].to_string(),
        origin: "test".into(),
    });
    for f in forms {
        lex.add_root(Class::Verb, elems(f, Endings::None), id, f);
    }
}

fn pattern(lower: Vec<PElem>, upper: Vec<PElem>, code: &str) -> Pattern {
    Pattern::new(lower, true, upper, Code::parse(code).expect("code"), code, "test")
}

fn lexicon() -> Lexicon {
    let mut lex = Lexicon::new();
    actor(&mut lex, "RUSSIA", "RUS");
    actor(&mut lex, "UKRAINE", "UKR");
    actor(&mut lex, "PUTIN", "RUSGOV");
    actor(&mut lex, "KIEV", "UKR");
    actor(&mut lex, "FRANCE", "FRA");
    agent(&mut lex, "POLICE", "COP");
    verb(&mut lex, &["ATTACK", "ATTACKED", "ATTACKS"], "190", vec![]);
    verb(
        &mut lex,
        &["MEET", "MET", "MEETS"],
        "040",
        vec![pattern(vec![], vec![word("WITH", true), PElem::Target { gap: true }], "043")],
    );
    verb(&mut lex, &["ACCUSE", "ACCUSED"], "112", vec![]);
    verb(&mut lex, &["HOST", "HOSTED"], ":075", vec![]);
    lex.finish();
    lex
}

fn triples(v: &Verdict) -> Vec<(String, String, String)> {
    match v {
        Verdict::Events(evs) => {
            let mut t: Vec<_> =
                evs.iter().map(|e| (e.source.clone(), e.target.clone(), e.code.clone())).collect();
            t.sort();
            t
        }
        _ => Vec::new(),
    }
}

fn code_with(options: &Options, text: &str) -> Verdict {
    let lex = lexicon();
    let mut options = options.clone();
    options.min_words = 0;
    let coder = Coder::new(&lex, &options);
    coder.code(text, 0, text.len(), None, false, &mut Scratch::default())
}

fn t(s: &str, g: &str, c: &str) -> (String, String, String) {
    (s.to_string(), g.to_string(), c.to_string())
}

#[test]
fn subject_verb_object_both_dialects() {
    for options in [Options::tabari(), Options::petrarch()] {
        let v = code_with(&options, "Russia attacked Ukraine on Monday.");
        assert_eq!(triples(&v), [t("RUS", "UKR", "190")], "{:?} {v:?}", options.dialect);
    }
}

#[test]
fn pattern_with_prepositional_target() {
    for options in [Options::tabari(), Options::petrarch()] {
        let v = code_with(&options, "Putin met with Kiev officials on Friday.");
        assert_eq!(triples(&v), [t("RUSGOV", "UKR", "043")], "{:?}", options.dialect);
    }
}

#[test]
fn paired_code_with_an_empty_side_gives_only_the_other_direction() {
    for options in [Options::tabari(), Options::petrarch()] {
        let v = code_with(&options, "France hosted Ukraine on Monday.");
        assert_eq!(triples(&v), [t("UKR", "FRA", "075")], "{:?} {v:?}", options.dialect);
    }
}

#[test]
fn passive_by_agent_is_source_in_tabari() {
    let v = code_with(&Options::tabari(), "Ukraine was attacked by Russia.");
    assert_eq!(triples(&v), [t("RUS", "UKR", "190")]);
}

#[test]
fn agent_combines_with_actor() {
    for options in [Options::tabari(), Options::petrarch()] {
        let v = code_with(&options, "Russia accused the Ukraine police of torture.");
        assert_eq!(triples(&v), [t("RUS", "UKRCOP", "112")], "{:?} {v:?}", options.dialect);
    }
}

#[test]
fn compound_sources_make_several_events() {
    let v = code_with(&Options::tabari(), "Russia and France attacked Ukraine.");
    assert_eq!(triples(&v), [t("FRA", "UKR", "190"), t("RUS", "UKR", "190")]);
}

#[test]
fn empty_and_blank_sentences_are_not_events() {
    for options in [Options::tabari(), Options::petrarch()] {
        for text in ["", "   ", ".", "\n\n"] {
            let v = code_with(&options, text);
            assert!(triples(&v).is_empty(), "{text:?} → {v:?}");
        }
    }
}

#[test]
fn very_long_sentence_does_not_panic() {
    let mut text = String::new();
    for i in 0..1500 {
        text.push_str(if i % 7 == 0 { "Russia attacked Ukraine and " } else { "then " });
    }
    text.push('.');
    for options in [Options::tabari(), Options::petrarch()] {
        let _ = code_with(&options, &text);
    }
}

#[test]
fn all_caps_headline_and_foreign_text() {
    for options in [Options::tabari(), Options::petrarch()] {
        let v = code_with(&options, "RUSSIA ATTACKED UKRAINE");
        assert_eq!(triples(&v), [t("RUS", "UKR", "190")], "{:?}", options.dialect);
        let v = code_with(&options, "Россия атаковала Украину. 俄罗斯袭击了乌克兰。");
        assert!(triples(&v).is_empty());
    }
}

#[test]
fn unknown_codes_are_rejected_when_read() {
    assert!(Code::parse("032:033").is_some());
    assert!(Code::parse("").is_none());
}

fn code_doc(text: &str) -> Vec<Output> {
    let lex = lexicon();
    let options = Options::default();
    let ontology = dyad_dict::ontology::Ontology::embedded().expect("ontology");
    let dc = DocCoder {
        lex: &lex,
        options: &options,
        ontology: &ontology,
        emit: Emit::default(),
        tagger: None,
        stages: None,
    };
    let mut doc = dyad_text::Document::new("doc-1", text);
    doc.date = dyad_text::Date::new(2025, 3, 14);
    let mut out = Vec::new();
    dc.code(&doc, &mut DocScratch::default(), &mut out);
    out
}

#[test]
fn documents_give_event_and_actor_records() {
    let text = "Russia attacked Ukraine on Monday. Nothing happened here.";
    let out = code_doc(text);
    let events: Vec<_> = out
        .iter()
        .filter_map(|o| match o {
            Output::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 1, "{out:#?}");
    let e = events[0];
    assert_eq!(e.cameo, "190");
    assert_eq!(e.actor[0].code, "RUS");
    assert_eq!(e.actor[0].entity_text, "Russia");
    assert_eq!(e.recipient[0].entity_text, "Ukraine");
    assert_eq!(e.event, ["ASSAULT"]);
    assert_eq!(e.quad_code, Some(4));
    assert_eq!(e.date.as_deref(), Some("2025-03-14"));
    assert_eq!(e.event_text, ["attacked"]);
    assert_eq!(
        &text[e.text_info.start as usize..e.text_info.end as usize],
        "Russia attacked Ukraine on Monday."
    );
    // Same input, same ids.
    let again = code_doc(text);
    assert_eq!(serde_json::to_string(&out).ok(), serde_json::to_string(&again).ok());
    let actors = out.iter().filter(|o| matches!(o, Output::Actor(_))).count();
    assert_eq!(actors, 2);
}

#[test]
fn documents_skip_bad_sentences_with_reasons() {
    let mut long = String::from("Russia attacked Ukraine");
    for _ in 0..1200 {
        long.push_str(" and then");
    }
    long.push_str(". Россия атаковала Украину и Францию сегодня утром. ");
    long.push_str("RUSSIA ATTACKED UKRAINE ON MONDAY.");
    let out = code_doc(&long);
    let reasons: Vec<String> = out
        .iter()
        .filter_map(|o| match o {
            Output::Skip(s) => Some(s.reason.clone()),
            _ => None,
        })
        .collect();
    assert!(reasons.iter().any(|r| r.starts_with("too_long")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r == "not_english"), "{reasons:?}");
    let events = out.iter().filter(|o| matches!(o, Output::Event(_))).count();
    assert_eq!(events, 1, "the headline is coded: {out:#?}");
    assert!(code_doc("").is_empty());
    assert!(code_doc("   \n\n  ").is_empty());
}

#[test]
fn unknown_codes_in_a_dictionary_are_skipped_or_kept_never_a_panic() {
    use dyad_dict::{read_into, Dialect, Format, Kind, Loaded};
    let verbs = "\
block ATTACK = 190
  verb attack | attacks | attacked | attacking
  - * + (WITH ROCKETS) = 999
  - * + (WITH TANKS) = XYZ
";
    let actors = "Russia\n  = RUS\nUkraine\n  = UKR\n";
    let mut loaded = Loaded::default();
    let fmt = |kind| Format { kind, dialect: Dialect::Dyad };
    let v = read_into(&mut loaded, "t.verbs", verbs, fmt(Kind::Verbs), 0);
    let a = read_into(&mut loaded, "t.actors", actors, fmt(Kind::Actors), 0);
    assert!(a.is_ok());
    if v.is_err() {
        // The reader refused the file with a reason: nothing to code with.
        return;
    }
    let lex = dyad_code::from_dict::build(&loaded.set);
    // The malformed code's pattern is left out, with its place and reason.
    assert_eq!(lex.skipped.len(), 1, "{:?}", lex.skipped);
    assert!(lex.skipped.iter().all(|s| s.contains("t.verbs:")), "{:?}", lex.skipped);
    let options = Options::default();
    let ontology = dyad_dict::ontology::Ontology::embedded().expect("ontology");
    let dc = DocCoder {
        lex: &lex,
        options: &options,
        ontology: &ontology,
        emit: Emit::default(),
        tagger: None,
        stages: None,
    };
    for text in ["Russia attacked Ukraine with rockets.", "Russia attacked Ukraine with tanks."] {
        let mut out = Vec::new();
        dc.code(&dyad_text::Document::new("d", text), &mut DocScratch::default(), &mut out);
        // A well-formed code the event table does not know is kept, without
        // Goldstein score or PLOVER type; without the skipped pattern the
        // verb's own code stands.
        let events: Vec<_> = out
            .iter()
            .filter_map(|o| match o {
                Output::Event(e) => Some(e),
                _ => None,
            })
            .collect();
        assert_eq!(events.len(), 1, "{text}");
        let e = events[0];
        if text.contains("rockets") {
            assert_eq!(e.cameo, "999");
            assert!(e.goldstein.is_none() && e.event.is_empty() && e.quad_code.is_none());
        } else {
            assert_eq!(e.cameo, "190");
        }
    }
}
