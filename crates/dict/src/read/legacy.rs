//! TABARI and PETRARCH (Phoenix) dictionary formats.
//!
//! These readers are tolerant where the shipped files are sloppy (lines they cannot use are
//! skipped with a warning) and strict where a line is plainly broken (an unclosed `[`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use dyad_text::Date;

use super::{numbered, offset_in, Cx, Fix};
use crate::error::Result;
use crate::model::*;
use crate::phrase::{split_blank, Phrase};

/// Repairs of obviously wrong lines in the shipped Phoenix files: (file name, line as
/// found, replacement, why). Each applied repair is reported.
const FIXES: &[(&str, &str, &str, &str)] = &[
    (
        "Phoenix.agents.txt",
        "DEPARMENT_OF_ENVIRONMENT [~ENV}",
        "DEPARMENT_OF_ENVIRONMENT [~ENV]",
        "code closed with `}` instead of `]`",
    ),
    (
        "Phoenix.Countries.actors.txt",
        "LIAMINE_Z\u{1a}ROUAL_  # CountryInfo.txt",
        "LIAMINE_ZEROUAL_  # CountryInfo.txt",
        "control character 0x1A in place of the accented E of Liamine Zeroual",
    ),
    (
        "Phoenix.Countries.actors.txt",
        "JAN_STRASK\u{1a}Y  # CountryInfo.txt",
        "JAN_STRASKY  # CountryInfo.txt",
        "control character 0x1A in the name of Jan Strasky",
    ),
    (
        "Phoenix.International.actors.txt",
        "\t[KORGOVBUS 2004017-20061201]",
        "\t[KORGOVBUS 20040117-20061201]",
        "7-digit date 2004017; Ban Ki-moon became South Korea's foreign minister on 2004-01-17",
    ),
    (
        "Phoenix.Countries.actors.txt",
        "\t[ARMUNR 9008223-911221]",
        "\t[ARMUNR 900823-911221]",
        "7-digit date 9008223; the previous line ends Armenia's Soviet period on 900823",
    ),
    (
        "Phoenix.Countries.actors.txt",
        "\t[EGYGOV 20121207-20120802] # PM pt. 2",
        "\t[EGYGOV 20111207-20120802] # PM pt. 2",
        "range ends before it starts; Kamal Ganzouri's second term as prime minister began on 2011-12-07",
    ),
    (
        "Phoenix.Countries.actors.txt",
        "\t[GBRGOV >201005011] ",
        "\t[GBRGOV >20100511] ",
        "9-digit date 201005011; David Cameron became prime minister on 2010-05-11",
    ),
    (
        "Phoenix.Countries.actors.txt",
        "\t[IRQOCC 1920030320-20060520]",
        "\t[IRQOCC 20030320-20060520]",
        "10-digit date 1920030320 (century written twice); the occupation of Iraq began on 2003-03-20",
    ),
    (
        "Phoenix.Countries.actors.txt",
        "\t[SDNSSDAUT 1920050709-20110709]",
        "\t[SDNSSDAUT 20050709-20110709]",
        "10-digit date 1920050709 (century written twice); South Sudan's autonomy began on 2005-07-09",
    ),
    (
        "Phoenix.MilNonState.actors.txt",
        "UNITA_ [ANGREB] #  kkl 21 Mar 13",
        "UNITA_ [AGOREB] #  kkl 21 Mar 13",
        "ANG is not a country code; UNITA is Angolan (AGO)",
    ),
];

/// Applies the repairs for this file, and drops stray control characters (with a warning).
fn fix_line<'a>(cx: &mut Cx<'_>, n: u32, line: &'a str) -> Cow<'a, str> {
    let base = cx.name.rsplit(['/', '\\']).next().unwrap_or("").to_string();
    for &(file, before, after, why) in FIXES {
        if base == file && line == before {
            cx.fixes.push(Fix {
                file: cx.name.clone(),
                line: n,
                before: before.escape_debug().to_string(),
                after: after.escape_debug().to_string(),
                why,
            });
            return Cow::Owned(after.to_string());
        }
    }
    if line.chars().any(|c| c.is_control() && c != '\t') {
        let at = line.find(|c: char| c.is_control() && c != '\t').unwrap_or(0);
        cx.warn(n, line, at, at + 1, "control character removed");
        return Cow::Owned(line.chars().filter(|c| !c.is_control() || *c == '\t').collect());
    }
    Cow::Borrowed(line)
}

/// Removes comments: `<!-- -->` (possibly over several lines; a line starting `<!` is a
/// comment), `#` anywhere, and, when `semicolon`, a `;` at the start or after a blank or `]`.
struct Comments {
    in_xml: bool,
    semicolon: bool,
}

impl Comments {
    /// (content, comment) where content is a prefix of `line`.
    fn split<'a>(&mut self, line: &'a str) -> (&'a str, &'a str) {
        if self.in_xml {
            if line.contains("-->") {
                self.in_xml = false;
            }
            return ("", "");
        }
        if line.trim_start().starts_with("<!") {
            if line.contains("<!--") && !line.contains("-->") {
                self.in_xml = true;
            }
            return ("", "");
        }
        let mut cut = line.len();
        if let Some(p) = line.find("<!--") {
            if !line[p..].contains("-->") {
                self.in_xml = true;
            }
            cut = p;
        }
        // `#` and `;` inside `[...]` are codes (`[###]`), not comments.
        let b = line.as_bytes();
        let mut depth = 0u32;
        for (i, &c) in b[..cut].iter().enumerate() {
            match c {
                b'[' => depth += 1,
                b']' => depth = depth.saturating_sub(1),
                b'#' if depth == 0 => {
                    cut = i;
                    break;
                }
                b';' if depth == 0
                    && self.semicolon
                    && (i == 0 || matches!(b[i - 1], b' ' | b'\t' | b']')) =>
                {
                    cut = i;
                    break;
                }
                _ => {}
            }
        }
        let comment = line[cut..].trim_start_matches(['#', ';']).trim();
        (&line[..cut], comment)
    }
}

fn phrase(dialect: Dialect, s: &str) -> Phrase {
    match dialect {
        Dialect::Tabari => Phrase::from_tabari(s),
        _ => Phrase::from_petrarch(s),
    }
}

