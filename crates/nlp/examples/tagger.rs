//! Trains the tagger and lemmatiser on UD English, saves them to `models/`,
//! evaluates them on EWT dev and test and times tagging + lemmatising.
//!
//! ```sh
//! cargo run --release -p dyad-nlp --example tagger -- [../shared/data/ud] [--epochs N] [--passes N]
//!     [--amb-min N] [--constrain-min N] [--fixed-min N] [--fixed-share F] [--prune F] [--no-save]
//!     [--load] [--ewt-only]
//! ```

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
            "--load" => load = true,
            "--ewt-only" => ewt_only = true,
            _ if !a.starts_with("--") => ud = PathBuf::from(a),
            _ => return Err(format!("unknown option {a}").into()),
        }
    }
    let t = Instant::now();
    let mut data = tagger::load_ud(&ud)?;
    if ewt_only {
        data.train.retain(|s| !s.sent_id.starts_with("GUM_"));
    }
    let n_train: usize = data.train.iter().map(|s| s.words.len()).sum();
    eprintln!(
        "read {} training sentences ({n_train} words) in {:.1}s",
        data.train.len(),
        t.elapsed().as_secs_f64()
    );

    let models = root.join("models");
    let (tagger, lem) = if load {
        let tagger_bytes = std::fs::read(models.join("tagger.bin"))?;
        let lemma_bytes = std::fs::read(models.join("lemma.bin"))?;
        let t = Instant::now();
        let tagger = Tagger::from_bytes(&tagger_bytes)?;
        let lem = Lemmatizer::from_bytes(&lemma_bytes)?;
        eprintln!("loaded both models in {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        (tagger, lem)
    } else {
        let t = Instant::now();
        let tagger = tagger::train(&data.train, &data.dev, &opts)?;
        eprintln!("tagger trained in {:.1}s", t.elapsed().as_secs_f64());
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
        eprintln!("saved models/tagger.bin and models/lemma.bin");
    }
    let t = Instant::now();
    let reloaded = Tagger::from_bytes(&tagger_bytes)?;
    let _ = Lemmatizer::from_bytes(&lemma_bytes)?;
    eprintln!("reload: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);

    println!("dev  {}", tagger::evaluate(&reloaded, Some(&lem), &data.dev));
    println!("test {}", tagger::evaluate(&reloaded, Some(&lem), &data.test));

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
    while t.elapsed().as_secs_f64() < 3.0 {
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
    println!(
        "speed: {:.0} tokens/s tag+lemma ({tokens} tokens in {secs:.2}s; {lemma_bytes_total} lemma bytes)",
        tokens as f64 / secs
    );
    Ok(())
}
