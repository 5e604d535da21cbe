//! Writers of dyad's own formats (the inverse of `read/dyad.rs`).

use std::fmt::Write as _;

use crate::model::*;

/// A role code as written in dyad files (`none`, `discard`, `complex` for TABARI's
/// special codes).
fn code_word(c: &str) -> &str {
    match c {
        NULL_CODE => "none",
        DISCARD_CODE => "discard",
        COMPLEX_CODE => "complex",
        c => c,
    }
}

fn comments(out: &mut String, cs: &[String]) {
    // The first comment goes on the entry line; the rest on their own lines.
    if let Some(c) = cs.first() {
        let _ = write!(out, "  # {}", without_addresses(c));
    }
    out.push('\n');
    for c in cs.iter().skip(1) {
        let _ = writeln!(out, "  # {}", without_addresses(c));
    }
}

/// `text` with every web address (a word with `://` or starting `www.`,
/// brackets and closing punctuation aside) replaced by `[address]`: dyad's
/// files name no hosts.
pub fn without_addresses(text: &str) -> std::borrow::Cow<'_, str> {
    const AROUND: [char; 8] = ['(', ')', '<', '>', '"', '.', ',', ';'];
    let core = |w: &str| -> (usize, usize) {
        let lead = w.len() - w.trim_start_matches(AROUND).len();
        let trail = w.len() - w.trim_end_matches(AROUND).len();
        (lead, trail.min(w.len() - lead))
    };
    let is_address = |w: &str| {
        let (lead, trail) = core(w);
        let c = &w[lead..w.len() - trail];
        c.contains("://") || c.to_ascii_lowercase().starts_with("www.")
    };
    if !text.split_whitespace().any(is_address) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(|c: char| !c.is_whitespace()).unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        if is_address(word) {
            let (lead, trail) = core(word);
            out.push_str(&word[..lead]);
            out.push_str("[address]");
            out.push_str(&word[word.len() - trail..]);
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
    std::borrow::Cow::Owned(out)
}

/// Writes actors in dyad's `.actors` format, after `header` (comment lines).
pub fn write_actors<'a>(header: &str, actors: impl IntoIterator<Item = &'a Actor>) -> String {
    let mut out = String::from(header);
    for a in actors {
        out.push('\n');
        out.push_str(&a.name.to_dyad());
        comments(&mut out, &a.comments);
        for al in &a.aliases {
            let _ = writeln!(out, "  + {}", al.phrase.to_dyad());
        }
        for r in &a.roles {
            let codes: Vec<&str> = r.codes.iter().map(|c| code_word(c)).collect();
            let _ = write!(out, "  = {}", codes.join("/"));
            if r.dated {
                let _ = write!(out, " {}", r.range_text());
            }
            if !r.note.is_empty() {
                let _ = write!(out, "  {}", r.note);
            }
            out.push('\n');
        }
    }
    out
}

/// Writes agents in dyad's `.agents` format.
pub fn write_agents<'a>(header: &str, agents: impl IntoIterator<Item = &'a Agent>) -> String {
    let mut out = String::from(header);
    for a in agents {
        out.push('\n');
        out.push_str(&a.name.to_dyad());
        comments(&mut out, &a.comments);
        for f in &a.forms {
            let _ = writeln!(out, "  + {}", f.phrase.to_dyad());
        }
        let _ = writeln!(out, "  = {}", a.code_text());
    }
    out
}

fn pattern(out: &mut String, p: &Pattern) {
    let _ = write!(out, "  - {} = {}", p.text, p.code);
    if !p.note.is_empty() {
        let _ = write!(out, "  {}", p.note);
    }
    out.push('\n');
}

/// Writes a verb dictionary in dyad's `.verbs` format.
pub fn write_verbs(header: &str, v: &Verbs) -> String {
    let mut out = String::from(header);
    if v.blocks.iter().any(|b| b.dialect == Dialect::Tabari) {
        out.push_str("\ndialect tabari\n");
    }
    for s in &v.synsets {
        let _ = writeln!(out, "\nsynset {}", s.name);
        for m in &s.members {
            let _ = writeln!(out, "  + {}", m.phrase.to_dyad());
        }
    }
    for b in &v.blocks {
        let _ = writeln!(out, "\nblock {} = {}", b.name, b.code);
        for verb in &b.verbs {
            let forms: Vec<String> = verb.forms.iter().map(VerbForm::to_dyad).collect();
            let _ = write!(out, "  verb {}", forms.join(" | "));
            if let Some(c) = &verb.code {
                let _ = write!(out, " = {c}");
            }
            out.push('\n');
        }
        for p in &b.patterns {
            pattern(&mut out, p);
        }
    }
    if !v.transforms.is_empty() {
        out.push('\n');
    }
    for t in &v.transforms {
        let _ = writeln!(out, "transform {} = {}", t.lhs, t.rhs);
    }
    for t in &v.times {
        let _ = writeln!(out, "\ntime {} = {}", t.phrase.to_dyad(), t.value);
        for p in &t.patterns {
            pattern(&mut out, p);
        }
    }
    if !v.nouns.is_empty() || !v.adjectives.is_empty() {
        out.push('\n');
    }
    for n in &v.nouns {
        let _ = writeln!(out, "noun {}", n.phrase.to_dyad());
    }
    for n in &v.adjectives {
        let _ = writeln!(out, "adjective {}", n.phrase.to_dyad());
    }
    out
}

/// Writes discards in dyad's `.discards` format.
pub fn write_discards<'a>(header: &str, ds: impl IntoIterator<Item = &'a Discard>) -> String {
    let mut out = String::from(header);
    out.push('\n');
    for d in ds {
        let _ = writeln!(out, "{} {}", if d.story { "story" } else { "sentence" }, d.phrase.to_dyad());
    }
    out
}

/// Writes issues in dyad's `.issues` format.
pub fn write_issues<'a>(header: &str, issues: impl IntoIterator<Item = &'a Issue>) -> String {
    let mut out = String::from(header);
    let mut cat: Option<&str> = None;
    for i in issues {
        let c = if i.category.is_empty() { "UNCATEGORIZED" } else { i.category.as_str() };
        if cat != Some(c) {
            let _ = writeln!(out, "\ncategory {c}");
            cat = Some(c);
        }
        let vars: Vec<String> = i.variants.iter().map(|v| v.to_dyad()).collect();
        let vars = vars.join(" | ");
        let _ = match (i.ignore, &i.code) {
            (IssueIgnore::Sentence, _) => writeln!(out, "  ignore {vars}"),
            (IssueIgnore::Story, _) => writeln!(out, "  ignore-story {vars}"),
            (IssueIgnore::No, Some(code)) => writeln!(out, "  {vars} = {code}"),
            (IssueIgnore::No, None) => writeln!(out, "  ignore {vars}"),
        };
    }
    out
}

/// Writes a word list (`.words`).
pub fn write_words<'a>(header: &str, words: impl IntoIterator<Item = &'a ListWord>) -> String {
    let mut out = String::from(header);
    out.push('\n');
    for w in words {
        let _ = writeln!(out, "{}", w.word);
    }
    out
}

#[cfg(test)]
mod address_tests {
    use super::without_addresses;

    #[test]
    fn web_addresses_are_replaced() {
        assert_eq!(without_addresses("see http://a.example/x.html."), "see [address].");
        assert_eq!(without_addresses("(www.example.org) and more"), "([address]) and more");
        assert_eq!(without_addresses("at www.example.org, then"), "at [address], then");
        assert_eq!(without_addresses("no address here"), "no address here");
    }
}