/// A date of a TABARI/PETRARCH restriction: `YYMMDD` (years up to 30 are 20YY) or `YYYYMMDD`.
fn legacy_date(s: &str) -> Option<Date> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    let (y, m, d) = match s.len() {
        6 => {
            let yy = num(0..2)? as i32;
            (if yy <= 30 { 2000 + yy } else { 1900 + yy }, num(2..4)?, num(4..6)?)
        }
        8 => (num(0..4)? as i32, num(4..6)?, num(6..8)?),
        _ => return None,
    };
    Date::new(y, m, d)
}

/// Parses the `[...]` groups starting at byte `at` of `line`. Returns the roles and any
/// text left after them.
fn code_groups(
    cx: &mut Cx<'_>,
    n: u32,
    line: &str,
    mut at: usize,
    end: usize,
    dialect: Dialect,
) -> Result<(Vec<Role>, String)> {
    let mut roles = Vec::new();
    let mut trailing = String::new();
    loop {
        let rest = &line[at..end];
        let skip = rest.len() - rest.trim_start().len();
        at += skip;
        if at >= end {
            break;
        }
        if !line[at..].starts_with('[') {
            trailing = line[at..end].trim().to_string();
            cx.warn(n, line, at, end, "text after the codes kept as a comment");
            break;
        }
        let Some(close) = line[at..end].find(']') else {
            return Err(cx.error(n, line, at, at + 1, "expected `]` to close the code"));
        };
        let inner_start = at + 1;
        let inner_end = at + close;
        if let Some(role) = restriction(cx, n, line, inner_start, inner_end, dialect) {
            roles.push(role);
        }
        at = inner_end + 1;
    }
    Ok((roles, trailing))
}

/// One `[CODE restriction]` group (the text between the brackets is `line[s..e]`).
fn restriction(cx: &mut Cx<'_>, n: u32, line: &str, s: usize, e: usize, dialect: Dialect) -> Option<Role> {
    let inner = &line[s..e];
    let mut toks = split_blank(inner);
    let Some((c0, code_tok)) = toks.next() else {
        cx.warn(n, line, s.saturating_sub(1), e + 1, "empty code `[]` skipped");
        return None;
    };
    if code_tok.starts_with(|c: char| c.is_ascii_digit() || c == '<' || c == '>') {
        cx.warn(
            n,
            line,
            s + c0,
            s + c0 + code_tok.len(),
            "expected a code before the date restriction; skipped",
        );
        return None;
    }
    let mut codes = Vec::new();
    for c in code_tok.split('/') {
        if c.is_empty() {
            cx.warn(n, line, s + c0, s + c0 + code_tok.len(), "empty code in `/` list skipped");
            continue;
        }
        if c.chars().any(|ch| ch.is_lowercase()) {
            cx.warn(n, line, s + c0, s + c0 + code_tok.len(), "code in lower case; read as upper case");
        }
        codes.push(c.to_uppercase());
    }
    if codes.is_empty() {
        return None;
    }
    let rest_start = toks.next().map(|(o, _)| s + o).unwrap_or(e);
    let rest: String = line[rest_start..e].chars().filter(|c| !c.is_whitespace()).collect();
    let source = format!("[{}]", inner.trim());
    let mut role =
        Role { codes, from: None, to: None, dated: false, note: String::new(), loc: cx.loc(n), source };
    if rest.is_empty() {
        return Some(role);
    }
    let bad = |cx: &mut Cx<'_>, what: &str| {
        cx.warn(
            n,
            line,
            rest_start,
            e,
            format!("{what} (dates are YYMMDD or YYYYMMDD: `<D`, `>D`, `D1-D2`); restriction skipped"),
        );
        None
    };
    role.dated = true;
    let exclusive_end = dialect != Dialect::Tabari;
    if let Some(d) = rest.strip_prefix('<') {
        let Some(d) = legacy_date(d) else { return bad(cx, "ill-formed date") };
        role.to = if exclusive_end { d.add_days(-1) } else { Some(d) };
    } else if let Some(d) = rest.strip_prefix('>') {
        let Some(d) = legacy_date(d) else { return bad(cx, "ill-formed date") };
        role.from = Some(d);
    } else if let Some((a, b)) = rest.split_once('-') {
        let (Some(a), Some(b)) = (legacy_date(a), legacy_date(b)) else {
            return bad(cx, "ill-formed date range");
        };
        // `D-D` means the one day D (PETRARCH's exclusive end would make it empty).
        let b = if exclusive_end && b > a { b.add_days(-1) } else { Some(b) };
        match b {
            Some(b) if a <= b => {
                role.from = Some(a);
                role.to = Some(b);
            }
            _ => return bad(cx, "date range ends before it starts"),
        }
    } else if let Some(d) = legacy_date(&rest) {
        cx.warn(n, line, rest_start, e, "a lone date; read as `>date` (from that date on)");
        role.from = Some(d);
    } else {
        return bad(cx, "ill-formed date restriction");
    }
    Some(role)
}

fn finish_actor(set: &mut DictSet, cur: &mut Option<Actor>) {
    if let Some(a) = cur.take() {
        set.actors.push(a);
    }
}

