//! A small XML pull reader, enough for PETRARCH validation files: elements
//! with single- or double-quoted attributes, text, comments, `<?...?>` and
//! `<!...>` declarations, the five named entities and numeric references.
//! No namespaces, no DTDs. Every error names the line.

/// One piece of an XML document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Start { name: String, attrs: Vec<(String, String)>, empty: bool, line: usize },
    End { name: String, line: usize },
    Text { text: String, line: usize },
}

/// Pull reader over a whole document held in memory.
pub struct Reader<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Reader<'a> {
    pub fn new(src: &'a str) -> Reader<'a> {
        Reader { src, pos: 0, line: 1 }
    }

    /// The line the reader has reached.
    pub fn line(&self) -> usize {
        self.line
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn advance(&mut self, n: usize) {
        let end = (self.pos + n).min(self.src.len());
        self.line += self.src.get(self.pos..end).map_or(0, |s| s.matches('\n').count());
        self.pos = end;
    }

    /// The next event, `Ok(None)` at the end of the document.
    pub fn next_event(&mut self) -> Result<Option<Event>, (usize, String)> {
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                return Ok(None);
            }
            let line = self.line;
            if let Some(after) = rest.strip_prefix("<!--") {
                let end = after.find("-->").ok_or((line, "comment `<!--` is never closed".to_string()))?;
                self.advance(4 + end + 3);
                continue;
            }
            if rest.starts_with("<?") {
                let end = rest.find("?>").ok_or((line, "`<?` is never closed".to_string()))?;
                self.advance(end + 2);
                continue;
            }
            if rest.starts_with("<!") {
                let end = rest.find('>').ok_or((line, "`<!` is never closed".to_string()))?;
                self.advance(end + 1);
                continue;
            }
            if let Some(after) = rest.strip_prefix("</") {
                let end = after.find('>').ok_or((line, "end tag is never closed".to_string()))?;
                let name = after[..end].trim().to_string();
                if name.is_empty() || name.contains(char::is_whitespace) {
                    return Err((line, format!("bad end tag </{name}>")));
                }
                self.advance(2 + end + 1);
                return Ok(Some(Event::End { name, line }));
            }
            if rest.starts_with('<') {
                let (event, len) = parse_start(rest, line)?;
                self.advance(len);
                return Ok(Some(event));
            }
            let end = rest.find('<').unwrap_or(rest.len());
            let text = unescape(&rest[..end]).map_err(|m| (line, m))?;
            self.advance(end);
            return Ok(Some(Event::Text { text, line }));
        }
    }
}

/// Parses `<name attr="v" ...>` at the start of `s`; returns the event and its length.
fn parse_start(s: &str, line: usize) -> Result<(Event, usize), (usize, String)> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let name_start = i;
    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    let name = s[name_start..i].to_string();
    if name.is_empty() {
        return Err((line, "tag without a name".to_string()));
    }
    let mut attrs = Vec::new();
    let mut cur_line = line;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            if bytes[i] == b'\n' {
                cur_line += 1;
            }
            i += 1;
        }
        match bytes.get(i) {
            None => return Err((line, format!("tag <{name}> is never closed"))),
            Some(b'>') => return Ok((Event::Start { name, attrs, empty: false, line }, i + 1)),
            Some(b'/') => {
                if bytes.get(i + 1) == Some(&b'>') {
                    return Ok((Event::Start { name, attrs, empty: true, line }, i + 2));
                }
                return Err((cur_line, format!("stray `/` in tag <{name}>")));
            }
            Some(_) => {}
        }
        let key_start = i;
        while i < bytes.len() && bytes[i] != b'=' && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
            i += 1;
        }
        let key = s[key_start..i].to_string();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return Err((cur_line, format!("attribute {key:?} of <{name}> has no value")));
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return Err((cur_line, format!("attribute {key:?} of <{name}> needs a quoted value"))),
        };
        i += 1;
        let value_start = i;
        while i < bytes.len() && bytes[i] != quote {
            i += 1;
        }
        if i >= bytes.len() {
            return Err((cur_line, format!("attribute {key:?} of <{name}> is never closed")));
        }
        let value = unescape(&s[value_start..i]).map_err(|m| (cur_line, m))?;
        attrs.push((key, value));
        i += 1;
    }
}

/// Replaces entity and character references.
fn unescape(s: &str) -> Result<String, String> {
    if !s.contains('&') {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = match after.find(';') {
            Some(k) if k <= 10 => k,
            _ => {
                // A bare ampersand: keep it, as lenient readers do.
                out.push('&');
                rest = after;
                continue;
            }
        };
        let ent = &after[..semi];
        let ch = match ent {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = ent.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else {
                    return Err(format!("unknown entity &{ent};"));
                };
                code.and_then(char::from_u32).ok_or_else(|| format!("bad character reference &{ent};"))?
            }
        };
        out.push(ch);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(s: &str) -> Vec<Event> {
        let mut r = Reader::new(s);
        let mut out = Vec::new();
        while let Some(e) = r.next_event().unwrap() {
            if !matches!(&e, Event::Text { text, .. } if text.trim().is_empty()) {
                out.push(e);
            }
        }
        out
    }

    #[test]
    fn reads_elements_attributes_and_text() {
        let ev = events("<?xml?>\n<a x='\"Q\"' y = \"1&amp;2\">t &lt; u<!-- c\n --><b/></a>");
        assert_eq!(
            ev[0],
            Event::Start {
                name: "a".into(),
                attrs: vec![("x".into(), "\"Q\"".into()), ("y".into(), "1&2".into())],
                empty: false,
                line: 2
            }
        );
        assert_eq!(ev[1], Event::Text { text: "t < u".into(), line: 2 });
        assert_eq!(ev[2], Event::Start { name: "b".into(), attrs: vec![], empty: true, line: 3 });
        assert_eq!(ev[3], Event::End { name: "a".into(), line: 3 });
    }

    #[test]
    fn errors_name_the_line() {
        for (doc, line) in [("<a>\n<!-- open", 2), ("\n\n<a x=1>", 3), ("<a\n x='1'", 1), ("x &bogus; y", 1)]
        {
            let mut r = Reader::new(doc);
            let err = loop {
                match r.next_event() {
                    Ok(Some(_)) => continue,
                    Ok(None) => panic!("no error for {doc:?}"),
                    Err(e) => break e,
                }
            };
            assert_eq!(err.0, line, "{doc:?}: {}", err.1);
        }
    }
}
