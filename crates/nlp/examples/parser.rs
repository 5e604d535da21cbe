//! Trains the dependency parser on UD English (EWT train + the openly
//! licensed GUM documents), saves it to `models/parser.bin`, scores EWT dev
//! and test (gold tags, and tags with 4% plausible errors standing in for a
//! tagger's) and times parsing on one thread.
//!
//! ```sh
//! cargo run --release -p dyad-nlp --example parser                  # train, save, evaluate, time
//! cargo run --release -p dyad-nlp --example parser -- --eval-only   # evaluate models/parser.bin
//! cargo run --release -p dyad-nlp --example parser -- --speed-only  # load time and words/s only
//! ```
//!
//! Options: `--epochs N`, `--seed N`, `--prune X`, `--label-prune X`,
//! `--explore-p P`, `--explore-from N`, `--label-gold-arcs-only`, `--no-gum`,
//! `--out PATH`, `--noise PCT` (evaluation), `--train-noise PCT` (corrupt the
//! training tags too, as a stand-in for jackknifed predicted tags),
//! `--bench-secs S`, `--rounds N`, `--errors` (per-relation table),
//! `--dump PATH` (dev parses as CoNLL-U).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use dyad_nlp::conllu::{self, Sentence};
use dyad_nlp::parser::{self, ParseScratch, Parser, TrainOptions};

/// GUM documents whose licence lets dyad ship models trained on them.
const GUM_OPEN: [&str; 8] = [
    "GUM_news",
    "GUM_interview",
    "GUM_bio",
    "GUM_voyage",
    "GUM_textbook",
    "GUM_vlog",
    "GUM_speech",
    "GUM_conversation",
];

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ud = root.join("../shared/data/ud");
    let mut opts = TrainOptions::default();
    let mut out = root.join("models/parser.bin");
    let mut gum = true;
    let mut eval_only = false;
    let mut speed_only = false;
    let mut errors = false;
    let mut dump: Option<PathBuf> = None;
    let mut bench_secs = 3.0;
    let mut rounds = 1;
    let mut noise = 4.0;
    let mut train_noise = 0.0;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--epochs" => opts.epochs = num(&val()?)?,
            "--prune" => opts.prune = num(&val()?)?,
            "--label-prune" => opts.label_prune = num(&val()?)?,
            "--explore-p" => opts.explore_p = num(&val()?)?,
            "--explore-from" => opts.explore_from = num(&val()?)?,
            "--seed" => opts.seed = num(&val()?)?,
            "--noise" => noise = num(&val()?)?,
            "--train-noise" => train_noise = num(&val()?)?,
            "--out" => out = PathBuf::from(val()?),
            "--no-gum" => gum = false,
            "--eval-only" => eval_only = true,
            "--speed-only" => speed_only = true,
            "--errors" => errors = true,
            "--dump" => dump = Some(PathBuf::from(val()?)),
            "--bench-secs" => bench_secs = num(&val()?)?,
            "--rounds" => rounds = num(&val()?)?,
            "--label-gold-arcs-only" => opts.label_wrong_arcs = false,
            _ => return Err(format!("unknown option {a}")),
        }
    }
    let read = |p: &Path| conllu::read_file(p).map_err(|e| e.to_string());
    let ewt = ud.join("UD_English-EWT");
    if speed_only {
        let t = Instant::now();
        let m = Parser::load(&out).map_err(|e| e.to_string())?;
        eprintln!("loaded {} in {:.1} ms", out.display(), t.elapsed().as_secs_f64() * 1e3);
        let bytes = std::fs::read(&out).map_err(|e| e.to_string())?;
        let mut best = f64::MAX;
        let cpu0 = cpu_secs();
        for _ in 0..10 {
            let t = Instant::now();
            let m2 = Parser::from_bytes(&bytes).map_err(|e| e.to_string())?;
            best = best.min(t.elapsed().as_secs_f64());
            drop(m2);
        }
        println!(
            "from_bytes: best of 10 {:.1} ms, {:.1} ms CPU on average ({:.1} MB)",
            best * 1e3,
            (cpu_secs() - cpu0) * 1e2,
            bytes.len() as f64 / 1e6
        );
        let dev = read(&ewt.join("en_ewt-ud-dev.conllu"))?;
        let test = read(&ewt.join("en_ewt-ud-test.conllu"))?;
        time_parsing(&m, &dev, &test, bench_secs, rounds);
        return Ok(());
    }
    let mut train = read(&ewt.join("en_ewt-ud-train.conllu"))?;
    let dev = read(&ewt.join("en_ewt-ud-dev.conllu"))?;
    let test = read(&ewt.join("en_ewt-ud-test.conllu"))?;
    let confusions = Confusions::new(&train);
    if gum {
        for f in ["en_gum-ud-train.conllu", "en_gum-ud-dev.conllu"] {
            let all = read(&ud.join("UD_English-GUM").join(f))?;
            let before = train.len();
            train.extend(all.into_iter().filter(|s| GUM_OPEN.iter().any(|g| s.sent_id.starts_with(g))));
            eprintln!("GUM {f}: {} sentences used", train.len() - before);
        }
    }
    if train_noise > 0.0 {
        // Stands in for jackknifed predicted tags until the tagger lands.
        train = confusions.corrupt(&train, train_noise / 100.0);
        eprintln!("training tags corrupted at {train_noise}%");
    }
    let n_train: usize = train.iter().map(|s| s.words.len()).sum();
    eprintln!("training on {} sentences, {} words", train.len(), n_train);

    let model = if eval_only {
        let t = Instant::now();
        let m = Parser::load(&out).map_err(|e| e.to_string())?;
        eprintln!("loaded {} in {:.1} ms", out.display(), t.elapsed().as_secs_f64() * 1e3);
        m
    } else {
        let t = Instant::now();
        let m = parser::train(&train, &dev, &opts).map_err(|e| e.to_string())?;
        eprintln!("training took {:.0} s", t.elapsed().as_secs_f64());
        let bytes = m.to_bytes();
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(&out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;
        let t = Instant::now();
        let back = Parser::from_bytes(&bytes).map_err(|e| e.to_string())?;
        eprintln!(
            "saved {} ({:.2} MB), reloaded in {:.1} ms",
            out.display(),
            bytes.len() as f64 / 1e6,
            t.elapsed().as_secs_f64() * 1e3
        );
        back
    };
    let (nt, nl) = model.n_features();
    println!("features: {nt} transition, {nl} label");
    for (name, set) in [("dev", &dev), ("test", &test)] {
        let sc = model.evaluate(set);
        println!(
            "{name:4} gold tags:  UAS {:.2}  LAS {:.2}  (universal relations {:.2})  {} words",
            sc.uas(),
            sc.las(),
            sc.las_universal(),
            sc.words
        );
        let noisy = confusions.corrupt(set, noise / 100.0);
        let sc = model.evaluate(&noisy);
        println!(
            "{name:4} {noise}% noisy tags: UAS {:.2}  LAS {:.2}  (universal relations {:.2})",
            sc.uas(),
            sc.las(),
            sc.las_universal()
        );
    }
    time_parsing(&model, &dev, &test, bench_secs, rounds);
    if errors {
        error_table(&model, &dev);
    }
    if let Some(path) = &dump {
        dump_conllu(&model, &dev, path)?;
    }
    Ok(())
}