/// `.actors` (TABARI) and `*.actors.txt` (PETRARCH/Phoenix).
pub(super) fn actors(cx: &mut Cx<'_>, text: &str, set: &mut DictSet, dialect: Dialect) -> Result<()> {
    let mut com = Comments { in_xml: false, semicolon: true };
    let mut cur: Option<Actor> = None;
    #[derive(PartialEq)]
    enum Section {
        Actors,
        Nouns,
        Adjectives,
    }
    let mut section = Section::Actors;
    for (n, raw) in numbered(text) {
        let fixed = fix_line(cx, n, raw);
        let line: &str = &fixed;
        let t = line.trim();
        if dialect == Dialect::Tabari && t.starts_with("~~") {
            break;
        }
        match t.to_ascii_uppercase().as_str() {
            "<NOUN>" => {
                section = Section::Nouns;
                continue;
            }
            "<ADJECTIVE>" => {
                section = Section::Adjectives;
                continue;
            }
            "</NOUN>" | "</ADJECTIVE>" => {
                section = Section::Actors;
                continue;
            }
            _ => {}
        }
        let (content, comment) = com.split(line);
        let body = content.trim();
        if body.is_empty() {
            continue;
        }
        if section != Section::Actors {
            let w = Alias { phrase: phrase(dialect, body), loc: cx.loc(n) };
            if section == Section::Nouns {
                set.verbs.nouns.push(w);
            } else {
                set.verbs.adjectives.push(w);
            }
            continue;
        }
        let body_at = offset_in(line, body);
        let body_end = body_at + body.len();
        if body.starts_with('[') {
            let (roles, trailing) = code_groups(cx, n, line, body_at, body_end, dialect)?;
            match cur.as_mut() {
                Some(a) => {
                    a.roles.extend(roles);
                    push_comment(&mut a.comments, &trailing);
                    push_comment(&mut a.comments, comment);
                }
                None => cx.warn(n, line, body_at, body_end, "date restriction before any actor; skipped"),
            }
            continue;
        }
        let is_alias = body.starts_with('+');
        let phrase_start = if is_alias { body_at + 1 } else { body_at };
        let bracket = line[phrase_start..body_end].find('[').map(|p| phrase_start + p).unwrap_or(body_end);
        let ptext = &line[phrase_start..bracket];
        let p = phrase(dialect, ptext);
        let (roles, trailing) = code_groups(cx, n, line, bracket, body_end, dialect)?;
        if p.is_empty() {
            cx.warn(n, line, body_at, body_end, "expected an actor phrase; line skipped");
            continue;
        }
        if is_alias {
            let Some(a) = cur.as_mut() else {
                cx.warn(n, line, body_at, body_end, "synonym before any actor; skipped");
                continue;
            };
            if !roles.is_empty() {
                cx.warn(n, line, bracket, body_end, "code on a synonym line; it applies to the whole actor");
            }
            a.aliases.push(Alias { phrase: p, loc: cx.loc(n) });
            a.roles.extend(roles);
            push_comment(&mut a.comments, &trailing);
            push_comment(&mut a.comments, comment);
        } else {
            finish_actor(set, &mut cur);
            let mut a = Actor { name: p, aliases: Vec::new(), roles, loc: cx.loc(n), comments: Vec::new() };
            push_comment(&mut a.comments, &trailing);
            push_comment(&mut a.comments, comment);
            cur = Some(a);
        }
    }
    finish_actor(set, &mut cur);
    Ok(())
}

fn push_comment(v: &mut Vec<String>, c: &str) {
    let c = c.trim();
    if !c.is_empty() && !v.iter().any(|x| x == c) {
        v.push(c.to_string());
    }
}

/// The regular English plural of a word, keeping its case style.
pub(crate) fn plural(word: &str) -> String {
    let upper = word.chars().any(|c| c.is_uppercase()) && !word.chars().any(|c| c.is_lowercase());
    let suffix = |s: &str| if upper { s.to_uppercase() } else { s.to_string() };
    let lw = word.to_ascii_lowercase();
    if consonant_y(&lw) {
        return format!("{}{}", without_last(word), suffix("ies"));
    }
    if lw.ends_with(['s', 'x', 'z']) || lw.ends_with("sh") || lw.ends_with("ch") {
        return format!("{word}{}", suffix("es"));
    }
    format!("{word}{}", suffix("s"))
}

/// The word without its last character.
fn without_last(w: &str) -> &str {
    w.char_indices().next_back().map_or("", |(i, _)| &w[..i])
}

fn vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Ends in a consonant followed by `y` (`army`, not `attorney`).
fn consonant_y(lw: &str) -> bool {
    let mut rev = lw.chars().rev();
    rev.next() == Some('y') && rev.next().is_some_and(|c| !vowel(c))
}

/// Regular verb forms of `w`: third person, past, gerund.
pub(crate) fn verb_forms(w: &str) -> [String; 3] {
    let upper = !w.chars().any(|c| c.is_lowercase());
    let s = |x: &str| if upper { x.to_uppercase() } else { x.to_string() };
    let lw = w.to_ascii_lowercase();
    let cons_y = consonant_y(&lw);
    let stem = without_last(w);
    let third = if cons_y { format!("{stem}{}", s("ies")) } else { plural(w) };
    let past = if cons_y {
        format!("{stem}{}", s("ied"))
    } else if lw.ends_with('e') {
        format!("{w}{}", s("d"))
    } else {
        format!("{w}{}", s("ed"))
    };
    // A silent final e goes before -ing (`accelerating`), not after a vowel (`agreeing`).
    let silent_e = {
        let mut rev = lw.chars().rev();
        rev.next() == Some('e') && rev.next().is_some_and(|c| !vowel(c)) && lw.chars().count() > 2
    };
    let ing = if silent_e { format!("{stem}{}", s("ing")) } else { format!("{w}{}", s("ing")) };
    [third, past, ing]
}

