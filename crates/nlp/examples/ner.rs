//! Train, evaluate, benchmark and try the name recogniser.
//!
//! Run from the workspace root (paths default to `../shared/data/...`):
//!
//! ```sh
//! cargo build --release -p dyad-nlp --example ner
//! ./target/release/examples/ner train --out models/ner.bin   # builds the committed model
//! ./target/release/examples/ner eval                        # dev and test span P/R/F1
//! ./target/release/examples/ner bench                       # load time, tokens per CPU-second
//! echo "Rutte met Zelensky in Kyiv ." | ./target/release/examples/ner tag
//! ```
//!
//! `train` runs [`dyad_nlp::ner_recipe`] (see there for the steps); it tunes
//! nothing on the test set. Options: `--epochs N`, `--scheme bio|bilou`,
//! `--keep-other`, `--dropout P`, `--context HEX`, `--pos HEX` (0: no
//! part-of-speech features), `--pos-dropout P`, `--doc HEX` (0: no
//! document features), `--folds N`,
//! `--tagger-epochs N`, `--members N` (models averaged), `--seed N`, `--lists a,b`, `--no-gum`,
//! `--no-gum-case`, `--lower-every N` (0: none), `--upper-every N`,
//! `--augment-every N` (name replacement copies; 0: none),
//! `--extra FILE.iob2`, `--with-dev`, `--tune` (O-score offset chosen on
//! dev), `--tag-cache FILE` (jackknifed tags kept between runs; default
//! `target/ner-tags.tsv`, `none` for no cache), `--quiet`.
//!
//! `eval` and `bench` tag their text with the shipped tagger
//! (`models/tagger.bin`, as dyad does at run time; `--no-tags` leaves the
//! text untagged). Its dev figures are optimistic: that tagger was trained
//! on EWT dev.

use std::error::Error;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use dyad_nlp::ner::{self, AnnotatedSentence, DocumentContext, EntitySpan, Ner, NerScratch, Scheme};
use dyad_nlp::ner_recipe::{self, Recipe, UNER_DEV, UNER_DIR, UNER_TEST};
use dyad_nlp::tagger::{TagScratch, Tagger};

const DATA: &str = "../shared/data";
const ACTORS: &str = "dictionaries/current";

type Res<T> = Result<T, Box<dyn Error>>;

struct Args(Vec<String>);

impl Args {
    fn value(&mut self, name: &str) -> Option<String> {
        let i = self.0.iter().position(|a| a == name)?;
        if i + 1 >= self.0.len() {
            return None;
        }
        let v = self.0.remove(i + 1);
        self.0.remove(i);
        Some(v)
    }

    fn values(&mut self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(v) = self.value(name) {
            out.push(v);
        }
        out
    }

    fn flag(&mut self, name: &str) -> bool {
        match self.0.iter().position(|a| a == name) {
            Some(i) => {
                self.0.remove(i);
                true
            }
            None => false,
        }
    }

    fn path(&mut self, name: &str, default: &str) -> PathBuf {
        self.value(name).unwrap_or_else(|| default.to_string()).into()
    }

    fn parse<T: std::str::FromStr>(&mut self, name: &str, into: &mut T) -> Res<()>
    where
        T::Err: Error + 'static,
    {
        if let Some(v) = self.value(name) {
            *into = v.parse()?;
        }
        Ok(())
    }

    fn done(self) -> Res<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(format!("unexpected arguments: {:?}", self.0).into())
        }
    }
}

fn main() -> Res<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        return Err("usage: ner train|eval|bench|tag [options]".into());
    }
    let cmd = args.remove(0);
    let args = Args(args);
    match cmd.as_str() {
        "train" => train(args),
        "eval" => eval(args),
        "bench" => bench(args),
        "tag" => tag(args),
        _ => Err(format!("unknown command {cmd:?}").into()),
    }
}

