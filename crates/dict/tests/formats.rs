//! Every reader on small inline fixtures, and the errors they give.

mod common;

use common::{error_of, load};
use dyad_dict::{AgentPlace, Dialect, IssueIgnore, Kind, PatternItem, Phrase, Severity};
use dyad_text::Date;

fn d(s: &str) -> Option<Date> {
    Some(s.parse().unwrap())
}

const PEOPLE: &str = include_str!("fixtures/current/people.actors");

#[test]
fn dyad_actors() {
    let l = load("people.actors", PEOPLE, Kind::Actors, Dialect::Dyad).unwrap();
    let a = &l.set.actors;
    assert_eq!(a.len(), 3);
    assert_eq!(a[0].name.to_dyad(), "Mark Rutte");
    assert_eq!(a[0].loc.line, 3);
    assert_eq!(a[0].aliases[0].phrase.to_dyad(), "Rutte");
    let r = &a[0].roles[2];
    assert_eq!(
        (r.codes.as_slice(), r.from, r.to, r.dated),
        (&["IGOWSTNAT".to_string()][..], d("2024-10-01"), None, true)
    );
    assert_eq!(r.note, "Secretary General of NATO");
    assert_eq!(r.loc.line, 7);
    let trump = &a[1];
    assert_eq!(trump.aliases.len(), 2);
    assert_eq!(trump.roles[0].from, None);
    assert_eq!(trump.roles[0].to, d("2017-01-19"));
    let bloomberg = &a[2];
    assert!(!bloomberg.roles[0].dated);
    assert_eq!(bloomberg.roles[0].note, "news organisation");
    assert!(l.warnings.is_empty());
}

#[test]
fn dyad_actor_extensions() {
    let text = "Lorien\n+Caras Galadhon\n  + Lothlorien*\n  = ELR/GAL ..\nNobody\n  = none 2001-01-01..2001-12-31\n  = discard\n";
    let l = load("x.actors", &text.replace("\n+Caras", "\n  +Caras"), Kind::Actors, Dialect::Dyad).unwrap();
    let a = &l.set.actors;
    assert_eq!(a[0].aliases[1].phrase.to_dyad(), "Lothlorien*");
    assert_eq!(a[0].roles[0].codes, ["ELR", "GAL"]);
    assert!(!a[0].roles[0].dated);
    assert_eq!(a[1].roles[0].codes, ["---"]);
    assert_eq!(a[1].roles[1].codes, ["###"]);
}

#[test]
fn dyad_actor_errors() {
    let err = |text: &str| error_of(load("nato.actors", text, Kind::Actors, Dialect::Dyad));
    assert_eq!(
        err("Mark Rutte\n  = IGOWSTNAT 2024-10-32..  Secretary General of NATO\n"),
        "error: nato.actors:2:15: not a real date (YYYY-MM-DD)\n  |\n\
         2 |   = IGOWSTNAT 2024-10-32..  Secretary General of NATO\n  |               ^^^^^^^^^^"
    );
    assert_eq!(
        err("Bloomberg\n  = usamed\n"),
        "error: nato.actors:2:5: codes are upper case: `USAMED`\n  |\n2 |   = usamed\n  |     ^^^^^^"
    );
    assert_eq!(
        err("Bloomberg\n  = USAMED news organisation\n"),
        "error: nato.actors:2:12: expected a date range `FROM..TO`, or two spaces before the note\n  |\n\
         2 |   = USAMED news organisation\n  |            ^^^^"
    );
    assert_eq!(
        err("  + Rutte\n"),
        "error: nato.actors:1:1: indented line before any entry\n  |\n1 |   + Rutte\n  | ^^^^^^^^^"
    );
    assert_eq!(
        err("Mark Rutte\n  - Rutte\n"),
        "error: nato.actors:2:3: expected `+ NAME` or `= CODE` (an indented line belongs to the entry above it)\n  |\n\
         2 |   - Rutte\n  |   ^"
    );
    assert_eq!(
        err("Mark Rutte\n  = NLDGOV 2024-07-01..2010-10-14\n"),
        "error: nato.actors:2:12: the role ends before it starts\n  |\n\
         2 |   = NLDGOV 2024-07-01..2010-10-14\n  |            ^^^^^^^^^^^^^^^^^^^^^^"
    );
    assert_eq!(
        err("Mark Rutte\n  = NLDGOV\n  = NLDELI ..\n"),
        "error: nato.actors:3:5: a second `..` (always) role: an entry has at most one fallback\n  |\n\
         3 |   = NLDELI ..\n  |     ^^^^^^^^^"
    );
    assert_eq!(
        err("Al ...\n"),
        "error: nato.actors:1:4: `...` must stand between two words\n  |\n1 | Al ...\n  |    ^^^"
    );
    assert_eq!(
        err("X\n  = USA$GOV\n"),
        "error: nato.actors:2:5: expected a CAMEO code (capital letters and digits, e.g. `USAGOV`), `none`, \
         `discard` or `complex`\n  |\n2 |   = USA$GOV\n  |     ^^^^^^^"
    );
}

