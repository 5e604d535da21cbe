//! Trains the tagger and lemmatiser on UD English, saves them to `models/`,
//! evaluates them on EWT dev and test and times tagging + lemmatising.
//!
//! ```sh
//! cargo run --release -p dyad-nlp --example tagger -- [../shared/data/ud] [--epochs N] [--passes N]
//!     [--amb-min N] [--constrain-min N] [--fixed-min N] [--fixed-share F] [--prune F] [--no-save]
//!     [--load] [--ewt-only] [--bench ROUNDS] [--models DIR] [--with-dev]
//! ```
//!
//! `--with-dev` also trains on EWT dev (for the shipped model, after tuning
//! on dev without it: its dev figures are then not held out).
//! `--load` evaluates the saved models instead of training; `--bench N`
//! loads them and only times N rounds of tagging + lemmatising dev+test
//! (run it under `perf stat -e task-clock` on a busy machine).

use std::path::{Path, PathBuf};
use std::time::Instant;

use dyad_nlp::lemma::{self, Lemmatizer};
use dyad_nlp::tagger::{self, TagScratch, Tagger, TrainOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut ud = root.join("../shared/data/ud");
    let mut opts = TrainOptions::default();
    let mut save = true;
    let mut load = false;
    let mut ewt_only = false;
    let mut rounds = 0usize;
    let mut confusions = false;
    let mut relemma = false;
    let mut with_dev = false;
    let mut models = root.join("models");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--epochs" => opts.epochs = val()?.parse()?,
            "--passes" => opts.passes = val()?.parse()?,
            "--amb-min" => opts.amb_min = val()?.parse()?,
            "--amb-share" => opts.amb_share = val()?.parse()?,
            "--constrain-min" => opts.constrain_min = val()?.parse()?,
            "--fixed-min" => opts.fixed_min = val()?.parse()?,
            "--fixed-share" => opts.fixed_share = val()?.parse()?,
            "--prune" => opts.prune = val()?.parse()?,
            "--no-save" => save = false,
            "--models" => models = PathBuf::from(val()?),
            "--load" => load = true,
            "--ewt-only" => ewt_only = true,
            "--relemma" => relemma = true,
            "--with-dev" => with_dev = true,
            "--no-loo" => opts.leave_one_out = false,
            "--gum-weight" => opts.gum_weight = val()?.parse()?,
            "--cache-words" => opts.cache_words = val()?.parse()?,
            "--confusions" => {
                confusions = true;
                load = true;
            }
            "--bench" => {
                rounds = val()?.parse()?;
                load = true;
            }
            _ if !a.starts_with("--") => ud = PathBuf::from(a),
            _ => return Err(format!("unknown option {a}").into()),
        }
    }
    let t = Instant::now();
    let mut data = tagger::load_ud(&ud)?;
    if ewt_only {
        data.train.retain(|s| !s.sent_id.starts_with("GUM_"));
    }
    // The shipped model also learns from EWT dev, once settings are tuned on it.
    let tune = if with_dev {
        data.train.extend(data.dev.iter().cloned());
        Vec::new()
    } else {
        data.dev.clone()
    };
    let n_train: usize = data.train.iter().map(|s| s.words.len()).sum();
    eprintln!(
        "read {} training sentences ({n_train} words) in {:.1}s",
        data.train.len(),
        t.elapsed().as_secs_f64()
    );

    let (tagger, lem) = if load {
        let tagger_bytes = std::fs::read(models.join("tagger.bin"))?;
        let lemma_bytes = if relemma { Vec::new() } else { std::fs::read(models.join("lemma.bin"))? };
        let t = Instant::now();
        let tagger = Tagger::from_bytes(&tagger_bytes)?;
        let lem = if relemma {
            lemma::train(&data.train, &lemma::TrainOptions::default())
        } else {
            Lemmatizer::from_bytes(&lemma_bytes)?
        };
        eprintln!("loaded both models in {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        (tagger, lem)
    } else {
        let t = Instant::now();
        let cpu = cpu_seconds();
        let tagger = tagger::train(&data.train, &tune, &opts)?;
        eprintln!(
            "tagger trained in {:.1}s wall, {:.1}s CPU",
            t.elapsed().as_secs_f64(),
            cpu_seconds() - cpu
        );
        let t = Instant::now();
        let lem = lemma::train(&data.train, &lemma::TrainOptions::default());
        eprintln!("lemmatiser trained in {:.1}s", t.elapsed().as_secs_f64());
        (tagger, lem)
    };
    let tagger_bytes = tagger.to_bytes();
    let lemma_bytes = lem.to_bytes();
    let (n_lex, n_rules) = lem.sizes();
    eprintln!(
        "tagger.bin {:.2} MB ({} features), lemma.bin {:.2} MB ({n_lex} exceptions, {n_rules} rules)",
        tagger_bytes.len() as f64 / 1e6,
        tagger.n_features(),
        lemma_bytes.len() as f64 / 1e6
    );
    if save && !load {
        std::fs::create_dir_all(&models)?;
        std::fs::write(models.join("tagger.bin"), &tagger_bytes)?;
        std::fs::write(models.join("lemma.bin"), &lemma_bytes)?;
        eprintln!("saved {}/tagger.bin and lemma.bin", models.display());
    }
    // Load time: the fastest of 5 loads (the machine may be busy).
    let mut load_ms = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let _ = Tagger::from_bytes(&tagger_bytes)?;
        let _ = Lemmatizer::from_bytes(&lemma_bytes)?;
        load_ms = load_ms.min(t.elapsed().as_secs_f64() * 1e3);
    }
    let reloaded = Tagger::from_bytes(&tagger_bytes)?;
    let [slots, sparse, dense, cache] = reloaded.memory();
    eprintln!(
        "tagger in memory: table {:.1} MB, sparse rows {:.1} MB, dense rows {:.1} MB, word cache {:.1} MB",
        slots as f64 / 1e6,
        sparse as f64 / 1e6,
        dense as f64 / 1e6,
        cache as f64 / 1e6
    );
    eprintln!("loading both models: {load_ms:.1} ms (fastest of 5)");

    if confusions {
        print_confusions(&reloaded, &data.dev);
        print_lemma_errors(&reloaded, &lem, &data.dev);
        return Ok(());
    }
    if rounds == 0 {
        println!("dev  {}", tagger::evaluate(&reloaded, Some(&lem), &data.dev));
        println!("test {}", tagger::evaluate(&reloaded, Some(&lem), &data.test));
    }

    // Speed: tag + lemmatise dev and test repeatedly, single thread.
    let sentences: Vec<Vec<&str>> = data
        .dev
        .iter()
        .chain(&data.test)
        .map(|s| s.words.iter().map(|w| w.form.as_str()).collect())
        .collect();
    let mut scratch = TagScratch::default();
    let mut tags = Vec::new();
    let mut buf = String::new();
    let mut tokens = 0usize;
    let mut lemma_bytes_total = 0usize;
    let t = Instant::now();
    let cpu0 = cpu_seconds();
    let mut round = 0;
    while (rounds == 0 && t.elapsed().as_secs_f64() < 3.0) || round < rounds {
        round += 1;
        for words in &sentences {
            reloaded.tag(words, &mut scratch, &mut tags);
            for (w, tag) in words.iter().zip(&tags) {
                let l = lem.lemma(w, reloaded.upos_name(tag.upos), reloaded.xpos_name(tag.xpos), &mut buf);
                lemma_bytes_total += l.len();
            }
            tokens += words.len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    println!(
        "speed: {:.0} tokens/s wall, {:.0} tokens per CPU second, tag+lemma ({tokens} tokens in {secs:.2}s wall, {cpu:.2}s CPU; {lemma_bytes_total} lemma bytes)",
        tokens as f64 / secs,
        tokens as f64 / cpu.max(1e-9)
    );
    Ok(())
}

/// CPU time of this process (Linux; 0 elsewhere), so that timing on a busy
/// machine counts only the time we ran.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

/// The most frequent UPOS errors on `sentences`, with example words.
fn print_confusions(tagger: &Tagger, sentences: &[dyad_nlp::conllu::Sentence]) {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<(String, String), (usize, BTreeMap<String, usize>)> = BTreeMap::new();
    let mut scratch = TagScratch::default();
    let mut tags = Vec::new();
    for s in sentences {
        let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        tagger.tag(&words, &mut scratch, &mut tags);
        for (w, t) in s.words.iter().zip(&tags) {
            let p = format!("{}/{}", tagger.upos_name(t.upos), tagger.xpos_name(t.xpos));
            let g = format!("{}/{}", w.upos, w.xpos);
            if p != g {
                let g = if tagger.is_known(&w.form) { g } else { format!("?{g}") };
                let e = counts.entry((g, p)).or_default();
                e.0 += 1;
                *e.1.entry(w.form.clone()).or_default() += 1;
            }
        }
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1 .0));
    for ((g, p), (n, words)) in v.iter().take(40) {
        let mut ws: Vec<_> = words.iter().collect();
        ws.sort_by(|a, b| b.1.cmp(a.1));
        let ex: Vec<String> = ws.iter().take(8).map(|(w, c)| format!("{w}:{c}")).collect();
        println!("{n:5} {g:>10} -> {p:<10} {}", ex.join(" "));
    }
}

