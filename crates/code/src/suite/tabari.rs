//! TABARI validation projects.
//!
//! A project file lists the dictionaries and the text file with tags such as
//! `<actorsfile> TABARI.Demo.actors`. The text file holds records: a header
//! line `YYMMDD ID` (or `YYYYMMDD ID` after `SET: YYYY = TRUE`), then text
//! lines up to a blank line. Comments `/* ... */` may span lines (a comment
//! left open ends with the record); they and the text may hold the record's
//! expectations:
//!
//! * `{ SRC / TGT / CODE }` — an expected event (any date or label after it is ignored);
//! * `{+++}` complex, `{---}` no events, `{###}` discard;
//! * `-{ ... }` — a deactivated expectation, ignored;
//! * `{ OPTION: SET: ... }` — an option change taking effect after the record
//!   (the closing brace may be missing; the change then ends at the line end).
//!
//! Reading stops at the record whose id starts with `FINAL` (the end of the
//! standard records).

use std::path::{Path, PathBuf};

use dyad_text::Date;

use super::{
    category_of, read_text, Dialect, DiscardKind, Expected, Item, Record, Suite, SuiteFiles, Triple,
};
use crate::options::{parse_tabari_option, read_tabari_options, OptionChange, Options};
use crate::{Error, Result};

pub(super) fn load_project(path: &Path, text: &str) -> Result<Suite> {
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut files = SuiteFiles::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix('<') else { continue };
        let Some((tag, value)) = rest.split_once('>') else { continue };
        let value = value.trim();
        let file = || -> Result<PathBuf> {
            if value.is_empty() {
                return Err(Error::syntax(path, i + 1, format!("<{tag}> names no file")));
            }
            Ok(dir.join(value))
        };
        match tag.to_ascii_lowercase().as_str() {
            "actorsfile" => files.actors.push(file()?),
            "verbsfile" => files.verbs.push(file()?),
            "agentsfile" => files.agents.push(file()?),
            "optionsfile" => files.options = Some(file()?),
            "textfile" => files.text = Some(file()?),
            _ => {}
        }
    }
    let missing =
        |what: &str| Error::Suite { path: path.to_path_buf(), message: format!("project names no {what}") };
    let text_path = files.text.clone().ok_or_else(|| missing("<textfile>"))?;
    if files.verbs.is_empty() {
        return Err(missing("<verbsfile>"));
    }
    if files.actors.is_empty() {
        return Err(missing("<actorsfile>"));
    }
    let mut options = Options::tabari();
    if let Some(opt) = &files.options {
        for change in read_tabari_options(opt)? {
            options.apply(&change);
        }
    }
    let text = read_text(&text_path)?;
    let items = parse_records(&text_path, &text, options.four_digit_years)?;
    Ok(Suite { dialect: Dialect::Tabari, path: path.to_path_buf(), files, options, items })
}

/// Parses the records of a TABARI text file.
pub(super) fn parse_records(path: &Path, text: &str, mut four_digit_years: bool) -> Result<Vec<Item>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut items = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        if !is_header(trimmed) {
            return Err(Error::syntax(
                path,
                i + 1,
                format!("expected a record header `YYMMDD ID` or a blank or `#` line, found {trimmed:?}"),
            ));
        }
        let header_line = i + 1;
        // The body runs to the next blank line. A comment left open runs to the
        // end of the record, as in TABARI (the real suite has such records).
        let mut body = String::new();
        i += 1;
        while i < lines.len() && !lines[i].trim().is_empty() {
            body.push_str(lines[i]);
            body.push('\n');
            i += 1;
        }
        let (record, changes) = parse_record(path, header_line, trimmed, &body, four_digit_years)?;
        if record.id.starts_with("FINAL") {
            break;
        }
        items.push(Item::Record(record));
        if !changes.is_empty() {
            for c in &changes {
                if let OptionChange::FourDigitYears(b) = c {
                    four_digit_years = *b;
                }
            }
            items.push(Item::Options { line: header_line, changes });
        }
    }
    Ok(items)
}

