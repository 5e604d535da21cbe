//! `dyad dict import`: TABARI / PETRARCH files to dyad's own formats.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::compile::write_atomic;
use crate::error::{Diagnostic, Error, Result};
use crate::model::*;
use crate::phrase::Phrase;
use crate::read::{self, Fix, Format, Loaded};
use crate::write;

/// What an import wrote and what it had to change.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// (output path, kind, entries, source file).
    pub written: Vec<(String, Kind, usize, String)>,
    /// Repairs of obvious errors in the sources.
    pub fixes: Vec<Fix>,
    /// Lines the readers skipped or read with a caveat.
    pub warnings: Vec<Diagnostic>,
    /// Changes made to fit dyad's rules (`file:line: ...`): overlapping date restrictions
    /// trimmed, extra fallback codes dropped, duplicate aliases removed.
    pub notes: Vec<String>,
    /// Files in the inputs that are not dictionaries.
    pub ignored: Vec<String>,
}

/// Converts the dictionaries in `inputs` (directories, files, TABARI `.project` files) into
/// dyad-format files in `out_dir`, one per source file, each with a header giving its source,
/// license and the repairs made. Files are written atomically and re-read to check them.
///
/// # Errors
/// Reading errors of the sources (see [`crate::load_layers`]) and write errors.
pub fn import(inputs: &[PathBuf], out_dir: &Path) -> Result<ImportReport> {
    let mut loaded = Loaded::default();
    for p in inputs {
        read::load_path(p, 0, &mut loaded)?;
    }
    let mut report = ImportReport {
        fixes: loaded.fixes.clone(),
        warnings: loaded.warnings.clone(),
        ignored: loaded.ignored.clone(),
        ..ImportReport::default()
    };
    let set = &loaded.set;
    let mut used_names: BTreeSet<String> = BTreeSet::new();
    for (fid, file) in set.files.iter().enumerate() {
        let fid = fid as FileId;
        let src_path = Path::new(&file.name);
        let src_text = std::fs::read_to_string(src_path).unwrap_or_default();
        let fixes: Vec<&Fix> = loaded.fixes.iter().filter(|f| f.file == file.name).collect();
        let mut outputs: Vec<(Kind, String, usize)> = Vec::new();

        let actors: Vec<&Actor> = set.actors.iter().filter(|a| a.loc.file == fid).collect();
        if !actors.is_empty() {
            let mut notes = Vec::new();
            let converted: Vec<Actor> = actors.iter().map(|a| to_dyad_actor(set, a, &mut notes)).collect();
            let head = header(Kind::Actors, file, &src_text, &fixes, !notes.is_empty());
            report.notes.extend(notes);
            outputs.push((Kind::Actors, write::write_actors(&head, converted.iter()), converted.len()));
        }
        let agents: Vec<&Agent> = set.agents.iter().filter(|a| a.loc.file == fid).collect();
        if !agents.is_empty() {
            let head = header(Kind::Agents, file, &src_text, &fixes, false);
            outputs.push((Kind::Agents, write::write_agents(&head, agents.iter().copied()), agents.len()));
        }
        let v = &set.verbs;
        let verbs = Verbs {
            synsets: v.synsets.iter().filter(|s| s.loc.file == fid).cloned().collect(),
            blocks: v.blocks.iter().filter(|b| b.loc.file == fid).cloned().collect(),
            transforms: v.transforms.iter().filter(|t| t.loc.file == fid).cloned().collect(),
            times: v.times.iter().filter(|t| t.loc.file == fid).cloned().collect(),
            nouns: v.nouns.iter().filter(|t| t.loc.file == fid).cloned().collect(),
            adjectives: v.adjectives.iter().filter(|t| t.loc.file == fid).cloned().collect(),
        };
        let n_verbs = verbs.synsets.len()
            + verbs.blocks.len()
            + verbs.transforms.len()
            + verbs.times.len()
            + verbs.nouns.len()
            + verbs.adjectives.len();
        if n_verbs > 0 {
            let head = header(Kind::Verbs, file, &src_text, &fixes, false);
            outputs.push((Kind::Verbs, write::write_verbs(&head, &verbs), verbs.blocks.len()));
        }
        let discards: Vec<&Discard> = set.discards.iter().filter(|d| d.loc.file == fid).collect();
        if !discards.is_empty() {
            let head = header(Kind::Discards, file, &src_text, &fixes, false);
            outputs.push((
                Kind::Discards,
                write::write_discards(&head, discards.iter().copied()),
                discards.len(),
            ));
        }
        let issues: Vec<&Issue> = set.issues.iter().filter(|d| d.loc.file == fid).collect();
        if !issues.is_empty() {
            let head = header(Kind::Issues, file, &src_text, &fixes, false);
            outputs.push((Kind::Issues, write::write_issues(&head, issues.iter().copied()), issues.len()));
        }
        let words: Vec<&ListWord> = set.prepositions.iter().filter(|d| d.loc.file == fid).collect();
        if !words.is_empty() {
            let head = header(Kind::Prepositions, file, &src_text, &fixes, false);
            outputs.push((Kind::Prepositions, write::write_words(&head, words.iter().copied()), words.len()));
        }

        for (kind, text, n) in outputs {
            let mut name = format!("{}.{}", out_stem(&file.name, kind), kind.extension());
            let mut k = 2;
            while !used_names.insert(name.clone()) {
                name = format!("{}-{k}.{}", out_stem(&file.name, kind), kind.extension());
                k += 1;
            }
            let path = out_dir.join(&name);
            // The output must read back as dyad's format.
            let mut check = Loaded::default();
            read::read_into(
                &mut check,
                &path.display().to_string(),
                &text,
                Format { kind, dialect: Dialect::Dyad },
                0,
            )
            .map_err(|e| {
                Error::Invalid(vec![Diagnostic::line(
                    crate::Severity::Error,
                    &path.display().to_string(),
                    0,
                    format!("import produced a file that does not read back (a bug): {e}"),
                )])
            })?;
            write_atomic(&path, text.as_bytes())?;
            report.written.push((path.display().to_string(), kind, n, file.name.clone()));
        }
    }
    Ok(report)
}