#[test]
fn dyad_agents_verbs_discards_issues_words() {
    let l = load(
        "a.agents",
        "President  # head of state\n  + Presidents\n  = ~GOV\nrights group\n  = NGO~\n",
        Kind::Agents,
        Dialect::Dyad,
    )
    .unwrap();
    assert_eq!(l.set.agents.len(), 2);
    assert_eq!(l.set.agents[0].forms[0].phrase.to_dyad(), "Presidents");
    assert_eq!((l.set.agents[1].code.as_str(), l.set.agents[1].place), ("NGO", AgentPlace::Before));
    assert_eq!(
        error_of(load("a.agents", "President\n  = GOV\n", Kind::Agents, Dialect::Dyad)),
        "error: a.agents:2:5: expected an agent code `~GOV` or `NGO~`\n  |\n2 |   = GOV\n  |     ^^^"
    );

    let verbs = "synset &CURRENCY\n  + dollar\n  + swiss franc\n\nblock ACCELERATE = ---\n  verb accelerate | accelerates\n  \
                 verb +cordon off | +cordoned off = 191\n  - * (TO) = 042:043  RUSH\n\ntransform a (a b ATTACK) SAY = a b 015\n";
    let l = load("v.verbs", verbs, Kind::Verbs, Dialect::Dyad).unwrap();
    let v = &l.set.verbs;
    assert_eq!(v.synsets[0].members.len(), 2);
    let b = &v.blocks[0];
    assert_eq!((b.name.as_str(), b.code.as_str()), ("ACCELERATE", "---"));
    assert_eq!(b.verbs[1].lemma.words, ["cordon", "off"]);
    assert_eq!(b.verbs[1].code.as_deref(), Some("191"));
    assert_eq!(b.patterns[0].code, "042:043");
    assert_eq!(b.patterns[0].note, "RUSH");
    assert_eq!(b.patterns[0].items[0], PatternItem::Verb);
    assert_eq!(v.transforms[0].rhs, "a b 015");
    assert_eq!(
        error_of(load("v.verbs", "block X = 010\n  verb cordon off\n", Kind::Verbs, Dialect::Dyad)),
        "error: v.verbs:2:8: mark the verb of a multi-word form with one `+` (`+cordon off`)\n  |\n\
         2 |   verb cordon off\n  |        ^^^^^^^^^^"
    );

    let l = load("d.discards", "sentence world cup\nstory academy award*\n", Kind::Discards, Dialect::Dyad)
        .unwrap();
    assert!(l.set.discards[1].story);
    assert!(l.set.discards[1].phrase.words[1].stem);
    assert_eq!(
        error_of(load("d.discards", "world cup\n", Kind::Discards, Dialect::Dyad)),
        "error: d.discards:1:1: expected `sentence PHRASE` or `story PHRASE`\n  |\n1 | world cup\n  | ^^^^^"
    );

    let issues =
        "category EDUCATION\n  preschool | preschools = EARLY_CHILDHOOD_EDUCATION\n  ignore a head start\n";
    let l = load("i.issues", issues, Kind::Issues, Dialect::Dyad).unwrap();
    assert_eq!(l.set.issues[0].variants.len(), 2);
    assert_eq!(l.set.issues[1].ignore, IssueIgnore::Sentence);
    assert_eq!(
        error_of(load("i.issues", "  preschool = X\n", Kind::Issues, Dialect::Dyad)),
        "error: i.issues:1:3: issue phrase before any `category NAME` line\n  |\n1 |   preschool = X\n  |   ^"
    );

    let l = load("p.words", "about\nabove\n", Kind::Prepositions, Dialect::Dyad).unwrap();
    assert_eq!(l.set.prepositions.len(), 2);
}

