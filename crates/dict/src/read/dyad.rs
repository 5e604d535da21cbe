//! dyad's own dictionary formats (documented in `dictionaries/FORMAT.md`). Strict: every
//! malformed line is an error naming file, line and column.

use std::str::FromStr;

use dyad_text::Date;

use super::{numbered, offset_in, Cx};
use crate::error::Result;
use crate::model::*;
use crate::phrase::{split_blank, Phrase};

/// The line without its comment: `#` starts a comment at the start of the (trimmed) line or
/// after a blank.
fn strip_comment(line: &str) -> &str {
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'#' && (i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t') {
            return &line[..i];
        }
    }
    line
}

fn check_controls(cx: &Cx<'_>, n: u32, line: &str) -> Result<()> {
    if let Some(p) = line.find(|c: char| c.is_control() && c != '\t') {
        return Err(cx.error(n, line, p, p + 1, "control character in a dictionary line"));
    }
    Ok(())
}

/// A phrase at `line[at..at+text.len()]`.
fn phrase_at(cx: &Cx<'_>, n: u32, line: &str, text: &str) -> Result<Phrase> {
    let at = offset_in(line, text);
    Phrase::parse_dyad(text).map_err(|e| cx.error(n, line, at + e.start, at + e.end, e.message))
}

/// An entry line or an indented `+`/`=` line.
enum Line<'a> {
    Head(&'a str),
    Plus(&'a str),
    Eq(&'a str),
}

fn classify<'a>(cx: &Cx<'_>, n: u32, line: &'a str, content: &'a str) -> Result<Line<'a>> {
    let indented = content.starts_with([' ', '\t']);
    let t = content.trim();
    if !indented {
        return Ok(Line::Head(t));
    }
    if let Some(r) = t.strip_prefix('+') {
        return Ok(Line::Plus(r.trim()));
    }
    if let Some(r) = t.strip_prefix('=') {
        return Ok(Line::Eq(r));
    }
    let at = offset_in(line, t);
    Err(cx.error(
        n,
        line,
        at,
        at + t.chars().next().map_or(1, char::len_utf8),
        "expected `+ NAME` or `= CODE` (an indented line belongs to the entry above it)",
    ))
}

/// Codes of a role: `USAGOV`, `ELR/GAL`, `none` (or `---`), `discard`, `complex`.
fn codes_at(cx: &Cx<'_>, n: u32, line: &str, tok: &str) -> Result<Vec<String>> {
    let at = offset_in(line, tok);
    let mut out = Vec::new();
    let mut off = 0;
    for c in tok.split('/') {
        let (s, e) = (at + off, at + off + c.len());
        off += c.len() + 1;
        let code = match c {
            "none" | NULL_CODE => NULL_CODE.to_string(),
            "discard" => DISCARD_CODE.to_string(),
            "complex" => COMPLEX_CODE.to_string(),
            "" => return Err(cx.error(n, line, s, e + 1, "expected a code")),
            c if c.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit()) => c.to_string(),
            c if c.chars().all(|ch| ch.is_ascii_alphanumeric()) => {
                return Err(cx.error(n, line, s, e, format!("codes are upper case: `{}`", c.to_ascii_uppercase())))
            }
            _ => {
                return Err(cx.error(
                    n,
                    line,
                    s,
                    e,
                    "expected a CAMEO code (capital letters and digits, e.g. `USAGOV`), `none`, `discard` or `complex`",
                ))
            }
        };
        out.push(code);
    }
    Ok(out)
}

fn date_at(cx: &Cx<'_>, n: u32, line: &str, s: &str) -> Result<Option<Date>> {
    if s.is_empty() {
        return Ok(None);
    }
    let at = offset_in(line, s);
    if s.len() != 10 {
        return Err(cx.error(n, line, at, at + s.len(), "expected a date YYYY-MM-DD"));
    }
    Date::from_str(s)
        .map(Some)
        .map_err(|_| cx.error(n, line, at, at + s.len(), "not a real date (YYYY-MM-DD)"))
}

