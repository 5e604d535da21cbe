//! Readers and lookups never panic: garbage and mutated dictionaries give errors or warnings.

mod common;

use dyad_dict::{read_into, Dialect, Dictionary, Format, Kind, Loaded, Scratch};

const PEOPLE: &str = include_str!("fixtures/current/people.actors");
const SAMPLES: &[&str] = &[
    PEOPLE,
    "MARK_RUTTE_  # c\n+RUTTE\n\t[NLDGOV 101101-101130]\n\t[NLDGOV >110101] [X <011214]\n\t[NLDELI]\n",
    "!PERSON! = MAN, MEN\nCONGRESS!PERSON! {} [~LEG]\nATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOV] # x\n",
    "&CURRENCY\n+DOLLAR\n--- GRANT [070] ---\nGIVE {GAVE GIVEN}\n- * &CURRENCY [071] # x\n~ a (a b X) SAY = a b 1\n",
    "<SYNSETS>\n&T\n+MIL\n</SYNSETS>\n<TIME>\nLAST_WEEK [-7]\n- * AND [+3]\n</TIME>\nACT_ [100]\n{ ACTED_ }\n- RECENT~_* [025]\n",
    "<ISSUE CATEGORY=\"E\">\nn:school [S]\npre+v:k [K]\n~x\n~~y\n</ISSUE>\n",
    "synset &X\n  + a\nblock B = 010\n  verb +cordon off | +cordons off = 011\n  - * (TO {A B}) $ = 042:043  note\n",
    "category C\n  a | b = X\n  ignore c\nsentence world cup*\nstory x\n",
];

/// A tiny deterministic generator.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

const ALPHABET: &[char] = &[
    'A', 'b', 'Z', '_', ' ', '\t', '\n', '[', ']', '{', '}', '(', ')', '<', '>', '-', '+', '=', '~', '#',
    ';', '!', '&', '*', '$', '%', '^', '|', '.', ':', '/', '0', '1', '9', 'é', '’', '\u{1a}',
];

#[test]
fn readers_survive_garbage_and_mutations() {
    let kinds = [Kind::Actors, Kind::Agents, Kind::Verbs, Kind::Discards, Kind::Issues, Kind::Prepositions];
    let dialects = [Dialect::Dyad, Dialect::Petrarch, Dialect::Tabari];
    let mut rng = Lcg(42);
    let mut inputs: Vec<String> = Vec::new();
    for _ in 0..300 {
        let len = rng.next() % 120;
        inputs.push((0..len).map(|_| ALPHABET[(rng.next() as usize) % ALPHABET.len()]).collect());
    }
    for s in SAMPLES {
        let chars: Vec<char> = s.chars().collect();
        for _ in 0..60 {
            let mut c = chars.clone();
            for _ in 0..1 + rng.next() % 4 {
                let at = (rng.next() as usize) % c.len().max(1);
                match rng.next() % 3 {
                    0 if !c.is_empty() => {
                        c.remove(at);
                    }
                    1 => c.insert(at.min(c.len()), ALPHABET[(rng.next() as usize) % ALPHABET.len()]),
                    _ => {
                        if let Some(x) = c.get_mut(at) {
                            *x = ALPHABET[(rng.next() as usize) % ALPHABET.len()];
                        }
                    }
                }
            }
            inputs.push(c.into_iter().collect());
        }
    }
    let day = "2020-05-01".parse().unwrap();
    for text in &inputs {
        for kind in kinds {
            for dialect in dialects {
                let mut l = Loaded::default();
                if read_into(&mut l, "fuzz", text, Format { kind, dialect }, 0).is_err() {
                    continue;
                }
                let _ = dyad_dict::check(&l.set);
                let Ok(d) = Dictionary::from_set(&l.set) else { continue };
                let mut scratch = Scratch::default();
                let toks: Vec<&str> = text.split_whitespace().take(40).collect();
                let mut s = d.sentence(&toks, &mut scratch);
                for i in 0..s.len() {
                    if let Some(m) = s.actor_at(i) {
                        let _ = m.resolve(day).explain();
                    }
                    let _ = s.verb_at(i);
                    let _ = s.compose(i, s.len(), day);
                }
                let _ = s.discard();
                let _ = s.issues();
            }
        }
    }
}