#[test]
fn petrarch_actors() {
    let text = "\
<!-- a comment
   over lines -->
# a comment
AFGHANISTAN_  [AFG]
+AFGHAN_
+KABUL_ # the capital
MARK_RUTTE_  # CountryInfo.txt
\t[NLDGOV 101101-101130]
\t[NLDGOV >110101]
\t[X <011214]
\t[NLDELI]
LORIEN  [ELR/GAL]
BOROMIR  [---]
PALESTINIAN [pse]
BAD_DATE
\t[AAA 2004017-20061201]
\t[BBB 990101]
MNC_CORP_\t[MNCMED]\tNewspapers/Magazines\t$137,000,000
";
    let l = load("Phoenix.X.actors.txt", text, Kind::Actors, Dialect::Petrarch).unwrap();
    let a = &l.set.actors;
    assert_eq!(a.len(), 7);
    assert_eq!(a[0].aliases.len(), 2);
    assert_eq!(a[0].comments, ["the capital"]);
    let r = &a[1].roles;
    assert_eq!(a[1].name.to_dyad(), "MARK RUTTE");
    assert_eq!((r[0].from, r[0].to), (d("2010-11-01"), d("2010-11-29")), "PETRARCH end dates are exclusive");
    assert_eq!((r[1].from, r[1].to), (d("2011-01-01"), None));
    assert_eq!((r[2].from, r[2].to), (None, d("2001-12-13")));
    assert!(!r[3].dated);
    assert_eq!(r[0].source, "[NLDGOV 101101-101130]");
    assert_eq!(r[0].loc.line, 8);
    assert_eq!(a[2].roles[0].codes, ["ELR", "GAL"]);
    assert_eq!(a[3].roles[0].codes, ["---"]);
    assert_eq!(a[4].roles[0].codes, ["PSE"]);
    assert_eq!(a[5].roles.len(), 1, "the ill-formed date is skipped");
    assert_eq!(a[5].roles[0].from, d("1999-01-01"));
    assert_eq!(a[6].comments, ["Newspapers/Magazines\t$137,000,000"]);
    let warnings: Vec<String> = l.warnings.iter().map(|w| w.short()).collect();
    assert_eq!(
        warnings,
        [
            "Phoenix.X.actors.txt:14:14: warning: code in lower case; read as upper case",
            "Phoenix.X.actors.txt:16:7: warning: ill-formed date range (dates are YYMMDD or YYYYMMDD: `<D`, `>D`, \
             `D1-D2`); restriction skipped",
            "Phoenix.X.actors.txt:17:7: warning: a lone date; read as `>date` (from that date on)",
            "Phoenix.X.actors.txt:18:20: warning: text after the codes kept as a comment",
        ]
    );
}