/// The output file name (without extension): the source name without `Phoenix.`, its
/// kind word and `.txt`, lower case (`Phoenix.Countries.actors.txt` → `countries`).
fn out_stem(src: &str, kind: Kind) -> String {
    let base = src.rsplit(['/', '\\']).next().unwrap_or(src);
    let kind_words = ["actors", "agents", "verbs", "discards", "issues", "prepositions", "txt", "phoenix"];
    let parts: Vec<String> = base
        .split('.')
        .map(|p| p.to_ascii_lowercase())
        .filter(|p| !kind_words.contains(&p.as_str()) && !p.is_empty())
        .collect();
    if parts.is_empty() {
        match kind {
            Kind::Prepositions => "prepositions".to_string(),
            _ => "phoenix".to_string(),
        }
    } else {
        parts.join("-")
    }
}

fn header(kind: Kind, file: &SourceFile, src_text: &str, fixes: &[&Fix], trimmed: bool) -> String {
    let base = file.name.rsplit(['/', '\\']).next().unwrap_or(&file.name);
    let mut h = String::new();
    let _ =
        writeln!(h, "# dyad {} dictionary, generated by `dyad dict import` from {base}", kind.extension());
    let _ = writeln!(
        h,
        "# ({} format). Format: dictionaries/FORMAT.md. Regenerate rather than edit;",
        file.dialect.name()
    );
    h.push_str("# put corrections and newer facts in a later layer (dictionaries/current/).\n#\n");
    let license = Path::new(&file.name)
        .parent()
        .map(|d| d.join("LICENSE"))
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    if license.contains("MIT License") || src_text.contains("MIT License") {
        let holder: Vec<&str> = license
            .lines()
            .chain(src_text.lines())
            .map(|l| l.trim_start_matches('#').trim())
            .filter(|l| l.starts_with("Copyright (c)"))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let _ = writeln!(h, "# License: MIT ({}); full text in NOTICE.", holder.join("; "));
    }
    if src_text.contains("Open Event Data") || license.contains("Open Event Data") {
        h.push_str("# From the Phoenix/PETRARCH-2 dictionaries of the Open Event Data Alliance (openeventdata/petrarch2).\n");
    }
    if src_text.contains("Computational Event Data System") {
        h.push_str("# Provided by the Computational Event Data System Project.\n");
    }
    if src_text.contains("CountryInfo") {
        h.push_str(
            "# The country actors derive from CountryInfo.txt and are licensed CC BY-SA 3.0\n\
             # (Creative Commons Attribution-ShareAlike 3.0); this file is under the same license.\n",
        );
    }
    if kind == Kind::Actors && file.dialect != Dialect::Dyad {
        h.push_str("#\n");
        if file.dialect == Dialect::Petrarch {
            h.push_str(
                "# Dates: the source's restrictions were read as PETRARCH reads them (`D1-D2` from D1 up to\n\
                 # the day before D2, `<D` up to the day before D, `>D` from D on; YYMMDD years up to 30 are\n\
                 # 20YY) and are written here as inclusive ranges.\n",
            );
        } else {
            h.push_str(
                "# Dates: TABARI restriction limits are inclusive and are written here as they are.\n",
            );
        }
        if trimmed {
            h.push_str(
                "# Where restrictions overlapped, the first listed wins (as in TABARI and PETRARCH) and the\n\
                 # later ones were trimmed; `import:` comments mark every such entry.\n",
            );
        }
    }
    if !fixes.is_empty() {
        h.push_str("#\n# Repairs of obvious errors in the source:\n");
        for f in fixes {
            let _ = writeln!(h, "#   line {}: `{}` -> `{}`: {}", f.line, f.before, f.after, f.why);
        }
    }
    let src_head: Vec<&str> = src_text
        .lines()
        .take_while(|l| l.starts_with('#') || l.trim().is_empty())
        .filter(|l| l.starts_with('#'))
        .collect();
    if !src_head.is_empty() {
        h.push_str("#\n# The source file's own header:\n");
        for l in src_head {
            let l = l.trim_start_matches('#');
            let _ = writeln!(
                h,
                "# | {}",
                crate::write::without_addresses(l.strip_prefix(' ').unwrap_or(l).trim_end())
            );
        }
    }
    h
}