/// `.agents` (TABARI) and `*.agents.txt` (PETRARCH).
pub(super) fn agents(cx: &mut Cx<'_>, text: &str, set: &mut DictSet, dialect: Dialect) -> Result<()> {
    let mut com = Comments { in_xml: false, semicolon: true };
    let mut subst: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (n, raw) in numbered(text) {
        let fixed = fix_line(cx, n, raw);
        let line: &str = &fixed;
        if dialect == Dialect::Tabari && line.trim().starts_with("~~") {
            break;
        }
        let (content, comment) = com.split(line);
        let body = content.trim();
        if body.is_empty() {
            continue;
        }
        let body_at = offset_in(line, body);
        let body_end = body_at + body.len();
        if body.contains('!') && body.contains('=') && !body.contains('[') {
            // !PERSON! = MAN, MEN, WOMAN, WOMEN, PERSON
            let mut parts = body.splitn(3, '!');
            let (_, name, rest) = (parts.next(), parts.next(), parts.next());
            match (name, rest.and_then(|r| r.trim_start().strip_prefix('='))) {
                (Some(name), Some(list)) if !name.is_empty() => {
                    let items: Vec<String> =
                        list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
                    subst.insert(name.to_string(), items);
                }
                _ => cx.warn(
                    n,
                    line,
                    body_at,
                    body_end,
                    "substitution set must look like `!NAME! = A, B, C`; line skipped",
                ),
            }
            continue;
        }
        let Some(open) = body.find('[').map(|p| body_at + p) else {
            cx.warn(n, line, body_at, body_end, "agent without a `[code]`; line skipped");
            continue;
        };
        let Some(close) = line[open..body_end].find(']').map(|p| open + p) else {
            return Err(cx.error(n, line, open, open + 1, "expected `]` to close the code"));
        };
        let code_raw = line[open + 1..close].trim();
        let (code, place) = if let Some(c) = code_raw.strip_prefix('~') {
            (c.trim(), AgentPlace::After)
        } else if let Some(c) = code_raw.strip_suffix('~') {
            (c.trim(), AgentPlace::Before)
        } else {
            cx.warn(
                n,
                line,
                open,
                close + 1,
                "agent code must start or end with `~` (`~GOV`, `NGO~`); line skipped",
            );
            continue;
        };
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            cx.warn(n, line, open, close + 1, "agent code must be letters and digits; line skipped");
            continue;
        }
        let mut comments = Vec::new();
        let trailing = line[close + 1..body_end].trim();
        if !trailing.is_empty() {
            cx.warn(n, line, close + 1, body_end, "text after the code kept as a comment");
            push_comment(&mut comments, trailing);
        }
        push_comment(&mut comments, comment);
        let mut head = line[body_at..open].trim();
        let mut explicit_plural: Option<&str> = None;
        if let Some(b) = head.find('{') {
            let Some(e) = head[b..].find('}').map(|p| b + p) else {
                let at = offset_in(line, head) + b;
                cx.warn(n, line, at, at + 1, "missing `}` after the plural; line skipped");
                continue;
            };
            explicit_plural = Some(head[b + 1..e].trim());
            head = head[..b].trim();
        }
        let mut texts: Vec<String> = Vec::new();
        if head.contains('!') {
            match expand_markers(head, &subst) {
                Ok(v) => texts = v,
                Err(m) => {
                    cx.warn(
                        n,
                        line,
                        body_at,
                        open,
                        format!("substitution marker !{m}! is not defined; line skipped"),
                    );
                    continue;
                }
            }
        } else {
            texts.push(head.to_string());
            match explicit_plural {
                Some(p) if !p.is_empty() => texts.push(p.to_string()),
                Some(_) => {}
                None if dialect == Dialect::Petrarch => {
                    let ph = Phrase::from_petrarch(head);
                    if let Some(last) = ph.words.last() {
                        let mut words: Vec<String> = ph.words.iter().map(|w| w.text.clone()).collect();
                        let k = words.len() - 1;
                        words[k] = plural(&last.text);
                        texts.push(words.join(" "));
                    }
                }
                None => {}
            }
        }
        let mut phrases = texts.iter().map(|t| phrase(dialect, t)).filter(|p| !p.is_empty());
        let Some(name) = phrases.next() else {
            cx.warn(n, line, body_at, open, "expected an agent phrase; line skipped");
            continue;
        };
        let mut forms: Vec<Alias> = Vec::new();
        for p in phrases {
            if p != name && !forms.iter().any(|f| f.phrase == p) {
                forms.push(Alias { phrase: p, loc: cx.loc(n) });
            }
        }
        set.agents.push(Agent { name, forms, code: code.to_string(), place, loc: cx.loc(n), comments });
    }
    Ok(())
}

/// Expands every `!NAME!` marker of `s`; `Err(name)` for an undefined one.
fn expand_markers(s: &str, subst: &BTreeMap<String, Vec<String>>) -> Result<Vec<String>, String> {
    let mut out = vec![s.to_string()];
    loop {
        let mut next = Vec::new();
        let mut changed = false;
        for t in &out {
            let Some(a) = t.find('!') else {
                next.push(t.clone());
                continue;
            };
            let Some(b) = t[a + 1..].find('!').map(|p| a + 1 + p) else {
                return Err(t[a + 1..].to_string());
            };
            let name = &t[a + 1..b];
            let items = subst.get(name).ok_or_else(|| name.to_string())?;
            for it in items {
                next.push(format!("{}{}{}", &t[..a], it, &t[b + 1..]));
            }
            changed = true;
        }
        out = next;
        if !changed {
            return Ok(out);
        }
    }
}

/// Pattern items of a PETRARCH or TABARI pattern text.
pub(crate) fn pattern_items(text: &str, dialect: Dialect) -> Vec<PatternItem> {
    let mut items = Vec::new();
    let mut word = String::new();
    let mut gap = false;
    let mut stem_mark = false;
    let mut exact_mark = false;
    let tabari = dialect == Dialect::Tabari;
    // `sep`: what ended the word: '_' (consecutive), ' ' (gap), or a symbol.
    fn flush(
        items: &mut Vec<PatternItem>,
        word: &mut String,
        gap: &mut bool,
        stem_mark: &mut bool,
        exact_mark: &mut bool,
        sep: char,
        tabari: bool,
    ) {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        if let Some(name) = w.strip_prefix('&') {
            items.push(PatternItem::Synset { name: format!("&{name}"), gap: tabari && *gap });
        } else {
            let stem = tabari && (*stem_mark || (!*exact_mark && sep != '_'));
            items.push(PatternItem::Word { text: w, stem, gap: tabari && *gap });
        }
        *gap = false;
        *stem_mark = false;
        *exact_mark = false;
    }
    for c in text.chars() {
        let sym = match c {
            '*' => Some(PatternItem::Verb),
            '$' => Some(PatternItem::Source),
            '+' => Some(PatternItem::Target),
            '%' => Some(PatternItem::Compound),
            '^' => Some(PatternItem::Skip),
            '@' => Some(PatternItem::Attribution),
            '{' => Some(PatternItem::OpenBrace),
            '}' => Some(PatternItem::CloseBrace),
            '(' => Some(PatternItem::OpenParen),
            ')' => Some(PatternItem::CloseParen),
            '|' => Some(PatternItem::Or),
            _ => None,
        };
        if let Some(sym) = sym {
            flush(&mut items, &mut word, &mut gap, &mut stem_mark, &mut exact_mark, ' ', tabari);
            items.push(sym);
            gap = false;
            continue;
        }
        match c {
            '_' if !word.starts_with('&') || tabari => {
                flush(&mut items, &mut word, &mut gap, &mut stem_mark, &mut exact_mark, '_', tabari);
                gap = false;
            }
            c if c.is_whitespace() => {
                flush(&mut items, &mut word, &mut gap, &mut stem_mark, &mut exact_mark, ' ', tabari);
                gap = true;
            }
            '~' if tabari => stem_mark = true,
            '=' if tabari => exact_mark = true,
            c => word.push(c),
        }
    }
    flush(&mut items, &mut word, &mut gap, &mut stem_mark, &mut exact_mark, ' ', tabari);
    items
}