#[test]
fn legacy_unclosed_bracket_is_an_error() {
    assert_eq!(
        error_of(load(
            "Phoenix.agents.txt",
            "FOREIGN_MINISTER_  [ ~GOVFRM\n",
            Kind::Agents,
            Dialect::Petrarch
        )),
        "error: Phoenix.agents.txt:1:20: expected `]` to close the code\n  |\n\
         1 | FOREIGN_MINISTER_  [ ~GOVFRM\n  |                    ^"
    );
    assert_eq!(
        error_of(load("x.actors.txt", "ARNOR\n\t[ARN <911226\n", Kind::Actors, Dialect::Petrarch)),
        "error: x.actors.txt:2:2: expected `]` to close the code\n  |\n2 |     [ARN <911226\n  |     ^"
    );
}

#[test]
fn tabari_actors() {
    let text = "\
<NOUN>
BEES   ;pas 26 Feb 2002
</NOUN>
AL_GORE  [AGR] ;  pas 26 apr 03
AL GORE  [TEN]
ALBRIGHT  [USAGOV 991201-010114] [---] ;ems 02 Feb 2001
AXNOR  [AR1 <911226] [AR2]
ENT  [### <890101] [ENT]
GOLLUM  ; pas 27 Apr 03
+SMEAGOL
\t[HOB < 950601]
\t[HOBGOV 950601 - 990815]
#\t[950601-990815]  incorrect code block check
\t[HOBREB > 990816]
ESTONIA_  [EST]
~~FINISH
NOT_READ [XXX]
";
    let l = load("TABARI.Demo.actors", text, Kind::Actors, Dialect::Tabari).unwrap();
    let a = &l.set.actors;
    assert_eq!(a.len(), 7);
    assert_eq!(l.set.verbs.nouns[0].phrase.to_dyad(), "BEES*");
    assert_eq!(a[0].name.to_dyad(), "AL GORE*");
    assert_eq!(a[1].name.to_dyad(), "AL* ... GORE*");
    assert_eq!(
        (a[2].roles[0].from, a[2].roles[0].to),
        (d("1999-12-01"), d("2001-01-14")),
        "TABARI limits are inclusive"
    );
    assert_eq!(a[3].roles[0].to, d("1991-12-26"));
    assert_eq!(a[4].roles[0].codes, ["###"]);
    let g = &a[5];
    assert_eq!(g.aliases[0].phrase.to_dyad(), "SMEAGOL*");
    assert_eq!(g.roles.len(), 3);
    assert_eq!((g.roles[1].from, g.roles[1].to), (d("1995-06-01"), d("1999-08-15")));
    assert_eq!(a[6].name.to_dyad(), "ESTONIA");
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
}

#[test]
fn petrarch_agents() {
    let text = "\
!PERSON! = MAN, MEN, WOMAN, WOMEN, PERSON
PARLIAMENTARY_OPPOSITION {} [~OPP] #jap 11 Oct 2002
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOV]
CONGRESS!PERSON! [~LEG]
ARMY [~MIL]
HUMAN_RIGHTS_BODY  [NGO~] # BNL 07 Dec 2001
ISLAMIC_EXTREMIST
UNKNOWN!MARK! [~X]
";
    let l = load("Phoenix.agents.txt", text, Kind::Agents, Dialect::Petrarch).unwrap();
    let g = &l.set.agents;
    assert_eq!(g.len(), 5);
    assert!(g[0].forms.is_empty(), "{{}} means no plural");
    assert_eq!(g[1].forms[0].phrase.to_dyad(), "ATTORNEYS GENERAL");
    assert_eq!(g[2].name.to_dyad(), "CONGRESSMAN");
    assert_eq!(g[2].forms.len(), 4);
    assert_eq!(g[3].forms[0].phrase.to_dyad(), "ARMIES");
    assert_eq!(
        (g[4].code_text(), g[4].forms[0].phrase.to_dyad()),
        ("NGO~".to_string(), "HUMAN RIGHTS BODIES".to_string())
    );
    assert_eq!(l.warnings.len(), 2);
    assert!(l.warnings[1].message.contains("!MARK!"));
}