/// `= CODE [FROM..TO] [  NOTE]` (the text after `=`).
fn role(cx: &Cx<'_>, n: u32, line: &str, rest: &str) -> Result<Role> {
    let mut toks = split_blank(rest);
    let Some((_, code_tok)) = toks.next() else {
        let at = offset_in(line, rest);
        return Err(cx.error(n, line, at, at + 1, "expected a code after `=`"));
    };
    let codes = codes_at(cx, n, line, code_tok)?;
    let code_end = offset_in(line, code_tok) + code_tok.len();
    let mut role = Role {
        codes,
        from: None,
        to: None,
        dated: false,
        note: String::new(),
        loc: cx.loc(n),
        source: String::new(),
    };
    let mut after = &line[code_end..];
    let next = split_blank(after).next().map(|(_, t)| t);
    let is_range =
        |t: &&str| t.contains("..") && t.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '.');
    if let Some(r) = next.filter(is_range) {
        let (f, t) = r.split_once("..").unwrap_or((r, ""));
        role.from = date_at(cx, n, line, f)?;
        role.to = date_at(cx, n, line, t)?;
        if let (Some(a), Some(b)) = (role.from, role.to) {
            if b < a {
                let at = offset_in(line, r);
                return Err(cx.error(n, line, at, at + r.len(), "the role ends before it starts"));
            }
        }
        role.dated = role.from.is_some() || role.to.is_some();
        after = &line[offset_in(line, r) + r.len()..];
    }
    let note = after.trim();
    if !note.is_empty() {
        let gap = &after[..after.len() - after.trim_start().len()];
        if gap.chars().count() < 2 && !gap.contains('\t') {
            let at = offset_in(line, note);
            return Err(cx.error(
                n,
                line,
                at,
                at + note.split_whitespace().next().map_or(1, str::len),
                "expected a date range `FROM..TO`, or two spaces before the note",
            ));
        }
        role.note = note.to_string();
    }
    Ok(role)
}

pub(super) fn actors(cx: &mut Cx<'_>, text: &str, set: &mut DictSet) -> Result<()> {
    let mut cur: Option<Actor> = None;
    for (n, line) in numbered(text) {
        check_controls(cx, n, line)?;
        let content = strip_comment(line);
        if content.trim().is_empty() {
            continue;
        }
        match classify(cx, n, line, content)? {
            Line::Head(t) => {
                if let Some(a) = cur.take() {
                    set.actors.push(a);
                }
                let name = phrase_at(cx, n, line, t)?;
                cur = Some(Actor {
                    name,
                    aliases: Vec::new(),
                    roles: Vec::new(),
                    loc: cx.loc(n),
                    comments: Vec::new(),
                });
            }
            other => {
                let Some(a) = cur.as_mut() else {
                    return Err(cx.error(n, line, 0, line.len(), "indented line before any entry"));
                };
                match other {
                    Line::Plus(t) => {
                        if t.is_empty() {
                            return Err(cx.error(
                                n,
                                line,
                                content.len(),
                                content.len() + 1,
                                "expected a name after `+`",
                            ));
                        }
                        let p = phrase_at(cx, n, line, t)?;
                        a.aliases.push(Alias { phrase: p, loc: cx.loc(n) });
                    }
                    Line::Eq(r) => {
                        let role = role(cx, n, line, r)?;
                        if !role.dated && a.roles.iter().any(|x| !x.dated) {
                            let at = offset_in(line, r.trim_start());
                            return Err(cx.error(
                                n,
                                line,
                                at,
                                line.len(),
                                "a second `..` (always) role: an entry has at most one fallback",
                            ));
                        }
                        a.roles.push(role);
                    }
                    Line::Head(_) => {}
                }
            }
        }
    }
    if let Some(a) = cur.take() {
        set.actors.push(a);
    }
    Ok(())
}