/// A pattern line `- TEXT [CODE]` (content without the comment); `None` if it has no code.
fn pattern_line(
    cx: &mut Cx<'_>,
    n: u32,
    line: &str,
    body: &str,
    note: &str,
    dialect: Dialect,
) -> Result<Option<Pattern>> {
    let body_at = offset_in(line, body);
    let inner = body.strip_prefix('-').unwrap_or(body);
    let Some(open) = inner.rfind('[') else {
        cx.warn(n, line, body_at, body_at + body.len(), "pattern without a `[code]`; skipped");
        return Ok(None);
    };
    let open_at = offset_in(line, inner) + open;
    let Some(close) = inner[open..].find(']').map(|p| open + p) else {
        return Err(cx.error(n, line, open_at, open_at + 1, "expected `]` to close the code"));
    };
    let code = inner[open + 1..close].trim();
    if code.is_empty() {
        cx.warn(n, line, open_at, open_at + 1, "empty pattern code; skipped");
        return Ok(None);
    }
    let text = inner[..open].trim();
    let after = inner[close + 1..].trim();
    let mut note = note.trim().to_string();
    if !after.is_empty() {
        note = if note.is_empty() { after.to_string() } else { format!("{after} {note}") };
    }
    let text = normalize_blank(text);
    Ok(Some(Pattern {
        items: pattern_items(&text, dialect),
        text,
        code: code.to_string(),
        note,
        loc: cx.loc(n),
    }))
}

fn normalize_blank(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A verb (form) as written in PETRARCH: words joined by `_`, the verb marked `+` when
/// there are several.
fn verb_form(s: &str) -> Option<VerbForm> {
    let parts: Vec<&str> = s.split('_').filter(|w| !w.is_empty()).collect();
    if parts.is_empty() {
        return None;
    }
    let head = parts.iter().position(|w| w.starts_with('+')).unwrap_or(0);
    let words: Vec<String> = parts.iter().map(|w| w.trim_start_matches('+').to_string()).collect();
    if words.iter().any(|w| w.is_empty()) {
        return None;
    }
    Some(VerbForm { words, head })
}

fn regular_verb_forms(f: &VerbForm) -> Vec<VerbForm> {
    let mut out = vec![f.clone()];
    for form in verb_forms(&f.words[f.head]) {
        let mut g = f.clone();
        g.words[f.head] = form;
        out.push(g);
    }
    out
}

/// A verb line of a PETRARCH block: `WORD {FORMS} [CODE]`.
fn verb_line(cx: &mut Cx<'_>, n: u32, line: &str, body: &str) -> Result<Option<Verb>> {
    let body_at = offset_in(line, body);
    let mut rest = body;
    let mut code = None;
    if let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|p| open + p) else {
            return Err(cx.error(
                n,
                line,
                body_at + open,
                body_at + open + 1,
                "expected `]` to close the code",
            ));
        };
        let c = rest[open + 1..close].trim();
        if !c.is_empty() {
            code = Some(c.to_string());
        }
        rest = &rest[..open];
    }
    let mut listed: Option<Vec<&str>> = None;
    if let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|p| open + p) else {
            return Err(cx.error(
                n,
                line,
                body_at + open,
                body_at + open + 1,
                "expected `}` to close the verb forms",
            ));
        };
        listed = Some(rest[open + 1..close].split_whitespace().collect());
        rest = &rest[..open];
    }
    let mut words = rest.split_whitespace();
    let Some(first) = words.next() else {
        cx.warn(n, line, body_at, body_at + body.len(), "expected a verb; line skipped");
        return Ok(None);
    };
    if let Some(extra) = words.next() {
        let at = offset_in(line, extra);
        cx.warn(n, line, at, body_at + rest.trim_end().len(), "words after the verb ignored");
    }
    let Some(lemma) = verb_form(first) else {
        cx.warn(n, line, body_at, body_at + first.len(), "expected a verb; line skipped");
        return Ok(None);
    };
    if lemma.words.len() > 1 && !first.contains('+') {
        cx.warn(
            n,
            line,
            body_at,
            body_at + first.len(),
            "multi-word verb without `+` on the verb; the first word taken",
        );
    }
    let forms = match listed {
        Some(list) => {
            let mut forms = vec![lemma.clone()];
            for f in list {
                match verb_form(f) {
                    Some(vf) if !forms.contains(&vf) => forms.push(vf),
                    Some(_) => {}
                    None => {
                        let at = offset_in(line, f);
                        cx.warn(n, line, at, at + f.len(), "ill-formed verb form skipped");
                    }
                }
            }
            forms
        }
        None => regular_verb_forms(&lemma),
    };
    Ok(Some(Verb { lemma, forms, code, loc: cx.loc(n) }))
}