#[test]
fn petrarch_verbs() {
    let text = "\
&CURRENCY
+DOLLAR
+CASH_
&AUXVERB1_
+WAS
&TIETYPES
+MILITARY

--- ACCELERATE   [---]  ---
ACCELERATE
HURRY {HURRIES HURRYING HURRIED }
+ASK_FOR {+ASKED_FOR +ASKING_FOR +ASKS_FOR} [020]
WIRE_+TAP
- * (TO)                  [042:043]     # RUSH
- * &CURRENCY             [073]
- * NEW_&TIETYPES_RELATIONS [903]
~ a (a b ATTACK) SAY = a b 015
";
    let l = load("CAMEO.2.0.txt", text, Kind::Verbs, Dialect::Petrarch).unwrap();
    let v = &l.set.verbs;
    let members: Vec<String> = v.synsets[0].members.iter().map(|m| m.phrase.to_dyad()).collect();
    assert_eq!(members, ["DOLLAR", "DOLLARS", "CASH"]);
    assert_eq!(v.synsets[1].members.len(), 1, "a label ending in `_` gets no plurals");
    let b = &v.blocks[0];
    let forms: Vec<String> = b.verbs[0].forms.iter().map(|f| f.to_dyad()).collect();
    assert_eq!(forms, ["ACCELERATE", "ACCELERATES", "ACCELERATED", "ACCELERATING"]);
    assert_eq!(b.verbs[1].forms.len(), 4);
    assert_eq!(b.verbs[2].lemma.to_dyad(), "+ASK FOR");
    assert_eq!(b.verbs[2].code.as_deref(), Some("020"));
    let tap: Vec<String> = b.verbs[3].forms.iter().map(|f| f.to_dyad()).collect();
    assert_eq!(tap, ["WIRE +TAP", "WIRE +TAPS", "WIRE +TAPED", "WIRE +TAPING"]);
    assert_eq!((b.patterns[0].code.as_str(), b.patterns[0].note.as_str()), ("042:043", "RUSH"));
    assert_eq!(
        b.patterns[2].items[1..],
        [
            PatternItem::Word { text: "NEW".into(), stem: false, gap: false },
            PatternItem::Synset { name: "&TIETYPES".into(), gap: false },
            PatternItem::Word { text: "RELATIONS".into(), stem: false, gap: false },
        ]
    );
    assert_eq!(v.transforms[0].lhs, "a (a b ATTACK) SAY");
}

#[test]
fn tabari_verbs() {
    let text = "\
<SYNSETS>
&TIETYPES
+MILITARY
</SYNSETS>
<TIME>
LAST_WEEK [-7]
TOMORROW [+1]
- * AND TOMORROW AND TOMORROW [+3]
</TIME>
ACT_ [100]
{ ACTING_ ACTXD_ ACTUALITY  }
- SAID WOULD * NOW  [101]
- RECENT~_*  [025] ;CONNECT-23
ATTEND  [031!] ;-PAS 95.12.13
~~FINISH
";
    let l = load("TABARI.Demo.verbs", text, Kind::Verbs, Dialect::Tabari).unwrap();
    let v = &l.set.verbs;
    assert_eq!(v.synsets[0].members.len(), 1);
    assert_eq!(v.times.len(), 2);
    assert_eq!(v.times[1].patterns[0].code, "+3");
    assert_eq!(v.blocks.len(), 2);
    assert_eq!(v.blocks[0].verbs[0].forms.len(), 4);
    assert_eq!(
        v.blocks[0].patterns[1].items[0],
        PatternItem::Word { text: "RECENT".into(), stem: true, gap: false }
    );
    assert_eq!(v.blocks[1].code, "031!");
    assert_eq!(v.blocks[0].dialect, Dialect::Tabari);
}

