//! `dyad dict ...`: import, compile, check and look up dictionaries.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Subcommand;
use dyad_dict::{DateRule, Dictionary, Scratch, Severity};
use dyad_text::Date;

/// `println!` that ends the command quietly (exit 0) when stdout is closed (`| head`).
macro_rules! out {
    ($($t:tt)*) => {
        if writeln!(std::io::stdout().lock(), $($t)*).is_err() {
            return Ok(0);
        }
    };
}

#[derive(Subcommand)]
pub enum DictCommand {
    /// Convert TABARI / PETRARCH (Phoenix) dictionaries into dyad's own format.
    Import {
        /// Directories, dictionary files or TABARI .project files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Directory to write the dyad-format files to.
        #[arg(long)]
        out: PathBuf,
    },
    /// Compile dictionary layers into one binary file. Later layers win over earlier ones
    /// on the dates they cover.
    Compile {
        /// Layers, lowest priority first: directories, files or TABARI .project files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The compiled file to write (atomically).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Lint dictionaries (or check a compiled .dyd file); exits non-zero on errors.
    Check {
        /// Layers (directories or files), or one compiled .dyd file.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Print warnings too, not just errors.
        #[arg(long)]
        warnings: bool,
    },
    /// Show what a phrase resolves to on a date, and why.
    Lookup {
        /// The phrase ("Mark Rutte", "Russian President").
        text: String,
        /// The date (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// Compiled dictionary (default: dictionaries/default.dyd).
        #[arg(long)]
        dict: Option<PathBuf>,
    },
    /// Entry counts of a compiled dictionary and how long it takes to load.
    Stats {
        /// Compiled dictionary (default: dictionaries/default.dyd).
        #[arg(long)]
        dict: Option<PathBuf>,
        /// Load it this many times and report the fastest and median load.
        #[arg(long, default_value_t = 20)]
        repeat: u32,
        /// Also time actor and agent lookups at every token of this text file.
        #[arg(long)]
        text: Option<PathBuf>,
    },
}

/// The default compiled dictionary: `$DYAD_DICT`, else `dictionaries/default.dyd` in the
/// current directory, else the one in the source tree this binary was built from.
fn default_dict() -> PathBuf {
    if let Some(p) = std::env::var_os("DYAD_DICT") {
        return PathBuf::from(p);
    }
    let local = PathBuf::from("dictionaries/default.dyd");
    if local.exists() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dictionaries/default.dyd")
}

/// Runs a `dyad dict` command; returns the process exit code.
pub fn run(cmd: DictCommand) -> anyhow::Result<i32> {
    match cmd {
        DictCommand::Import { inputs, out } => import(&inputs, &out),
        DictCommand::Compile { inputs, output } => compile(&inputs, &output),
        DictCommand::Check { inputs, warnings } => check(&inputs, warnings),
        DictCommand::Lookup { text, date, dict } => lookup(&text, &date, &dict.unwrap_or_else(default_dict)),
        DictCommand::Stats { dict, repeat, text } => {
            stats(&dict.unwrap_or_else(default_dict), repeat, text.as_deref())
        }
    }
}

/// Dictionary errors carry their own `error:` rendering with a caret: print them as they are.
fn report(e: dyad_dict::Error) -> i32 {
    eprintln!("{e}");
    1
}

fn import(inputs: &[PathBuf], out: &Path) -> anyhow::Result<i32> {
    let rep = match dyad_dict::import(inputs, out) {
        Ok(r) => r,
        Err(e) => return Ok(report(e)),
    };
    for f in &rep.fixes {
        eprintln!("fixed {}:{}: `{}` -> `{}` ({})", f.file, f.line, f.before, f.after, f.why);
    }
    for w in &rep.warnings {
        eprintln!("{}", w.short());
    }
    for n in &rep.notes {
        eprintln!("note: {n}");
    }
    for (path, kind, n, src) in &rep.written {
        out!("wrote {path}: {n} {} entries from {src}", kind.extension());
    }
    out!(
        "{} files written; {} repairs, {} lines skipped or read with a warning, {} entries adjusted to dyad's rules",
        rep.written.len(),
        rep.fixes.len(),
        rep.warnings.len(),
        rep.notes.len()
    );
    Ok(0)
}

fn compile(inputs: &[PathBuf], output: &Path) -> anyhow::Result<i32> {
    let t0 = Instant::now();
    let loaded = match dyad_dict::load_layers(inputs) {
        Ok(l) => l,
        Err(e) => return Ok(report(e)),
    };
    let skipped = loaded.warnings.len();
    let bytes = match dyad_dict::compile_to_file(&loaded.set, output) {
        Ok(n) => n,
        Err(e) => return Ok(report(e)),
    };
    let d = Dictionary::open(output).with_context(|| format!("re-reading {}", output.display()))?;
    let s = d.stats();
    out!(
        "wrote {} ({bytes} bytes) in {:.0?}: {} layers, {} files; {} actors ({} names, {} roles), {} agents ({} forms), \
         {} verb blocks ({} verbs, {} forms, {} patterns, {} synsets), {} discards, {} issues",
        output.display(),
        t0.elapsed(),
        s.layers,
        s.files,
        s.actors,
        s.actor_phrases,
        s.roles,
        s.agents,
        s.agent_phrases,
        s.verb_blocks,
        s.verbs,
        s.verb_forms,
        s.patterns,
        s.synsets,
        s.discards,
        s.issues
    );
    if skipped > 0 {
        out!("{skipped} source lines were skipped or read with a warning (see `dyad dict check --warnings`)");
    }
    Ok(0)
}

fn check(inputs: &[PathBuf], warnings: bool) -> anyhow::Result<i32> {
    let compiled = inputs.len() == 1 && inputs[0].extension().is_some_and(|e| e == "dyd");
    let findings = if compiled {
        match Dictionary::open(&inputs[0]) {
            Ok(d) => dyad_dict::check_dictionary(&d),
            Err(e) => return Ok(report(e)),
        }
    } else {
        let loaded = match dyad_dict::load_layers(inputs) {
            Ok(l) => l,
            Err(e) => return Ok(report(e)),
        };
        let mut f = loaded.warnings.clone();
        f.extend(dyad_dict::check(&loaded.set));
        f
    };
    let errors = findings.iter().filter(|d| d.severity == Severity::Error).count();
    let warns = findings.len() - errors;
    for d in &findings {
        if warnings || d.severity == Severity::Error {
            out!("{}", d.short());
        }
    }
    eprintln!(
        "{errors} errors, {warns} warnings{}",
        if warnings { "" } else { " (show them with --warnings)" }
    );
    Ok(if errors > 0 { 1 } else { 0 })
}

fn open(path: &Path) -> anyhow::Result<Dictionary> {
    let d = Dictionary::open(path).map_err(|e| anyhow::anyhow!("{e}"))?;
    if d.is_stale() {
        eprintln!(
            "warning: {} was compiled under a different tokenizer; recompile it with `dyad dict compile`",
            path.display()
        );
    }
    Ok(d)
}

fn lookup(text: &str, date: &str, path: &Path) -> anyhow::Result<i32> {
    let date: Date = date.parse().map_err(|e| anyhow::anyhow!("--date: {e}"))?;
    let d = open(path)?;
    let mut seg = dyad_text::Segmented::default();
    seg.segment(text);
    let toks: Vec<&str> = seg.tokens.iter().map(|t| t.text(text)).collect();
    if toks.is_empty() {
        bail!("nothing to look up");
    }
    let mut scratch = Scratch::default();
    let mut sent = d.sentence(&toks, &mut scratch);
    let whole = sent.actor_at(0).filter(|m| m.end() == toks.len());
    if let Some(m) = whole {
        let r = m.resolve(date);
        let code = if r.codes.is_empty() { "no code".to_string() } else { r.codes.join("/") };
        out!("{text:?} on {date}: {code}");
        out!("  entry: `{}` ({}), layer {}", r.actor.name(), r.actor.origin(), r.actor.layer());
        match r.phrase.linked_from() {
            Some(p) => out!(
                "  matched: `{}` ({}), linked to this newer entry of the same name",
                p.text(),
                p.origin()
            ),
            None => out!("  matched: `{}` ({})", r.phrase.text(), r.phrase.origin()),
        }
        match (&r.role, r.rule) {
            (Some(role), DateRule::Dated) => {
                out!(
                    "  rule: the dated role {} {} covers the date ({})",
                    role.code_text(),
                    role.range_text(),
                    role.origin()
                )
            }
            (Some(role), DateRule::Fallback) => out!(
                "  rule: no dated role covers the date; the fallback role {} applies ({})",
                role.code_text(),
                role.origin()
            ),
            _ => out!("  rule: no role of this entry applies on that date"),
        }
        if let Some(role) = &r.role {
            if !role.note().is_empty() {
                out!("  role: {}", role.note());
            }
            if !role.source().is_empty() {
                out!("  source restriction: {}", role.source());
            }
        }
        out!("  roles of this entry:");
        for role in r.actor.roles() {
            let mark =
                if r.role.is_some_and(|x| x.origin() == role.origin() && x.range_text() == role.range_text())
                {
                    "*"
                } else {
                    " "
                };
            let range = if role.dated() { role.range_text() } else { "..  (fallback)".to_string() };
            let note = if role.note().is_empty() { String::new() } else { format!("  {}", role.note()) };
            out!("   {mark} {} {range}{note}  ({})", role.code_text(), role.origin());
        }
        let others: Vec<_> = m.phrases().filter(|p| p.actor().index() != r.actor.index()).collect();
        if !others.is_empty() {
            out!("  other entries with this name (lower priority or not covering the date):");
            for p in others {
                let a = p.actor();
                let on = match a.role_on(date) {
                    Some((role, _)) => format!("{} {}", role.code_text(), role.range_text()),
                    None => "no code".into(),
                };
                out!("    `{}` ({}), layer {}: on {date} {on}", a.name(), a.origin(), a.layer());
            }
        }
        return Ok(0);
    }
    match sent.compose(0, toks.len(), date) {
        Some(c) => {
            out!("{text:?} on {date}: {}", c.code);
            if let Some((m, r)) = &c.actor {
                let code = if r.codes.is_empty() { "no code".to_string() } else { r.codes.join("/") };
                out!("  actor: tokens {}..{} -> {code}: {}", m.start(), m.end(), r.explain());
            }
            for g in &c.agents {
                let a = g.agent();
                out!(
                    "  agent: `{}` (tokens {}..{}) -> {} ({})",
                    g.text(),
                    g.start,
                    g.end,
                    a.code_text(),
                    g.origin()
                );
            }
            Ok(0)
        }
        None => {
            out!("{text:?} on {date}: no dictionary entry matches");
            Ok(1)
        }
    }
}

/// Times actor and agent lookups at every token of `text`; returns (tokens, actor
/// phrases, agent phrases, seconds per pass).
fn time_lookups(d: &Dictionary, text: &str) -> (usize, usize, usize, f64) {
    let mut seg = dyad_text::Segmented::default();
    seg.segment(text);
    let mut scratch = Scratch::default();
    let pass = |scratch: &mut Scratch| {
        let (mut actors, mut agents) = (0, 0);
        for i in 0..seg.sentences.len() {
            let toks = seg.sentence_tokens(i).iter().map(|t| t.text(text));
            let mut s = d.sentence(toks, scratch);
            actors += s.actors().len();
            for t in 0..s.len() {
                agents += usize::from(s.agent_at(t).is_some());
            }
        }
        (actors, agents)
    };
    let (actors, agents) = pass(&mut scratch);
    let t0 = Instant::now();
    let mut runs = 0u32;
    while runs < 3 || t0.elapsed().as_millis() < 300 {
        pass(&mut scratch);
        runs += 1;
    }
    (seg.tokens.len(), actors, agents, t0.elapsed().as_secs_f64() / f64::from(runs))
}

fn stats(path: &Path, repeat: u32, text: Option<&Path>) -> anyhow::Result<i32> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..repeat.max(1) {
        let t0 = Instant::now();
        let d = Dictionary::open(path).map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(t0.elapsed());
        last = Some(d);
    }
    times.sort();
    let Some(d) = last else { bail!("no load") };
    let s = d.stats();
    out!("{}: {} bytes, {} layers, {} source files", path.display(), s.bytes, s.layers, s.files);
    out!("  actors {} (names and aliases {}, roles {})", s.actors, s.actor_phrases, s.roles);
    out!("  agents {} (forms {})", s.agents, s.agent_phrases);
    out!(
        "  verb blocks {} (verbs {}, forms {}, patterns {}, synsets {})",
        s.verb_blocks,
        s.verbs,
        s.verb_forms,
        s.patterns,
        s.synsets
    );
    out!("  discards {}, issues {}, words {}", s.discards, s.issues, s.words);
    out!(
        "  load (read + validate), {} runs: fastest {:.2?}, median {:.2?}{}",
        times.len(),
        times[0],
        times[times.len() / 2],
        if d.is_stale() { "; STALE: compiled under a different tokenizer" } else { "" }
    );
    if let Some(t) = text {
        let body = std::fs::read_to_string(t).with_context(|| format!("reading {}", t.display()))?;
        let (tokens, actors, agents, secs) = time_lookups(&d, &body);
        out!(
            "  lookups on {}: {tokens} tokens, {actors} actor phrases, {agents} agent phrases; \
             {:.0} µs per pass, {:.2} M tokens/s (one core)",
            t.display(),
            secs * 1e6,
            tokens as f64 / secs / 1e6
        );
    }
    Ok(0)
}