pub(super) fn agents(cx: &mut Cx<'_>, text: &str, set: &mut DictSet) -> Result<()> {
    let mut cur: Option<(Agent, bool)> = None;
    let finish = |set: &mut DictSet, cur: &mut Option<(Agent, bool)>, cx: &Cx<'_>| -> Result<()> {
        if let Some((a, has_code)) = cur.take() {
            if !has_code {
                return Err(cx.error(
                    a.loc.line,
                    "",
                    0,
                    0,
                    format!("agent `{}` has no `= ~CODE` line", a.name),
                ));
            }
            set.agents.push(a);
        }
        Ok(())
    };
    for (n, line) in numbered(text) {
        check_controls(cx, n, line)?;
        let content = strip_comment(line);
        if content.trim().is_empty() {
            continue;
        }
        match classify(cx, n, line, content)? {
            Line::Head(t) => {
                finish(set, &mut cur, cx)?;
                let name = phrase_at(cx, n, line, t)?;
                let a = Agent {
                    name,
                    forms: Vec::new(),
                    code: String::new(),
                    place: AgentPlace::After,
                    loc: cx.loc(n),
                    comments: Vec::new(),
                };
                cur = Some((a, false));
            }
            Line::Plus(t) => {
                let Some((a, _)) = cur.as_mut() else {
                    return Err(cx.error(n, line, 0, line.len(), "indented line before any entry"));
                };
                let p = phrase_at(cx, n, line, t)?;
                a.forms.push(Alias { phrase: p, loc: cx.loc(n) });
            }
            Line::Eq(r) => {
                let Some((a, has)) = cur.as_mut() else {
                    return Err(cx.error(n, line, 0, line.len(), "indented line before any entry"));
                };
                let t = r.trim();
                let at = offset_in(line, t);
                if *has {
                    return Err(cx.error(n, line, at, at + t.len(), "an agent has one code"));
                }
                let (code, place) = if let Some(c) = t.strip_prefix('~') {
                    (c, AgentPlace::After)
                } else if let Some(c) = t.strip_suffix('~') {
                    (c, AgentPlace::Before)
                } else {
                    return Err(cx.error(
                        n,
                        line,
                        at,
                        at + t.len(),
                        "expected an agent code `~GOV` or `NGO~`",
                    ));
                };
                if code.is_empty() || !code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
                    return Err(cx.error(
                        n,
                        line,
                        at,
                        at + t.len(),
                        "agent codes are capital letters and digits",
                    ));
                }
                a.code = code.to_string();
                a.place = place;
                *has = true;
            }
        }
    }
    finish(set, &mut cur, cx)
}

/// `KEYWORD rest`, the keyword ending at the first blank.
fn keyword(t: &str) -> (&str, &str) {
    match t.find([' ', '\t']) {
        Some(p) => (&t[..p], t[p..].trim()),
        None => (t, ""),
    }
}

/// `TEXT = CODE  NOTE` → (text, code, note).
fn split_code<'a>(cx: &Cx<'_>, n: u32, line: &str, s: &'a str) -> Result<(&'a str, &'a str, &'a str)> {
    let Some(p) = s.find(" = ") else {
        let at = offset_in(line, s);
        return Err(cx.error(n, line, at + s.len(), at + s.len() + 1, "expected ` = CODE`"));
    };
    let text = s[..p].trim();
    let rest = s[p + 3..].trim();
    let (code, note) = match rest.find([' ', '\t']) {
        Some(q) => (&rest[..q], rest[q..].trim()),
        None => (rest, ""),
    };
    if code.is_empty() {
        let at = offset_in(line, s) + p + 1;
        return Err(cx.error(n, line, at, at + 1, "expected a code after `=`"));
    }
    Ok((text, code, note))
}

fn verb_forms_at(cx: &Cx<'_>, n: u32, line: &str, s: &str) -> Result<Vec<VerbForm>> {
    let mut out = Vec::new();
    for f in s.split('|') {
        let words: Vec<&str> = f.split_whitespace().collect();
        let at = offset_in(line, f.trim());
        if words.is_empty() {
            return Err(cx.error(n, line, at, at + 1, "expected a verb form"));
        }
        let marked: Vec<usize> =
            words.iter().enumerate().filter(|(_, w)| w.starts_with('+')).map(|(i, _)| i).collect();
        let head = match (words.len(), marked.as_slice()) {
            (1, _) => 0,
            (_, [h]) => *h,
            _ => {
                return Err(cx.error(
                    n,
                    line,
                    at,
                    at + f.trim().len(),
                    "mark the verb of a multi-word form with one `+` (`+cordon off`)",
                ))
            }
        };
        let words: Vec<String> = words.iter().map(|w| w.trim_start_matches('+').to_string()).collect();
        if words.iter().any(String::is_empty) {
            return Err(cx.error(n, line, at, at + f.trim().len(), "expected a word after `+`"));
        }
        out.push(VerbForm { words, head });
    }
    Ok(out)
}