#[test]
fn petrarch_discards_issues_prepositions() {
    let l = load(
        "Phoenix.discards.txt",
        "# c\n+ACADEMY AWARD   # LRP\nBATSMEN_\n1914\n",
        Kind::Discards,
        Dialect::Petrarch,
    )
    .unwrap();
    let ds = &l.set.discards;
    assert!(ds[0].story);
    assert_eq!(ds[0].phrase.to_dyad(), "ACADEMY AWARD*");
    assert_eq!(ds[1].phrase.to_dyad(), "BATSMEN");
    let issues = "<ISSUE CATEGORY=\"EDUCATION\" TYPE=\"ALL\">\nn:preschool [EARLY]\npre+n:school [EARLY]\n~a head start\n\
                  ~~Armenian genocide  # historical\neuropean central bank\n</ISSUE>\n";
    let l = load("Phoenix.IssueCoding.txt", issues, Kind::Issues, Dialect::Petrarch).unwrap();
    let is = &l.set.issues;
    assert_eq!(is.len(), 4);
    assert_eq!(is[0].category, "EDUCATION");
    assert_eq!(is[1].variants.len(), 4);
    assert_eq!((is[2].ignore, is[3].ignore), (IssueIgnore::Sentence, IssueIgnore::Story));
    assert_eq!(l.warnings.len(), 1);
    assert_eq!(l.warnings[0].severity, Severity::Warning);
    let l =
        load("Phoenix.prepositions.txt", "abaft\napropos \n", Kind::Prepositions, Dialect::Petrarch).unwrap();
    assert_eq!(l.set.prepositions[1].word, "apropos");
}

#[test]
fn tabari_project_reads_its_files() {
    let dir = common::tempdir("project");
    std::fs::write(dir.join("A.actors"), "ARNOR_ [ARN]\n").unwrap();
    std::fs::write(dir.join("A.verbs"), "ATTACK [223]\n").unwrap();
    std::fs::write(dir.join("A.agents"), "SOLDIER_ [~MIL]\n").unwrap();
    std::fs::write(
        dir.join("X.project"),
        "Validation\n<actorsfile> A.actors\n<verbsfile> \tA.verbs\n<agentsfile> A.agents\n<textfile> none\n",
    )
    .unwrap();
    let l = dyad_dict::load_layers(&[dir.join("X.project")]).unwrap();
    assert_eq!((l.set.actors.len(), l.set.verbs.blocks.len(), l.set.agents.len()), (1, 1, 1));
    assert!(l.set.files.iter().all(|f| f.dialect == Dialect::Tabari));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn writers_round_trip() {
    let l = load("people.actors", PEOPLE, Kind::Actors, Dialect::Dyad).unwrap();
    let text = dyad_dict::write_actors("# header\n", &l.set.actors);
    let again = load("people.actors", &text, Kind::Actors, Dialect::Dyad).unwrap();
    for (a, b) in l.set.actors.iter().zip(&again.set.actors) {
        assert_eq!(a.name, b.name);
        assert_eq!(
            a.aliases.iter().map(|x| &x.phrase).collect::<Vec<_>>(),
            b.aliases.iter().map(|x| &x.phrase).collect::<Vec<_>>()
        );
        for (r, s) in a.roles.iter().zip(&b.roles) {
            assert_eq!(
                (&r.codes, r.from, r.to, r.dated, &r.note),
                (&s.codes, s.from, s.to, s.dated, &s.note)
            );
        }
    }
    let verbs = "synset &X\n  + a b\n\nblock B = 010\n  verb +cordon off | +cordons off = 011\n  - * (TO {A B}) $ = 042:043  note\n";
    let l = load("v.verbs", verbs, Kind::Verbs, Dialect::Dyad).unwrap();
    let text = dyad_dict::write_verbs("", &l.set.verbs);
    let again = load("v.verbs", &text, Kind::Verbs, Dialect::Dyad).unwrap();
    assert_eq!(l.set.verbs.blocks[0].verbs[0].forms, again.set.verbs.blocks[0].verbs[0].forms);
    assert_eq!(l.set.verbs.blocks[0].patterns[0].items, again.set.verbs.blocks[0].patterns[0].items);
    assert_eq!(Phrase::parse_dyad("a b").unwrap(), again.set.verbs.synsets[0].members[0].phrase);
}