fn is_header(line: &str) -> bool {
    let mut words = line.split_whitespace();
    match (words.next(), words.next()) {
        (Some(d), Some(_)) => (6..=9).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()),
        _ => false,
    }
}

/// A record date: `YYMMDD` (two-digit years below 50 are 20xx) or `YYYYMMDD`;
/// extra digits are ignored, as TABARI does. `None` for impossible dates.
fn parse_date(digits: &str, four_digit_years: bool) -> Option<Date> {
    let num = |s: Option<&str>| s.and_then(|s| s.parse::<u32>().ok());
    let (y, rest) = if four_digit_years {
        (num(digits.get(0..4))? as i32, digits.get(4..)?)
    } else {
        let yy = num(digits.get(0..2))? as i32;
        (if yy < 50 { 2000 + yy } else { 1900 + yy }, digits.get(2..)?)
    };
    Date::new(y, num(rest.get(0..2))?, num(rest.get(2..4))?)
}

fn parse_record(
    path: &Path,
    line: usize,
    header: &str,
    body: &str,
    four_digit_years: bool,
) -> Result<(Record, Vec<OptionChange>)> {
    let words: Vec<&str> = header.split_whitespace().collect();
    let date_word = words.first().copied().unwrap_or("");
    let id = words
        .iter()
        .skip(1)
        .find(|w| !w.bytes().all(|b| b.is_ascii_digit()))
        .or_else(|| words.get(1))
        .copied()
        .unwrap_or("")
        .to_string();
    let date = parse_date(date_word, four_digit_years);

    // Split the body into text and comments.
    let mut text = String::new();
    let mut rest = body;
    while let Some(k) = rest.find("/*") {
        text.push_str(&rest[..k]);
        text.push(' ');
        rest = match rest[k + 2..].find("*/") {
            Some(e) => &rest[k + 2 + e + 2..],
            None => "",
        };
    }
    text.push_str(rest);

    // Expectations and option changes, from comments and text alike.
    let mut events = Vec::new();
    let mut marker: Option<Expected> = None;
    let mut changes = Vec::new();
    let mut line_no = line + 1;
    let mut pos = 0;
    let bytes = body.as_bytes();
    while pos < bytes.len() {
        match bytes[pos] {
            b'\n' => line_no += 1,
            b'{' => {
                let disabled = pos > 0 && bytes[pos - 1] == b'-';
                let after = &body[pos + 1..];
                let eol = after.find('\n').unwrap_or(after.len());
                let (content, closed) = match after[..eol].find('}') {
                    Some(k) => (&after[..k], true),
                    None => (&after[..eol], false),
                };
                pos += 1 + content.len();
                if disabled {
                    continue;
                }
                let content = content.trim();
                if let Some(opt) = content.strip_prefix("OPTION:") {
                    let opt = opt.trim().trim_end_matches("*/").trim();
                    changes.push(parse_tabari_option(opt, path, line_no)?);
                    continue;
                }
                if !closed {
                    return Err(Error::syntax(path, line_no, format!("`{{` is never closed: {{{content}")));
                }
                match content {
                    "" => {}
                    "+++" => _ = marker.get_or_insert(Expected::Complex),
                    "---" => _ = marker.get_or_insert(Expected::NoEvents),
                    "###" => _ = marker.get_or_insert(Expected::Discard(DiscardKind::Any)),
                    _ if content.contains('/') => {
                        let parts: Vec<&str> = content.split('/').collect();
                        if parts.len() != 3 || parts.iter().any(|p| p.trim().is_empty()) {
                            return Err(Error::syntax(
                                path,
                                line_no,
                                format!("expected event {{ SOURCE / TARGET / CODE }}, found {{{content}}}"),
                            ));
                        }
                        events.push(Triple::new(parts[0], parts[1], parts[2]));
                    }
                    _ => {}
                }
                continue;
            }
            _ => {}
        }
        pos += 1;
    }
    // A marker wins over listed events: TABARI reports the record as complex
    // (or discarded) and the events only document what it would code otherwise.
    let expected = marker.or(if events.is_empty() { None } else { Some(Expected::Events(events)) });
    let skip = if expected.is_none() { Some("no expectation in the record".to_string()) } else { None };
    let record = Record {
        category: category_of(&id),
        id,
        line,
        date,
        text: clean_text(&text),
        expected,
        skip,
        parse: None,
    };
    Ok((record, changes))
}