fn day(d: Option<dyad_text::Date>, open: i64) -> i64 {
    d.map_or(open, |d| d.to_days())
}

/// `a` minus the intervals in `taken` (all inclusive day ranges).
fn subtract(a: (i64, i64), taken: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut pieces = vec![a];
    for &(s, e) in taken {
        let mut next = Vec::new();
        for (ps, pe) in pieces {
            if e < ps || s > pe {
                next.push((ps, pe));
                continue;
            }
            if s > ps {
                next.push((ps, s - 1));
            }
            if e < pe {
                next.push((e + 1, pe));
            }
        }
        pieces = next;
    }
    pieces
}

/// A legacy actor made to follow dyad's rules: non-overlapping dated roles (the first listed
/// wins), at most one fallback, no duplicate or unwritable phrases.
fn to_dyad_actor(set: &DictSet, a: &Actor, notes: &mut Vec<String>) -> Actor {
    let mut out = a.clone();
    let mut note = |out: &mut Actor, line: u32, msg: String| {
        notes.push(format!("{}:{}: {}: {}", set.file_name(a.loc), line, a.name, msg));
        out.comments.push(format!("import: {msg}"));
    };
    // Phrases.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    seen.insert(a.name.key());
    let mut aliases = Vec::new();
    for al in &a.aliases {
        if Phrase::parse_dyad(&al.phrase.to_dyad()).ok().as_ref() != Some(&al.phrase) {
            note(
                &mut out,
                al.loc.line,
                format!("synonym `{}` cannot be written in dyad syntax; dropped", al.phrase),
            );
            continue;
        }
        if seen.insert(al.phrase.key()) {
            aliases.push(al.clone());
        }
    }
    out.aliases = aliases;
    // Roles.
    let mut taken: Vec<(i64, i64)> = Vec::new();
    let mut dated: Vec<Role> = Vec::new();
    let mut fallback: Option<Role> = None;
    for r in &a.roles {
        if !r.dated {
            match &fallback {
                None => fallback = Some(r.clone()),
                Some(f) => note(
                    &mut out,
                    r.loc.line,
                    format!("second undated code {} ignored; {} stays the fallback", r.source, f.source),
                ),
            }
            continue;
        }
        let span = (day(r.from, i64::MIN), day(r.to, i64::MAX));
        let pieces = subtract(span, &taken);
        taken.push(span);
        if pieces.len() == 1 && pieces[0] == span {
            dated.push(r.clone());
            continue;
        }
        let mut kept = Vec::new();
        for (s, e) in pieces {
            let mut piece = r.clone();
            piece.from = if s == i64::MIN { None } else { dyad_text::Date::from_days(s) };
            piece.to = if e == i64::MAX { None } else { dyad_text::Date::from_days(e) };
            kept.push(piece.range_text());
            dated.push(piece);
        }
        let what = if kept.is_empty() { "dropped".to_string() } else { format!("kept {}", kept.join(", ")) };
        note(&mut out, r.loc.line, format!("{} overlaps an earlier restriction; {what}", r.source));
    }
    dated.sort_by_key(|r| (r.from, r.to));
    out.roles = dated;
    out.roles.extend(fallback);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_subtraction() {
        assert_eq!(subtract((0, 10), &[(3, 4)]), vec![(0, 2), (5, 10)]);
        assert_eq!(subtract((0, 10), &[(-5, 20)]), vec![]);
        assert_eq!(subtract((0, 10), &[(11, 20)]), vec![(0, 10)]);
    }

    #[test]
    fn output_names() {
        assert_eq!(out_stem("a/Phoenix.Countries.actors.txt", Kind::Actors), "countries");
        assert_eq!(out_stem("Phoenix.agents.txt", Kind::Agents), "phoenix");
        assert_eq!(out_stem("CAMEO.2.0.txt", Kind::Verbs), "cameo-2-0");
        assert_eq!(out_stem("Phoenix.prepositions.txt", Kind::Prepositions), "prepositions");
    }
}
