//! PETRARCH validation files (`PETR.UnitTest.records.xml`).
//!
//! `<Environment>` names the dictionaries (`<Verbfile>`, `<Actorfile>`,
//! `<Agentfile>`, `<Discardfile>`), the categories to run (`<Include>`, where
//! the word `valid` also restricts the run to `valid="true"` records) and
//! initial `<Config>` options. `<Sentences>` holds `<Sentence date id category
//! valid>` records with `<EventCoding>` expectations (`sourcecode`,
//! `targetcode`, `eventcode`; or `noevents="True"`; or `error="..."`), the
//! `<Text>` and a `<Parse>`, interleaved with `<Config option value>` changes.

use std::path::Path;

use dyad_text::Date;

use super::xml::{Event, Reader};
use super::{Dialect, DiscardKind, Expected, Item, Record, Suite, SuiteFiles, Triple};
use crate::options::{parse_petrarch_config, Options};
use crate::{Error, Result};

#[derive(Default)]
struct Pending {
    attrs: Vec<(String, String)>,
    line: usize,
    text: Option<String>,
    parse: Option<String>,
    events: Vec<Triple>,
    no_events: bool,
    error: Option<String>,
    has_coding: bool,
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

pub(super) fn load(path: &Path, src: &str) -> Result<Suite> {
    let dir = path.parent().unwrap_or(Path::new(""));
    let err = |line: usize, message: String| Error::syntax(path, line, message);
    let mut reader = Reader::new(src);
    let mut files = SuiteFiles::default();
    let mut options = Options::petrarch();
    let mut items = Vec::new();
    let mut include: Option<Vec<String>> = None;
    let mut exclude: Vec<String> = Vec::new();
    let mut valid_only = false;
    let mut stack: Vec<String> = Vec::new();
    let mut text_buf = String::new();
    let mut sentence: Option<Pending> = None;

    loop {
        let event = reader.next_event().map_err(|(line, m)| err(line, m))?;
        let Some(event) = event else { break };
        match event {
            Event::Start { name, attrs, empty, line } => {
                let in_env = stack.iter().any(|s| s == "Environment");
                match name.as_str() {
                    "Config" => {
                        let (Some(option), Some(value)) = (attr(&attrs, "option"), attr(&attrs, "value"))
                        else {
                            return Err(err(line, "<Config> needs option=\"..\" and value=\"..\"".into()));
                        };
                        let change = parse_petrarch_config(option, value).map_err(|m| err(line, m))?;
                        if in_env {
                            options.apply(&change);
                        } else {
                            items.push(Item::Options { line, changes: vec![change] });
                        }
                    }
                    "Sentence" => {
                        if sentence.is_some() {
                            return Err(err(line, "<Sentence> inside another <Sentence>".into()));
                        }
                        sentence = Some(Pending { attrs, line, ..Pending::default() });
                    }
                    "EventCoding" => {
                        let Some(s) = sentence.as_mut() else {
                            return Err(err(line, "<EventCoding> outside a <Sentence>".into()));
                        };
                        s.has_coding = true;
                        let src = attr(&attrs, "sourcecode");
                        let tgt = attr(&attrs, "targetcode");
                        let code = attr(&attrs, "eventcode");
                        if let Some(e) = attr(&attrs, "error") {
                            s.error = Some(e.trim().to_string());
                        } else if attr(&attrs, "noevents")
                            .is_some_and(|v| !v.trim().eq_ignore_ascii_case("false"))
                        {
                            s.no_events = true;
                        } else if let (Some(a), Some(b), Some(c)) = (src, tgt, code) {
                            s.events.push(Triple::new(a, b, c));
                        } else {
                            return Err(err(
                                line,
                                "<EventCoding> needs sourcecode, targetcode and eventcode, noevents or error"
                                    .into(),
                            ));
                        }
                    }
                    _ => {}
                }
                if !empty {
                    stack.push(name);
                    text_buf.clear();
                }
            }
            Event::Text { text, .. } => text_buf.push_str(&text),
            Event::End { name, line } => {
                match stack.pop() {
                    Some(open) if open == name => {}
                    Some(open) => return Err(err(line, format!("</{name}> closes <{open}>"))),
                    None => return Err(err(line, format!("</{name}> without an opening tag"))),
                }
                let value = text_buf.trim().to_string();
                let in_env = stack.iter().any(|s| s == "Environment");
                match name.as_str() {
                    "Verbfile" if in_env => files.verbs.push(dir.join(&value)),
                    "Actorfile" if in_env => files.actors.push(dir.join(&value)),
                    "Agentfile" if in_env => files.agents.push(dir.join(&value)),
                    "Discardfile" if in_env => files.discards.push(dir.join(&value)),
                    "Include" if in_env => {
                        let mut cats: Vec<String> = value.split_whitespace().map(str::to_string).collect();
                        if let Some(k) = cats.iter().position(|c| c == "valid") {
                            valid_only = true;
                            cats.remove(k);
                        }
                        include = Some(cats);
                    }
                    "Exclude" if in_env => exclude = value.split_whitespace().map(str::to_string).collect(),
                    "Text" => {
                        if let Some(s) = sentence.as_mut() {
                            s.text = Some(value.split_whitespace().collect::<Vec<_>>().join(" "));
                        }
                    }
                    "Parse" => {
                        if let Some(s) = sentence.as_mut() {
                            s.parse = Some(value);
                        }
                    }
                    "Sentence" => {
                        if let Some(s) = sentence.take() {
                            items.push(Item::Record(finish(s, path, &include, &exclude, valid_only)?));
                        }
                    }
                    _ => {}
                }
                text_buf.clear();
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(err(reader.line(), format!("<{open}> is never closed")));
    }
    if files.verbs.is_empty() || files.actors.is_empty() {
        return Err(Error::Suite {
            path: path.to_path_buf(),
            message: "<Environment> must name a <Verbfile> and an <Actorfile>".into(),
        });
    }
    Ok(Suite { dialect: Dialect::Petrarch, path: path.to_path_buf(), files, options, items })
}

fn finish(
    s: Pending,
    path: &Path,
    include: &Option<Vec<String>>,
    exclude: &[String],
    valid_only: bool,
) -> Result<Record> {
    let err = |m: String| Error::syntax(path, s.line, m);
    let id = attr(&s.attrs, "id").ok_or_else(|| err("<Sentence> has no id".into()))?.trim().to_string();
    let category = attr(&s.attrs, "category").unwrap_or("").trim().to_string();
    let valid = attr(&s.attrs, "valid").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let date = attr(&s.attrs, "date").and_then(|d| {
        let d = d.trim();
        let n = |r: std::ops::Range<usize>| d.get(r).and_then(|x| x.parse::<u32>().ok());
        Date::new(n(0..4)? as i32, n(4..6)?, n(6..8)?)
    });
    let text = s.text.ok_or_else(|| err(format!("<Sentence id={id:?}> has no <Text>")))?;
    let expected = if let Some(e) = s.error {
        Some(match e.as_str() {
            "storydiscard" => Expected::Discard(DiscardKind::Story),
            "sentencediscard" => Expected::Discard(DiscardKind::Sentence),
            _ => Expected::Error(e),
        })
    } else if !s.events.is_empty() {
        Some(Expected::Events(s.events))
    } else {
        // `noevents="True"`, or no <EventCoding> at all: nothing is expected.
        debug_assert!(s.no_events || !s.has_coding);
        Some(Expected::NoEvents)
    };
    let skip = if valid_only && !valid {
        Some("valid=\"false\"".to_string())
    } else if include.as_ref().is_some_and(|inc| !inc.contains(&category)) {
        Some(format!("category {category:?} not in <Include>"))
    } else if exclude.contains(&category) {
        Some(format!("category {category:?} in <Exclude>"))
    } else {
        None
    };
    Ok(Record { id, category, line: s.line, date, text, expected, skip, parse: s.parse })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<Validation>
<!-- header -->
<Environment>
    <Verbfile>v.txt</Verbfile>
    <Actorfile>a.txt</Actorfile>
    <Include>valid DEMO DATE</Include>
    <Config option="stop_on_error" value="True"></Config>
</Environment>
<Sentences>
<Sentence date="19950103" id="DEMO-02" category="DEMO" valid="true">
<EventCoding sourcecode="DAGGOV" targetcode="GON" eventcode="032"></EventCoding>
<EventCoding sourcecode="GON" targetcode="DAGGOV" eventcode="033"></EventCoding>
<Text>
Dagolath's Telemar left for
Minas Tirith.
</Text>
<Parse>(ROOT (S (NP (NNP Dagolath))))</Parse>
</Sentence>
<Config option="new_actor_length" value="4"></Config>
<Sentence date="19950103" id="DEMO-22" category="DEMO" valid="true">
<EventCoding sourcecode='"INJURY TOLL"' targetcode="OSG" eventcode="223"></EventCoding>
<Text>Injury toll has risen.</Text>
</Sentence>
<Sentence date="19950101" id="DEMO-04" category="DEMO" valid="false">
<EventCoding noevents = "True"></EventCoding>
<Text>x</Text>
</Sentence>
<Sentence date="19950101" id="D-1" category="ERROR" valid="true">
<EventCoding error="storydiscard"></EventCoding>
<Text>y</Text>
</Sentence>
</Sentences>
</Validation>
"#;

    #[test]
    fn reads_sentences_and_configs() {
        let suite = load(Path::new("dir/P.xml"), SAMPLE).unwrap();
        assert_eq!(suite.files.verbs, vec![Path::new("dir/v.txt").to_path_buf()]);
        let recs: Vec<&Record> = suite.records().collect();
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].text, "Dagolath's Telemar left for Minas Tirith.");
        assert_eq!(recs[0].date, Date::new(1995, 1, 3));
        assert!(recs[0].parse.as_deref().unwrap().starts_with("(ROOT"));
        assert_eq!(
            recs[1].expected,
            Some(Expected::Events(vec![Triple::new("\"INJURY TOLL\"", "OSG", "223")]))
        );
        assert!(recs[0].scored() && recs[1].scored());
        assert_eq!(recs[2].skip.as_deref(), Some("valid=\"false\""));
        assert_eq!(recs[3].skip.as_deref(), Some("category \"ERROR\" not in <Include>"));
        assert_eq!(recs[3].expected, Some(Expected::Discard(DiscardKind::Story)));
        assert!(suite.items.iter().any(|i| matches!(i, Item::Options { line: 19, .. })));
    }

    #[test]
    fn malformed_files_are_errors_with_lines() {
        let cases = [
            ("<Validation>\n<Sentences>\n<Sentence id='x'>\n<Text>t</Text>\n</Sentences>", 5),
            ("<Validation>\n<Config option='require_dyad'></Config>", 2),
            ("<Validation>\n<Sentences>\n<Sentence id='x'>\n<EventCoding sourcecode='A'/>", 4),
        ];
        for (doc, line) in cases {
            let e = load(Path::new("P.xml"), doc).unwrap_err().to_string();
            assert!(e.starts_with(&format!("P.xml:{line}:")), "{doc:?}: {e}");
        }
    }
}