/// PETRARCH verb dictionaries (`CAMEO.2.0.txt`, `PETR.Validate.verbs.txt`).
pub(super) fn petrarch_verbs(cx: &mut Cx<'_>, text: &str, set: &mut DictSet) -> Result<()> {
    let mut com = Comments { in_xml: false, semicolon: false };
    // What `+` lines belong to: the last `&synset` or the last `---` block.
    let mut in_synset = false;
    for (n, raw) in numbered(text) {
        let fixed = fix_line(cx, n, raw);
        let line: &str = &fixed;
        let (content, comment) = com.split(line);
        let body = content.trim();
        if body.is_empty() {
            continue;
        }
        let body_at = offset_in(line, body);
        let body_end = body_at + body.len();
        if let Some(h) = body.strip_prefix("---") {
            // --- NAME [CODE] ---
            let h = h.trim_end_matches('-').trim();
            let (name, code) = match h.find('[') {
                Some(o) => {
                    let Some(c) = h[o..].find(']').map(|p| o + p) else {
                        let at = offset_in(line, h) + o;
                        return Err(cx.error(n, line, at, at + 1, "expected `]` to close the block code"));
                    };
                    (h[..o].trim(), h[o + 1..c].trim())
                }
                None => (h, NULL_CODE),
            };
            if name.is_empty() {
                cx.warn(n, line, body_at, body_end, "verb block without a name");
            }
            let code = if code.is_empty() { NULL_CODE } else { code };
            set.verbs.blocks.push(VerbBlock {
                name: name.to_string(),
                code: code.to_string(),
                verbs: Vec::new(),
                patterns: Vec::new(),
                loc: cx.loc(n),
                dialect: Dialect::Petrarch,
            });
            in_synset = false;
        } else if body.starts_with('&') {
            let name = body.split_whitespace().next().unwrap_or(body);
            set.verbs.synsets.push(Synset { name: name.to_string(), members: Vec::new(), loc: cx.loc(n) });
            in_synset = true;
        } else if in_synset && body.starts_with('+') {
            let Some(syn) = set.verbs.synsets.last_mut() else { continue };
            let member = body[1..].trim();
            let no_plural = syn.name.ends_with('_') || member.ends_with('_');
            let p = Phrase::from_petrarch(member);
            if p.is_empty() {
                cx.warn(n, line, body_at, body_end, "empty synset member skipped");
                continue;
            }
            let mut plural_p = None;
            if !no_plural {
                let mut q = p.clone();
                if let Some(w) = q.words.last_mut() {
                    w.text = plural(&w.text);
                }
                plural_p = Some(q);
            }
            syn.members.push(Alias { phrase: p, loc: cx.loc(n) });
            if let Some(q) = plural_p {
                if !syn.members.iter().any(|m| m.phrase == q) {
                    syn.members.push(Alias { phrase: q, loc: cx.loc(n) });
                }
            }
        } else if body.starts_with('~') {
            match body.strip_prefix('~').unwrap_or(body).split_once('=') {
                Some((l, r)) => set.verbs.transforms.push(Transform {
                    lhs: normalize_blank(l),
                    rhs: normalize_blank(r),
                    loc: cx.loc(n),
                }),
                None => cx.warn(n, line, body_at, body_end, "transformation without `=`; skipped"),
            }
        } else if body.starts_with('-') {
            let Some(p) = pattern_line(cx, n, line, body, comment, Dialect::Petrarch)? else { continue };
            match set.verbs.blocks.last_mut() {
                Some(b) if !in_synset => b.patterns.push(p),
                _ => cx.warn(n, line, body_at, body_end, "pattern outside a verb block; skipped"),
            }
        } else if in_synset {
            cx.warn(n, line, body_at, body_end, "expected `+member` in a synset; line skipped");
        } else {
            let Some(v) = verb_line(cx, n, line, body)? else { continue };
            match set.verbs.blocks.last_mut() {
                Some(b) => b.verbs.push(v),
                None => cx.warn(n, line, body_at, body_end, "verb before any `--- BLOCK ---` line; skipped"),
            }
        }
    }
    split_synset_words(set, cx.file);
    Ok(())
}

/// TABARI habits left in PETRARCH files: `&TIETYPES_RELATIONS` where only `&TIETYPES` is a
/// synset means the synset followed by the word `RELATIONS` (as TABARI read it).
fn split_synset_words(set: &mut DictSet, file: FileId) {
    let defined: std::collections::BTreeSet<String> =
        set.verbs.synsets.iter().map(|s| s.name.trim_end_matches('_').to_string()).collect();
    for b in set.verbs.blocks.iter_mut().filter(|b| b.loc.file == file) {
        for p in &mut b.patterns {
            let mut items = Vec::with_capacity(p.items.len());
            for it in p.items.drain(..) {
                let PatternItem::Synset { name, gap } = &it else {
                    items.push(it);
                    continue;
                };
                if defined.contains(name.as_str()) {
                    items.push(it);
                    continue;
                }
                let split = name.match_indices('_').map(|(i, _)| i).rfind(|&i| defined.contains(&name[..i]));
                match split {
                    Some(i) => {
                        items.push(PatternItem::Synset { name: name[..i].to_string(), gap: *gap });
                        for w in name[i + 1..].split('_').filter(|w| !w.is_empty()) {
                            items.push(PatternItem::Word { text: w.to_string(), stem: false, gap: false });
                        }
                    }
                    None => items.push(it),
                }
            }
            p.items = items;
        }
    }
}