pub(super) fn verbs(cx: &mut Cx<'_>, text: &str, set: &mut DictSet) -> Result<()> {
    #[derive(Clone, Copy, PartialEq)]
    enum Ctx {
        None,
        Synset,
        Block,
        Time,
    }
    let mut ctx = Ctx::None;
    let mut dialect = Dialect::Petrarch;
    for (n, line) in numbered(text) {
        check_controls(cx, n, line)?;
        let content = strip_comment(line);
        let t = content.trim();
        if t.is_empty() {
            continue;
        }
        let indented = content.starts_with([' ', '\t']);
        let at = offset_in(line, t);
        if !indented {
            let (kw, rest) = keyword(t);
            match kw {
                "dialect" => {
                    dialect = match rest {
                        "tabari" => Dialect::Tabari,
                        "petrarch" => Dialect::Petrarch,
                        _ => {
                            return Err(cx.error(
                                n,
                                line,
                                at,
                                at + t.len(),
                                "expected `dialect petrarch` or `dialect tabari`",
                            ))
                        }
                    };
                    ctx = Ctx::None;
                }
                "synset" => {
                    if !rest.starts_with('&') || rest.len() < 2 || rest.contains(char::is_whitespace) {
                        return Err(cx.error(n, line, at, at + t.len(), "expected `synset &NAME`"));
                    }
                    set.verbs.synsets.push(Synset {
                        name: rest.to_string(),
                        members: Vec::new(),
                        loc: cx.loc(n),
                    });
                    ctx = Ctx::Synset;
                }
                "block" => {
                    let (name, code, _) = split_code(cx, n, line, rest)?;
                    if name.is_empty() {
                        return Err(cx.error(n, line, at, at + t.len(), "expected `block NAME = CODE`"));
                    }
                    set.verbs.blocks.push(VerbBlock {
                        name: name.to_string(),
                        code: code.to_string(),
                        verbs: Vec::new(),
                        patterns: Vec::new(),
                        loc: cx.loc(n),
                        dialect,
                    });
                    ctx = Ctx::Block;
                }
                "transform" => {
                    let Some((l, r)) = rest.split_once(" = ") else {
                        return Err(cx.error(
                            n,
                            line,
                            at,
                            at + t.len(),
                            "expected `transform PATTERN = RESULT`",
                        ));
                    };
                    set.verbs.transforms.push(Transform {
                        lhs: l.trim().into(),
                        rhs: r.trim().into(),
                        loc: cx.loc(n),
                    });
                    ctx = Ctx::None;
                }
                "time" => {
                    let (p, v, _) = split_code(cx, n, line, rest)?;
                    let phrase = phrase_at(cx, n, line, p)?;
                    set.verbs.times.push(TimeShift {
                        phrase,
                        value: v.into(),
                        patterns: Vec::new(),
                        loc: cx.loc(n),
                    });
                    ctx = Ctx::Time;
                }
                "noun" | "adjective" => {
                    let phrase = phrase_at(cx, n, line, rest)?;
                    let w = Alias { phrase, loc: cx.loc(n) };
                    if kw == "noun" {
                        set.verbs.nouns.push(w);
                    } else {
                        set.verbs.adjectives.push(w);
                    }
                    ctx = Ctx::None;
                }
                _ => {
                    return Err(cx.error(
                        n,
                        line,
                        at,
                        at + kw.len(),
                        "expected `synset`, `block`, `transform`, `time`, `noun`, `adjective` or `dialect`",
                    ))
                }
            }
            continue;
        }
        match (ctx, t.chars().next()) {
            (Ctx::Synset, Some('+')) => {
                let p = phrase_at(cx, n, line, t[1..].trim())?;
                if let Some(s) = set.verbs.synsets.last_mut() {
                    s.members.push(Alias { phrase: p, loc: cx.loc(n) });
                }
            }
            (Ctx::Block | Ctx::Time, Some('-')) => {
                let (ptext, code, note) = split_code(cx, n, line, t[1..].trim())?;
                let pat = Pattern {
                    items: crate::read::legacy::pattern_items(ptext, dialect),
                    text: ptext.to_string(),
                    code: code.to_string(),
                    note: note.to_string(),
                    loc: cx.loc(n),
                };
                if ctx == Ctx::Block {
                    if let Some(b) = set.verbs.blocks.last_mut() {
                        b.patterns.push(pat);
                    }
                } else if let Some(ts) = set.verbs.times.last_mut() {
                    ts.patterns.push(pat);
                }
            }
            (Ctx::Block, _) if keyword(t).0 == "verb" => {
                let rest = keyword(t).1;
                let (forms_text, code) = match rest.find(" = ") {
                    Some(p) => (&rest[..p], Some(rest[p + 3..].trim())),
                    None => (rest, None),
                };
                if code == Some("") {
                    return Err(cx.error(n, line, at, at + t.len(), "expected a code after `=`"));
                }
                let forms = verb_forms_at(cx, n, line, forms_text)?;
                let Some(lemma) = forms.first().cloned() else { continue };
                if let Some(b) = set.verbs.blocks.last_mut() {
                    b.verbs.push(Verb { lemma, forms, code: code.map(str::to_string), loc: cx.loc(n) });
                }
            }
            _ => {
                let want = match ctx {
                    Ctx::Synset => "expected `+ member` in a synset",
                    Ctx::Block => "expected `verb FORMS` or `- PATTERN = CODE` in a block",
                    Ctx::Time => "expected `- PATTERN = SHIFT` under a time phrase",
                    Ctx::None => "indented line outside a synset, block or time phrase",
                };
                return Err(cx.error(n, line, at, at + t.chars().next().map_or(1, char::len_utf8), want));
            }
        }
    }
    Ok(())
}