fn train(mut args: Args) -> Res<()> {
    let mut r = Recipe::new(Path::new(DATA), Some(Path::new(ACTORS)));
    let out = args.value("--out");
    let c = &mut r.config;
    args.parse("--epochs", &mut c.epochs)?;
    if let Some(s) = args.value("--scheme") {
        c.scheme = match s.as_str() {
            "bio" => Scheme::Bio,
            "bilou" => Scheme::Bilou,
            _ => return Err(format!("unknown scheme {s:?}").into()),
        };
    }
    c.keep_other = args.flag("--keep-other");
    if let Some(m) = args.value("--context") {
        c.context = u32::from_str_radix(m.trim_start_matches("0x"), 16)?;
    }
    if let Some(m) = args.value("--pos") {
        c.pos = u32::from_str_radix(m.trim_start_matches("0x"), 16)?;
    }
    args.parse("--pos-dropout", &mut c.pos_dropout)?;
    if let Some(m) = args.value("--doc") {
        c.doc = u32::from_str_radix(m.trim_start_matches("0x"), 16)?;
    }
    args.parse("--seed", &mut c.seed)?;
    args.parse("--dropout", &mut c.word_dropout)?;
    args.parse("--min-cache", &mut c.min_cache_count)?;
    args.parse("--folds", &mut r.folds)?;
    args.parse("--members", &mut r.members)?;
    args.parse("--tagger-epochs", &mut r.tagger_epochs)?;
    args.parse("--lower-every", &mut r.lower_every)?;
    args.parse("--upper-every", &mut r.upper_every)?;
    args.parse("--augment-every", &mut r.augment_every)?;
    r.gum_case = !args.flag("--no-gum-case");
    r.gum = !args.flag("--no-gum");
    r.with_dev = args.flag("--with-dev");
    r.extra = args.values("--extra").into_iter().map(PathBuf::from).collect();
    if let Some(l) = args.value("--lists") {
        r.lists = l;
    }
    let cache = args.value("--tag-cache").unwrap_or_else(|| "target/ner-tags.tsv".into());
    r.tag_cache = (cache != "none").then(|| PathBuf::from(cache));
    let quiet = args.flag("--quiet");
    let tune = args.flag("--tune");
    args.done()?;

    let started = Instant::now();
    let mut log = |m: &str| eprintln!("[{:6.1}s] {m}", started.elapsed().as_secs_f64());
    let prepared = ner_recipe::prepare(&r, &mut log)?;
    log(&format!("prepared {} training sentences", prepared.train.len()));
    let mut ner = ner_recipe::train_members(&prepared, r.config.clone(), r.members, !quiet, &mut log);
    if tune {
        let before = ner::evaluate(&ner, &prepared.dev).overall.f1();
        let after = ner.tune_outside(&prepared.dev);
        log(&format!("tuned the O offset on dev: F1 {before:.4} -> {after:.4}"));
    }
    let bytes = ner.to_bytes();
    log(&format!("{} features, {} bytes", ner.n_features(), bytes.len()));
    println!("dev (jackknife-free tags)\n{}", ner::evaluate(&ner, &prepared.dev));
    if let Some(out) = out {
        std::fs::write(&out, &bytes).map_err(|e| format!("{out}: {e}"))?;
        log(&format!("wrote {out}"));
    }
    Ok(())
}

/// Reads `.iob2` files and tags them with `tagger` (when given).
fn read_tagged(path: &Path, tagger: Option<&Tagger>) -> Res<Vec<AnnotatedSentence>> {
    let mut gold = ner::read_iob2(path)?;
    ner_recipe::document_values(&mut gold);
    if let Some(t) = tagger {
        ner_recipe::tag_sentences(t, &mut gold);
    }
    Ok(gold)
}

fn load_tagger(args: &mut Args) -> Res<Option<Tagger>> {
    let path = args.path("--tagger", "models/tagger.bin");
    if args.flag("--no-tags") {
        return Ok(None);
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some(Tagger::from_bytes(&bytes)?))
}

fn eval(mut args: Args) -> Res<()> {
    let model = args.path("--model", "models/ner.bin");
    let data = args.values("--data");
    let errors = args.flag("--errors");
    let tagger = load_tagger(&mut args)?;
    args.done()?;
    let ner = Ner::load(&model)?;
    let data = if data.is_empty() {
        [UNER_DEV, UNER_TEST].iter().map(|f| format!("{DATA}/{UNER_DIR}/{f}")).collect()
    } else {
        data
    };
    for d in data {
        let gold = read_tagged(Path::new(&d), tagger.as_ref())?;
        println!("{d}\n{}", ner::evaluate(&ner, &gold));
        if errors {
            print_errors(&ner, &gold);
        }
    }
    Ok(())
}

/// Prints each sentence whose names were not all found exactly.
fn print_errors(ner: &Ner, gold: &[AnnotatedSentence]) {
    let mut scratch = NerScratch::default();
    let mut found = Vec::new();
    for s in gold {
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        ner.spans_annotated(s, &mut scratch, &mut found);
        let want: Vec<EntitySpan> = s
            .spans
            .iter()
            .filter_map(|g| match g.class {
                ner::SpanClass::Kind(kind) => Some(EntitySpan { start: g.start, end: g.end, kind }),
                ner::SpanClass::Other => None,
            })
            .collect();
        if want == found {
            continue;
        }
        let show = |v: &[EntitySpan]| {
            v.iter()
                .map(|e| format!("[{} {}]", e.kind.as_str(), words[e.start..e.end].join(" ")))
                .collect::<Vec<_>>()
        };
        let missed: Vec<EntitySpan> = want.iter().filter(|g| !found.contains(g)).copied().collect();
        let wrong: Vec<EntitySpan> = found.iter().filter(|g| !want.contains(g)).copied().collect();
        println!(
            "# {}\n{}\n  missed {:?}\n  wrong  {:?}",
            s.sent_id,
            words.join(" "),
            show(&missed),
            show(&wrong)
        );
    }
}