/// Writes `gold` with predicted heads and relations as CoNLL-U.
fn dump_conllu(model: &Parser, gold: &[Sentence], path: &Path) -> Result<(), String> {
    use std::fmt::Write;
    let mut scratch = ParseScratch::default();
    let mut out = Vec::new();
    let mut text = String::new();
    for s in gold {
        let w: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let u: Vec<&str> = s.words.iter().map(|w| w.upos.as_str()).collect();
        let x: Vec<&str> = s.words.iter().map(|w| w.xpos.as_str()).collect();
        model.parse(&w, &u, &x, &mut scratch, &mut out);
        let _ = writeln!(text, "# sent_id = {}", s.sent_id);
        for (i, (g, d)) in s.words.iter().zip(&out).enumerate() {
            let _ = writeln!(
                text,
                "{}\t{}\t{}\t{}\t{}\t_\t{}\t{}\t_\t_",
                i + 1,
                g.form,
                g.lemma,
                g.upos,
                g.xpos,
                d.head,
                model.label_name(d.label)
            );
        }
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Head and label accuracy per gold relation on `gold`.
fn error_table(model: &Parser, gold: &[Sentence]) {
    let mut scratch = ParseScratch::default();
    let mut out = Vec::new();
    let mut by: HashMap<String, (usize, usize, usize)> = HashMap::new();
    for s in gold {
        let w: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let u: Vec<&str> = s.words.iter().map(|w| w.upos.as_str()).collect();
        let x: Vec<&str> = s.words.iter().map(|w| w.xpos.as_str()).collect();
        model.parse(&w, &u, &x, &mut scratch, &mut out);
        for (g, d) in s.words.iter().zip(&out) {
            let e = by.entry(g.deprel.clone()).or_default();
            e.0 += 1;
            if d.head as usize == g.head {
                e.1 += 1;
                if model.label_name(d.label) == g.deprel {
                    e.2 += 1;
                }
            }
        }
    }
    let mut v: Vec<_> = by.into_iter().collect();
    v.sort_by_key(|(_, (n, h, _))| std::cmp::Reverse(n - h));
    println!("relation        words  head-errors  head%  label%");
    for (rel, (n, h, l)) in v.iter().take(30) {
        println!(
            "{rel:14} {n:6} {:12} {:6.1} {:6.1}",
            n - h,
            100.0 * *h as f64 / *n as f64,
            100.0 * *l as f64 / *n as f64
        );
    }
}

fn num<T: std::str::FromStr>(s: &str) -> Result<T, String> {
    s.parse().map_err(|_| format!("bad number {s:?}"))
}

/// Parses dev + test repeatedly on one thread and reports words per second.
fn time_parsing(model: &Parser, dev: &[Sentence], test: &[Sentence], min_secs: f64, min_rounds: u64) {
    type Cols<'a> = (Vec<&'a str>, Vec<&'a str>, Vec<&'a str>);
    let sents: Vec<Cols> = dev
        .iter()
        .chain(test)
        .map(|s| {
            (
                s.words.iter().map(|w| w.form.as_str()).collect(),
                s.words.iter().map(|w| w.upos.as_str()).collect(),
                s.words.iter().map(|w| w.xpos.as_str()).collect(),
            )
        })
        .collect();
    let mut scratch = ParseScratch::default();
    let mut out = Vec::new();
    let mut words = 0usize;
    let mut heads = 0u64;
    let t = Instant::now();
    let cpu0 = cpu_secs();
    let mut rounds = 0;
    while rounds < min_rounds.max(1) || t.elapsed().as_secs_f64() < min_secs {
        for (w, u, x) in &sents {
            model.parse(w, u, x, &mut scratch, &mut out);
            words += out.len();
            heads += out.iter().map(|d| u64::from(d.head)).sum::<u64>();
        }
        rounds += 1;
    }
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu0;
    // A fast but wrong parser must not look like a win: every word got a head.
    let expected: usize = sents.iter().map(|s| s.0.len()).sum::<usize>() * rounds as usize;
    assert_eq!(words, expected, "words parsed");
    println!(
        "speed: {:.0} words/s, {:.0} words per CPU second ({} words in {:.2} s, one thread; checksum {})",
        words as f64 / secs,
        words as f64 / cpu,
        words,
        secs,
        heads / rounds
    );
}

/// CPU time of this thread (Linux), so that other processes on a shared
/// machine disturb the figure less than wall time.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = after.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    // Fields 14 and 15 (utime, stime) are the 12th and 13th after the command name.
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
}