/// The most frequent lemma errors on `sentences` with predicted tags.
fn print_lemma_errors(tagger: &Tagger, lem: &Lemmatizer, sentences: &[dyad_nlp::conllu::Sentence]) {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut buf = String::new();
    let (mut n, mut ok, mut ok_gold) = (0, 0, 0);
    let mut scratch = TagScratch::default();
    let mut tags = Vec::new();
    for s in sentences {
        let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        tagger.tag(&words, &mut scratch, &mut tags);
        for (w, t) in s.words.iter().zip(&tags) {
            n += 1;
            ok_gold += usize::from(lem.lemma(&w.form, &w.upos, &w.xpos, &mut buf) == w.lemma);
            let (u, x) = (tagger.upos_name(t.upos), tagger.xpos_name(t.xpos));
            let l = lem.lemma(&w.form, u, x, &mut buf);
            if l == w.lemma {
                ok += 1;
            } else {
                let e = format!("{}/{} (gold {}/{}) gold {} got {}", w.form, x, w.upos, w.xpos, w.lemma, l);
                *counts.entry(e).or_default() += 1;
            }
        }
    }
    println!(
        "lemma: {:.2}% with predicted tags, {:.2}% with gold tags",
        100.0 * ok as f64 / n as f64,
        100.0 * ok_gold as f64 / n as f64
    );
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    for (e, c) in v.iter().take(60) {
        println!("{c:4} {e}");
    }
}