pub(super) fn discards(cx: &mut Cx<'_>, text: &str, set: &mut DictSet) -> Result<()> {
    for (n, line) in numbered(text) {
        check_controls(cx, n, line)?;
        let t = strip_comment(line).trim();
        if t.is_empty() {
            continue;
        }
        let (kw, rest) = keyword(t);
        let story = match kw {
            "sentence" => false,
            "story" => true,
            _ => {
                let at = offset_in(line, t);
                return Err(cx.error(
                    n,
                    line,
                    at,
                    at + kw.len(),
                    "expected `sentence PHRASE` or `story PHRASE`",
                ));
            }
        };
        if rest.is_empty() {
            return Err(cx.error(n, line, line.len(), line.len() + 1, "expected a phrase"));
        }
        let phrase = phrase_at(cx, n, line, rest)?;
        set.discards.push(Discard { phrase, story, loc: cx.loc(n) });
    }
    Ok(())
}

pub(super) fn issues(cx: &mut Cx<'_>, text: &str, set: &mut DictSet) -> Result<()> {
    let mut category: Option<String> = None;
    for (n, line) in numbered(text) {
        check_controls(cx, n, line)?;
        let content = strip_comment(line);
        let t = content.trim();
        if t.is_empty() {
            continue;
        }
        let at = offset_in(line, t);
        if !content.starts_with([' ', '\t']) {
            let (kw, rest) = keyword(t);
            if kw != "category" || rest.is_empty() || rest.contains(char::is_whitespace) {
                return Err(cx.error(n, line, at, at + t.len(), "expected `category NAME`"));
            }
            category = Some(rest.to_string());
            continue;
        }
        let Some(cat) = category.clone() else {
            return Err(cx.error(n, line, at, at + 1, "issue phrase before any `category NAME` line"));
        };
        let (kw, rest) = keyword(t);
        let (ignore, code, ptext) = match kw {
            "ignore" => (IssueIgnore::Sentence, None, rest),
            "ignore-story" => (IssueIgnore::Story, None, rest),
            _ => {
                let (p, c, _) = split_code(cx, n, line, t)?;
                (IssueIgnore::No, Some(c.to_string()), p)
            }
        };
        let mut variants = Vec::new();
        for v in ptext.split('|') {
            let v = v.trim();
            if v.is_empty() {
                let at = offset_in(line, ptext);
                return Err(cx.error(n, line, at, at + ptext.len().max(1), "expected a phrase"));
            }
            variants.push(phrase_at(cx, n, line, v)?);
        }
        set.issues.push(Issue { variants, code, ignore, category: cat, loc: cx.loc(n) });
    }
    Ok(())
}

pub(super) fn words(cx: &mut Cx<'_>, text: &str, set: &mut DictSet) -> Result<()> {
    for (n, line) in numbered(text) {
        check_controls(cx, n, line)?;
        let t = strip_comment(line).trim();
        if t.is_empty() {
            continue;
        }
        if t.contains(char::is_whitespace) {
            let at = offset_in(line, t);
            return Err(cx.error(n, line, at, at + t.len(), "expected one word per line"));
        }
        set.prepositions.push(ListWord { word: t.to_string(), loc: cx.loc(n) });
    }
    Ok(())
}