/// Plausible tagging errors: another tag pair the word had in training, or
/// a common confusion of its tag.
struct Confusions {
    by_word: HashMap<String, Vec<(String, String)>>,
    by_tag: HashMap<String, Vec<(String, String)>>,
}

impl Confusions {
    fn new(train: &[Sentence]) -> Confusions {
        let mut by_word: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for w in train.iter().flat_map(|s| &s.words) {
            let e = by_word.entry(w.form.to_lowercase()).or_default();
            let pair = (w.upos.clone(), w.xpos.clone());
            if !e.contains(&pair) {
                e.push(pair);
            }
        }
        let pairs: &[(&str, &[(&str, &str)])] = &[
            ("NN", &[("ADJ", "JJ"), ("PROPN", "NNP"), ("VERB", "VB")]),
            ("NNS", &[("VERB", "VBZ"), ("PROPN", "NNPS")]),
            ("NNP", &[("NOUN", "NN"), ("ADJ", "JJ")]),
            ("NNPS", &[("NOUN", "NNS"), ("PROPN", "NNP")]),
            ("JJ", &[("NOUN", "NN"), ("VERB", "VBN"), ("PROPN", "NNP")]),
            ("VBD", &[("VERB", "VBN")]),
            ("VBN", &[("VERB", "VBD"), ("ADJ", "JJ")]),
            ("VB", &[("VERB", "VBP"), ("NOUN", "NN")]),
            ("VBP", &[("VERB", "VB"), ("NOUN", "NN")]),
            ("VBZ", &[("NOUN", "NNS")]),
            ("VBG", &[("NOUN", "NN"), ("ADJ", "JJ")]),
            ("IN", &[("ADV", "RB"), ("ADP", "RP"), ("SCONJ", "IN")]),
            ("RB", &[("ADP", "IN"), ("ADJ", "JJ")]),
            ("RP", &[("ADP", "IN"), ("ADV", "RB")]),
            ("CD", &[("NOUN", "NN"), ("PROPN", "NNP")]),
        ];
        let by_tag = pairs
            .iter()
            .map(|(t, alts)| {
                (t.to_string(), alts.iter().map(|(u, x)| (u.to_string(), x.to_string())).collect())
            })
            .collect();
        Confusions { by_word, by_tag }
    }

    /// A copy of `gold` with a fraction `rate` of the words given a wrong tag pair.
    fn corrupt(&self, gold: &[Sentence], rate: f64) -> Vec<Sentence> {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut out = gold.to_vec();
        for w in out.iter_mut().flat_map(|s| &mut s.words) {
            if (next() % 1_000_000) as f64 >= rate * 1e6 {
                continue;
            }
            let own = (w.upos.clone(), w.xpos.clone());
            let mut alts: Vec<&(String, String)> = self
                .by_word
                .get(&w.form.to_lowercase())
                .map(|v| v.iter().filter(|p| **p != own).collect())
                .unwrap_or_default();
            if alts.is_empty() {
                alts = self.by_tag.get(&w.xpos).map(|v| v.iter().collect()).unwrap_or_default();
            }
            if alts.is_empty() {
                alts.push(&self.by_tag["NN"][0]);
            }
            let pick = alts[(next() % alts.len() as u64) as usize];
            w.upos = pick.0.clone();
            w.xpos = pick.1.clone();
        }
        out
    }
}