/// TABARI `.verbs`: `<SYNSETS>`, `<TIME>` and root verbs each with `{forms}` and patterns.
pub(super) fn tabari_verbs(cx: &mut Cx<'_>, text: &str, set: &mut DictSet) -> Result<()> {
    let mut com = Comments { in_xml: false, semicolon: true };
    #[derive(PartialEq)]
    enum Sec {
        Verbs,
        Synsets,
        Time,
    }
    let mut sec = Sec::Verbs;
    for (n, raw) in numbered(text) {
        let fixed = fix_line(cx, n, raw);
        let line: &str = &fixed;
        let t = line.trim();
        if t.starts_with("~~") {
            break;
        }
        match t.to_ascii_uppercase().as_str() {
            "<SYNSETS>" => {
                sec = Sec::Synsets;
                continue;
            }
            "<TIME>" => {
                sec = Sec::Time;
                continue;
            }
            "</SYNSETS>" | "</TIME>" => {
                sec = Sec::Verbs;
                continue;
            }
            _ => {}
        }
        let (content, comment) = com.split(line);
        let body = content.trim();
        if body.is_empty() {
            continue;
        }
        let body_at = offset_in(line, body);
        let body_end = body_at + body.len();
        match sec {
            Sec::Synsets => {
                if body.starts_with('&') {
                    set.verbs.synsets.push(Synset {
                        name: body.to_string(),
                        members: Vec::new(),
                        loc: cx.loc(n),
                    });
                } else if let (Some(m), Some(s)) = (body.strip_prefix('+'), set.verbs.synsets.last_mut()) {
                    s.members.push(Alias { phrase: Phrase::from_tabari(m), loc: cx.loc(n) });
                } else {
                    cx.warn(
                        n,
                        line,
                        body_at,
                        body_end,
                        "expected `&NAME` or `+member` in <SYNSETS>; skipped",
                    );
                }
            }
            Sec::Time => {
                if body.starts_with('-') {
                    let Some(p) = pattern_line(cx, n, line, body, comment, Dialect::Tabari)? else {
                        continue;
                    };
                    match set.verbs.times.last_mut() {
                        Some(ts) => ts.patterns.push(p),
                        None => cx.warn(
                            n,
                            line,
                            body_at,
                            body_end,
                            "time pattern before any time phrase; skipped",
                        ),
                    }
                    continue;
                }
                let Some(open) = body.find('[') else {
                    cx.warn(n, line, body_at, body_end, "time phrase without `[shift]`; skipped");
                    continue;
                };
                let Some(close) = body[open..].find(']').map(|p| open + p) else {
                    return Err(cx.error(
                        n,
                        line,
                        body_at + open,
                        body_at + open + 1,
                        "expected `]` to close the shift",
                    ));
                };
                let value: String = body[open + 1..close].chars().filter(|c| !c.is_whitespace()).collect();
                set.verbs.times.push(TimeShift {
                    phrase: Phrase::from_tabari(&body[..open]),
                    value,
                    patterns: Vec::new(),
                    loc: cx.loc(n),
                });
            }
            Sec::Verbs => {
                if body.starts_with('-') {
                    let Some(p) = pattern_line(cx, n, line, body, comment, Dialect::Tabari)? else {
                        continue;
                    };
                    match set.verbs.blocks.last_mut() {
                        Some(b) => b.patterns.push(p),
                        None => cx.warn(n, line, body_at, body_end, "pattern before any verb; skipped"),
                    }
                } else if let Some(inner) = body.strip_prefix('{') {
                    let Some(close) = inner.find('}') else {
                        return Err(cx.error(
                            n,
                            line,
                            body_at,
                            body_at + 1,
                            "expected `}` to close the verb forms",
                        ));
                    };
                    let Some(v) = set.verbs.blocks.last_mut().and_then(|b| b.verbs.last_mut()) else {
                        cx.warn(n, line, body_at, body_end, "verb forms before any verb; skipped");
                        continue;
                    };
                    for f in inner[..close].split_whitespace() {
                        let words: Vec<String> =
                            Phrase::from_tabari(f).words.into_iter().map(|w| w.text).collect();
                        if !words.is_empty() {
                            let vf = VerbForm { words, head: 0 };
                            if !v.forms.contains(&vf) {
                                v.forms.push(vf);
                            }
                        }
                    }
                } else {
                    let (head, code) = match body.find('[') {
                        Some(open) => {
                            let Some(close) = body[open..].find(']').map(|p| open + p) else {
                                return Err(cx.error(
                                    n,
                                    line,
                                    body_at + open,
                                    body_at + open + 1,
                                    "expected `]` to close the code",
                                ));
                            };
                            (&body[..open], body[open + 1..close].trim())
                        }
                        None => (body, NULL_CODE),
                    };
                    let words: Vec<String> =
                        Phrase::from_tabari(head).words.into_iter().map(|w| w.text).collect();
                    if words.is_empty() {
                        cx.warn(n, line, body_at, body_end, "expected a verb; line skipped");
                        continue;
                    }
                    let lemma = VerbForm { words, head: 0 };
                    set.verbs.blocks.push(VerbBlock {
                        name: head.trim().to_string(),
                        code: if code.is_empty() { NULL_CODE.to_string() } else { code.to_string() },
                        verbs: vec![Verb { forms: vec![lemma.clone()], lemma, code: None, loc: cx.loc(n) }],
                        patterns: Vec::new(),
                        loc: cx.loc(n),
                        dialect: Dialect::Tabari,
                    });
                }
            }
        }
    }
    Ok(())
}

/// PETRARCH discard lists: `PHRASE` (sentence) or `+PHRASE` (story).
pub(super) fn discards(cx: &mut Cx<'_>, text: &str, set: &mut DictSet) -> Result<()> {
    let mut com = Comments { in_xml: false, semicolon: true };
    for (n, raw) in numbered(text) {
        let fixed = fix_line(cx, n, raw);
        let line: &str = &fixed;
        let (content, _) = com.split(line);
        let body = content.trim();
        if body.is_empty() {
            continue;
        }
        let (story, p) = match body.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, body),
        };
        let phrase = Phrase::from_petrarch_stemmed(p);
        if phrase.is_empty() {
            let at = offset_in(line, body);
            cx.warn(n, line, at, at + body.len(), "empty discard phrase skipped");
            continue;
        }
        set.discards.push(Discard { phrase, story, loc: cx.loc(n) });
    }
    Ok(())
}

/// Expands PETRARCH issue shorthand: `n:` (noun and plural), `v:` (verb forms), `+`
/// (blank and hyphen).
pub(crate) fn issue_variants(s: &str) -> Vec<String> {
    let mut acc: Vec<String> = vec![String::new()];
    for tok in s.split_whitespace() {
        // A token may join parts with `+`: each `+` gives a blank and a hyphen variant.
        let parts: Vec<Vec<String>> = tok.split('+').map(part_variants).collect();
        let mut tok_vars: Vec<String> = vec![String::new()];
        for (i, pv) in parts.iter().enumerate() {
            let mut next = Vec::new();
            for pre in &tok_vars {
                for v in pv {
                    if i == 0 {
                        next.push(v.clone());
                    } else {
                        next.push(format!("{pre} {v}"));
                        next.push(format!("{pre}-{v}"));
                    }
                }
            }
            tok_vars = next;
        }
        let mut next = Vec::new();
        for a in &acc {
            for v in &tok_vars {
                next.push(if a.is_empty() { v.clone() } else { format!("{a} {v}") });
            }
        }
        acc = next;
    }
    let mut seen = std::collections::BTreeSet::new();
    acc.retain(|v| !v.is_empty() && seen.insert(v.clone()));
    acc
}

