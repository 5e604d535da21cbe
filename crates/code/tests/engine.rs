//! The coding engine on a small hand-built lexicon, in both dialects.

use dyad_code::coder::{Coder, Scratch, Verdict};
use dyad_code::lexicon::{
    ActorDef, AgentDef, Class, Code, Elem, Endings, Lexicon, PElem, Pattern, Place, Role, VerbDef,
};
use dyad_code::options::Options;

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