/// CPU time of this (single-threaded) process in nanoseconds, where Linux tells it.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn bench(mut args: Args) -> Res<()> {
    let model = args.path("--model", "models/ner.bin");
    let data = args.path("--data", &format!("{DATA}/{UNER_DIR}/{UNER_TEST}"));
    let repeat: usize = args.value("--repeat").map_or(Ok(20), |r| r.parse())?.max(1);
    let tagger = load_tagger(&mut args)?;
    args.done()?;
    let bytes = std::fs::read(&model).map_err(|e| format!("{}: {e}", model.display()))?;
    let mut loads = Vec::new();
    for _ in 0..5 {
        let (w0, c0) = (Instant::now(), cpu_ns());
        let ner = Ner::from_bytes(&bytes)?;
        let cpu = match (c0, cpu_ns()) {
            (Some(a), Some(b)) => (b - a) as f64 / 1e6,
            _ => f64::NAN,
        };
        loads.push((cpu, w0.elapsed().as_secs_f64() * 1e3));
        drop(ner);
    }
    loads.sort_by(|a, b| a.0.total_cmp(&b.0));
    eprintln!(
        "{}: {} bytes; from_bytes best of 5: {:.1} ms CPU ({:.1} ms wall)",
        model.display(),
        bytes.len(),
        loads[0].0,
        loads[0].1
    );
    let ner = Ner::from_bytes(&bytes)?;
    let gold = read_tagged(&data, tagger.as_ref())?;
    // Documents as runs of sentences; each is counted, then labelled.
    let mut docs: Vec<Vec<(Vec<&str>, &[u8])>> = Vec::new();
    let mut last = "";
    for s in &gold {
        let id = ner_recipe::document_id(&s.sent_id);
        if docs.is_empty() || id != last {
            docs.push(Vec::new());
            last = id;
        }
        if let Some(d) = docs.last_mut() {
            d.push((s.words.iter().map(String::as_str).collect(), &s.pos[..]));
        }
    }
    let mut scratch = NerScratch::default();
    let mut ctx = DocumentContext::default();
    let mut spans = Vec::new();
    let tokens: usize = gold.iter().map(|s| s.words.len()).sum();
    let use_docs = ner.uses_documents();
    let mut run = |spans: &mut Vec<EntitySpan>| -> usize {
        let mut found = 0;
        for d in &docs {
            ctx.clear();
            for (s, _) in d.iter().filter(|_| use_docs) {
                ctx.add_sentence(s);
            }
            for (s, pos) in d {
                ner.spans_in_document(s, pos, &ctx, &mut scratch, spans);
                found += spans.len();
            }
        }
        found
    };
    // Warm up, and count what one pass finds so a fast-but-wrong run shows.
    let found = run(&mut spans);
    let mut passes: Vec<f64> = Vec::with_capacity(repeat);
    for _ in 0..repeat {
        let (w0, c0) = (Instant::now(), cpu_ns());
        assert_eq!(run(&mut spans), found);
        // CPU time where Linux tells it: on a busy machine wall time overstates the cost.
        let secs = match (c0, cpu_ns()) {
            (Some(a), Some(b)) => (b - a) as f64 / 1e9,
            _ => w0.elapsed().as_secs_f64(),
        };
        passes.push(secs);
    }
    let cpu: f64 = passes.iter().sum();
    passes.sort_by(f64::total_cmp);
    println!(
        "{tokens} tokens in {} documents x {repeat} passes ({found} spans per pass; document \
         context counted when the model uses it): {:.2} CPU-seconds in all; tokens per CPU-second: {:.0} overall, median \
         pass {:.0}, best pass {:.0} (single-threaded)",
        docs.len(),
        cpu,
        (tokens * repeat) as f64 / cpu,
        tokens as f64 / passes[passes.len() / 2],
        tokens as f64 / passes[0],
    );
    Ok(())
}

fn tag(mut args: Args) -> Res<()> {
    let model = args.path("--model", "models/ner.bin");
    let tagger = load_tagger(&mut args)?;
    args.done()?;
    let ner = Ner::load(&model)?;
    let mut scratch = NerScratch::default();
    let mut tag_scratch = TagScratch::default();
    let (mut tags, mut spans) = (Vec::new(), Vec::new());
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let words: Vec<&str> = line.split_whitespace().collect();
        match &tagger {
            Some(t) => {
                t.tag(&words, &mut tag_scratch, &mut tags);
                let xpos: Vec<&str> = tags.iter().map(|g| t.xpos_name(g.xpos)).collect();
                ner.spans_tagged(&words, &xpos, &mut scratch, &mut spans);
            }
            None => ner.spans(&words, &mut scratch, &mut spans),
        }
        let shown: Vec<String> = spans
            .iter()
            .map(|s| format!("[{} {}]", s.kind.as_str(), words[s.start..s.end].join(" ")))
            .collect();
        println!("{}", shown.join(" "));
    }
    Ok(())
}