/// Removes suite annotations left outside comments (`\n`, `{...}`, stray `*/`)
/// and collapses white space.
fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("\\n") {
            rest = r;
            out.push(' ');
        } else if rest.starts_with("-{") || rest.starts_with('{') {
            let end = rest.find('}').map_or(rest.len(), |k| k + 1);
            rest = &rest[end..];
            out.push(' ');
        } else if let Some(r) = rest.strip_prefix("*/") {
            rest = r;
            out.push(' ');
        } else {
            let ch = rest.chars().next().unwrap_or(' ');
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
######
# banner
######

000101  START-00
Validation suite. /*\\n-----
\\n{+++}  */

950103  DEMO-04
Dagolath's Telemar left for Minas Tirith,
the news agency reported.
/*\\n------------
\\n[Paired events]
\\n{ DAG / GON / 032 } 950103
\\n{ GON / DAG / 033 } 950103   */

950101  DEMO-05
Arnor is about to restore fxll ties /*
\\n-{ARN / GON / 064  } */

970102 MINWRD-ACTIVATE
Reducing the minimum words.
/*\\n----
\\n{ OPTION: SET: MINIMUM WORDS = 4  */

950104  PATTERN-26
Mordor welcxmed Osgiliath.
/*
\\n{ FOR / GON / 044 }  */
\\n{ GON / FOR / 044 }  */

990101  FINAL-01
This is the end.

950101  AFTER-01
Not read.
";

    fn records(items: &[Item]) -> Vec<&Record> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Record(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn reads_records_expectations_and_options() {
        let items = parse_records(Path::new("V.text"), SAMPLE, false).unwrap();
        let recs = records(&items);
        assert_eq!(recs.len(), 5);
        assert_eq!(recs[0].expected, Some(Expected::Complex));
        assert_eq!(recs[1].id, "DEMO-04");
        assert_eq!(recs[1].category, "DEMO");
        assert_eq!(recs[1].date, Date::new(1995, 1, 3));
        assert_eq!(recs[1].text, "Dagolath's Telemar left for Minas Tirith, the news agency reported.");
        assert_eq!(
            recs[1].expected,
            Some(Expected::Events(vec![Triple::new("DAG", "GON", "032"), Triple::new("GON", "DAG", "033")]))
        );
        assert_eq!(recs[2].expected, None);
        assert!(!recs[2].scored());
        assert!(items.contains(&Item::Options { line: 21, changes: vec![OptionChange::MinWords(4)] }));
        assert_eq!(recs[4].text, "Mordor welcxmed Osgiliath.");
        assert_eq!(
            recs[4].expected,
            Some(Expected::Events(vec![Triple::new("FOR", "GON", "044"), Triple::new("GON", "FOR", "044")]))
        );
    }

    #[test]
    fn dates_follow_the_year_mode() {
        assert_eq!(parse_date("9501201", false), Date::new(1995, 1, 20));
        assert_eq!(parse_date("010101", false), Date::new(2001, 1, 1));
        assert_eq!(parse_date("20150607", true), Date::new(2015, 6, 7));
        assert_eq!(parse_date("951341", false), None);
    }

    #[test]
    fn malformed_records_are_errors_with_lines() {
        let cases = [
            ("stray text\n", 1),
            ("950101 A-1\ntext /* { ARN / GON } */\n", 2),
            ("950101 A-1\ntext /* { OPTION: SET: FROB = 1 } */\n", 2),
        ];
        for (doc, line) in cases {
            let err = parse_records(Path::new("V.text"), doc, false).unwrap_err();
            assert!(err.to_string().starts_with(&format!("V.text:{line}:")), "{doc:?}: {err}");
        }
    }
}