fn part_variants(p: &str) -> Vec<String> {
    let lower = p.to_ascii_lowercase();
    if lower.starts_with("n:") {
        let w = &p[2..];
        vec![w.to_string(), plural(w)]
    } else if lower.starts_with("v:") {
        let w = &p[2..];
        let [a, b, c] = verb_forms(w);
        vec![w.to_string(), a, b, c]
    } else {
        vec![p.to_string()]
    }
}

/// PETRARCH issue dictionaries (`Phoenix.IssueCoding.txt`).
pub(super) fn issues(cx: &mut Cx<'_>, text: &str, set: &mut DictSet) -> Result<()> {
    let mut com = Comments { in_xml: false, semicolon: false };
    let mut category = String::new();
    for (n, raw) in numbered(text) {
        let fixed = fix_line(cx, n, raw);
        let line: &str = &fixed;
        let t = line.trim();
        if t.to_ascii_uppercase().starts_with("<ISSUE") {
            category = attribute(t, "CATEGORY").unwrap_or_default();
            continue;
        }
        if t.to_ascii_uppercase().starts_with("</ISSUE") {
            category.clear();
            continue;
        }
        let (content, _) = com.split(line);
        let body = content.trim();
        if body.is_empty() {
            continue;
        }
        let body_at = offset_in(line, body);
        let body_end = body_at + body.len();
        let (ignore, code, ptext) = if let Some(r) = body.strip_prefix("~~") {
            (IssueIgnore::Story, None, r)
        } else if let Some(r) = body.strip_prefix('~') {
            (IssueIgnore::Sentence, None, r)
        } else {
            let Some(open) = body.find('[') else {
                cx.warn(n, line, body_at, body_end, "issue phrase without a `[CODE]`; skipped");
                continue;
            };
            let Some(close) = body[open..].find(']').map(|p| open + p) else {
                return Err(cx.error(
                    n,
                    line,
                    body_at + open,
                    body_at + open + 1,
                    "expected `]` to close the code",
                ));
            };
            (IssueIgnore::No, Some(body[open + 1..close].trim().to_string()), &body[..open])
        };
        let variants: Vec<Phrase> = issue_variants(ptext)
            .iter()
            .map(|v| Phrase::from_petrarch(v))
            .filter(|p| !p.is_empty())
            .collect();
        if variants.is_empty() {
            cx.warn(n, line, body_at, body_end, "empty issue phrase skipped");
            continue;
        }
        set.issues.push(Issue { variants, code, ignore, category: category.clone(), loc: cx.loc(n) });
    }
    Ok(())
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let upper = tag.to_ascii_uppercase();
    let at = upper.find(&format!("{name}="))? + name.len() + 1;
    let rest = tag.get(at..)?.trim_start_matches('"');
    Some(rest.split(['"', ' ', '>']).next().unwrap_or("").to_string())
}

/// `Phoenix.prepositions.txt`: one word per line.
pub(super) fn prepositions(cx: &mut Cx<'_>, text: &str, set: &mut DictSet) -> Result<()> {
    let mut com = Comments { in_xml: false, semicolon: false };
    for (n, raw) in numbered(text) {
        let fixed = fix_line(cx, n, raw);
        let (content, _) = com.split(&fixed);
        let w = content.trim();
        if !w.is_empty() {
            set.prepositions.push(ListWord { word: w.to_string(), loc: cx.loc(n) });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_dates() {
        assert_eq!(legacy_date("110101"), Date::new(2011, 1, 1));
        assert_eq!(legacy_date("550101"), Date::new(1955, 1, 1));
        assert_eq!(legacy_date("300101"), Date::new(2030, 1, 1));
        assert_eq!(legacy_date("19270101"), Date::new(1927, 1, 1));
        assert_eq!(legacy_date("2004017"), None);
        assert_eq!(legacy_date("991301"), None);
    }

    #[test]
    fn plurals_and_verb_forms() {
        assert_eq!(plural("MINISTER"), "MINISTERS");
        assert_eq!(plural("ATTORNEY"), "ATTORNEYS");
        assert_eq!(plural("ARMY"), "ARMIES");
        assert_eq!(plural("CONGRESS"), "CONGRESSES");
        assert_eq!(plural("church"), "churches");
        assert_eq!(verb_forms("ACCELERATE"), ["ACCELERATES", "ACCELERATED", "ACCELERATING"]);
        assert_eq!(verb_forms("ADD"), ["ADDS", "ADDED", "ADDING"]);
        assert_eq!(verb_forms("AGREE"), ["AGREES", "AGREED", "AGREEING"]);
        assert_eq!(verb_forms("CARRY"), ["CARRIES", "CARRIED", "CARRYING"]);
    }

    #[test]
    fn issue_expansions() {
        assert_eq!(issue_variants("n:preschool"), ["preschool", "preschools"]);
        assert_eq!(issue_variants("pre+k"), ["pre k", "pre-k"]);
        assert_eq!(issue_variants("ethnic v:purge").len(), 4);
        assert_eq!(
            issue_variants("pre+n:school"),
            ["pre school", "pre-school", "pre schools", "pre-schools"]
        );
    }

    #[test]
    fn pattern_items_petrarch_and_tabari() {
        use PatternItem::*;
        let p = pattern_items("* (TO {BANNED PARTIES}) $", Dialect::Petrarch);
        assert_eq!(p.len(), 9);
        assert_eq!(p[0], Verb);
        assert_eq!(p[8], Source);
        let p = pattern_items("* &FIGHT_OF_WORDS", Dialect::Petrarch);
        assert_eq!(p[1], Synset { name: "&FIGHT_OF_WORDS".into(), gap: false });
        let p = pattern_items("RECENT~_* &TIETYPES_MEMOS", Dialect::Tabari);
        assert_eq!(p[0], Word { text: "RECENT".into(), stem: true, gap: false });
        assert_eq!(p[1], Verb);
        assert_eq!(p[2], Synset { name: "&TIETYPES".into(), gap: true });
        assert_eq!(p[3], Word { text: "MEMOS".into(), stem: true, gap: false });
    }
}
