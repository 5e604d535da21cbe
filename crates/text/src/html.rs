//! Visible text from HTML, tolerant of the HTML found in the wild.
//!
//! Tags are dropped; `script`, `style`, `noscript`, `template` and the
//! `head` (except its `title`) are dropped with their content; block elements
//! (`p`, `div`, `h1`, `li`, `tr`, ...) become paragraph breaks (a blank line)
//! and `br` a line break; runs of whitespace collapse to one space; character
//! references are decoded (the common named ones and all numeric ones).
//! Unbalanced, unclosed and unknown tags never fail: the parse goes on and a
//! warning says what was dropped.

/// What was found in an HTML document.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Extracted {
    pub text: String,
    pub title: Option<String>,
    /// A publication date from `<meta>` (`article:published_time`, `date`, ...), as written.
    pub date: Option<String>,
    /// (line, message) of everything dropped on the way.
    pub warnings: Vec<(usize, String)>,
}

/// Elements dropped with their content.
const SKIPPED: &[&str] = &["script", "style", "noscript", "template", "svg", "math"];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "option",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

/// `<meta>` names whose content is a publication date.
const DATE_META: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
];

/// Extracts the visible text of `html`.
pub(crate) fn extract(html: &str) -> Extracted {
    let mut p =
        Parser { html, bytes: html.as_bytes(), at: 0, out: Extracted::default(), pending_space: false };
    p.run();
    let text = p.out.text.trim_end().to_string();
    p.out.text = text;
    p.out
}

struct Parser<'a> {
    html: &'a str,
    bytes: &'a [u8],
    at: usize,
    out: Extracted,
    /// Whitespace seen since the last text (emitted before the next text).
    pending_space: bool,
}

impl<'a> Parser<'a> {
    fn line_at(&self, i: usize) -> usize {
        1 + self.bytes[..i.min(self.bytes.len())].iter().filter(|&&b| b == b'\n').count()
    }

    fn warn(&mut self, at: usize, message: String) {
        let line = self.line_at(at);
        self.out.warnings.push((line, message));
    }

    fn run(&mut self) {
        let mut in_head = false;
        while self.at < self.bytes.len() {
            let Some(k) = self.bytes[self.at..].iter().position(|&b| b == b'<') else {
                let rest = &self.html[self.at..];
                self.text(rest);
                break;
            };
            let lt = self.at + k;
            if !in_head {
                let chunk = &self.html[self.at..lt];
                self.text(chunk);
            }
            self.at = lt;
            let Some(tag) = self.tag() else {
                // A '<' that opens no tag is text.
                if !in_head {
                    self.text("<");
                }
                self.at = lt + 1;
                continue;
            };
            match tag {
                Tag::Open { name, attrs, self_closing } => {
                    let name = name.to_ascii_lowercase();
                    if name == "head" {
                        in_head = true;
                    } else if name == "body" {
                        in_head = false;
                    }
                    if name == "meta" {
                        self.meta(attrs);
                    } else if name == "title" && !self_closing {
                        let t = self.raw_text("title");
                        let t = collapse(&decode(&t, &mut Vec::new()));
                        if self.out.title.is_none() && !t.is_empty() {
                            self.out.title = Some(t);
                        }
                    } else if SKIPPED.contains(&name.as_str()) && !self_closing {
                        self.raw_text(&name);
                    } else if !in_head {
                        if name == "br" {
                            self.line_break("\n");
                        } else if BLOCKS.contains(&name.as_str()) {
                            self.line_break("\n\n");
                        }
                    }
                }
                Tag::Close { name } => {
                    let name = name.to_ascii_lowercase();
                    if name == "head" {
                        in_head = false;
                    } else if !in_head && BLOCKS.contains(&name.as_str()) {
                        self.line_break("\n\n");
                    }
                }
                Tag::Other => {}
            }
        }
    }

    /// Appends text (entities decoded, whitespace collapsed).
    fn text(&mut self, raw: &str) {
        if raw.is_empty() {
            return;
        }
        let mut unknown = Vec::new();
        let decoded = decode(raw, &mut unknown);
        for c in decoded.chars() {
            if c.is_whitespace() {
                self.pending_space = true;
            } else {
                if self.pending_space && !self.out.text.is_empty() && !self.out.text.ends_with('\n') {
                    self.out.text.push(' ');
                }
                self.pending_space = false;
                self.out.text.push(c);
            }
        }
    }

    fn line_break(&mut self, brk: &str) {
        self.pending_space = false;
        if self.out.text.is_empty() {
            return;
        }
        // Never more than one blank line; a "\n" upgrades to "\n\n".
        let trailing = self.out.text.len() - self.out.text.trim_end_matches('\n').len();
        if trailing < brk.len() {
            self.out.text.push_str(&brk[trailing..]);
        }
    }

    /// Skips to the end of the element `name` whose start tag was just read;
    /// returns its raw content. Unclosed: drops the rest with a warning.
    fn raw_text(&mut self, name: &str) -> String {
        let start = self.at;
        let mut i = start;
        while let Some(k) = self.bytes[i..].iter().position(|&b| b == b'<') {
            let lt = i + k;
            let rest = &self.bytes[lt + 1..];
            if rest.first() == Some(&b'/')
                && rest.len() > name.len()
                && rest[1..=name.len()].eq_ignore_ascii_case(name.as_bytes())
                && !rest.get(name.len() + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                let content = self.html[start..lt].to_string();
                let end =
                    self.bytes[lt..].iter().position(|&b| b == b'>').map_or(self.bytes.len(), |e| lt + e + 1);
                self.at = end;
                return content;
            }
            i = lt + 1;
        }
        self.warn(
            start,
            format!(
                "<{name}> is never closed: the rest of the document ({} bytes) was dropped",
                self.bytes.len() - start
            ),
        );
        self.at = self.bytes.len();
        String::new()
    }

    /// Reads the tag starting at `self.at` (a `<`); `None` if it is not a tag.
    fn tag(&mut self) -> Option<Tag<'a>> {
        let start = self.at;
        let b = self.bytes;
        let next = *b.get(start + 1)?;
        if b[start + 1..].starts_with(b"!--") {
            match find(b, start + 4, b"-->") {
                Some(e) => self.at = e + 3,
                None => {
                    self.warn(start, "comment is never closed: the rest of the document was dropped".into());
                    self.at = b.len();
                }
            }
            return Some(Tag::Other);
        }
        if next == b'!' || next == b'?' {
            self.at = b[start..].iter().position(|&c| c == b'>').map_or(b.len(), |e| start + e + 1);
            return Some(Tag::Other);
        }
        let close = next == b'/';
        let name_start = start + 1 + usize::from(close);
        let name_len =
            b[name_start..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'-').count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            return None;
        }
        let name_end = name_start + name_len;
        // Find the closing '>' outside quoted attribute values.
        let mut i = name_end;
        let mut quote = 0u8;
        // (end of the attributes, where the text goes on)
        let end = loop {
            let Some(&c) = b.get(i) else { break None };
            if quote != 0 {
                if c == quote {
                    quote = 0;
                } else if c == b'<' && b.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic() || *n == b'/') {
                    // A quote left open: the next tag starts here. (Stopping
                    // keeps the parse linear on many such tags.)
                    break Some((i, i));
                }
            } else if c == b'"' || c == b'\'' {
                quote = c;
            } else if c == b'>' {
                break Some((i, i + 1));
            } else if c == b'<' {
                // A new tag starts before this one ended: treat this one as ended.
                break Some((i, i));
            }
            i += 1;
        };
        // A quote open to the end: end the tag at the first '>' after all.
        let end = end.or_else(|| {
            let e = b[name_end..].iter().position(|&c| c == b'>')?;
            Some((name_end + e, name_end + e + 1))
        });
        let Some((end, resume)) = end else {
            self.warn(
                start,
                "tag is never closed ('>' missing): the rest of the document was dropped".into(),
            );
            self.at = b.len();
            return Some(Tag::Other);
        };
        let html = self.html;
        let inner = html.get(name_end..end).unwrap_or("");
        let self_closing = inner.trim_end().ends_with('/');
        self.at = resume;
        let name = &html[name_start..name_end];
        Some(if close { Tag::Close { name } } else { Tag::Open { name, attrs: inner, self_closing } })
    }

    fn meta(&mut self, attrs: &str) {
        if self.out.date.is_some() {
            return;
        }
        let mut key = None;
        let mut content = None;
        for (k, v) in attributes(attrs) {
            if k.eq_ignore_ascii_case("content") || k.eq_ignore_ascii_case("datetime") {
                content = Some(v);
            } else if ["name", "property", "itemprop", "http-equiv"].iter().any(|a| k.eq_ignore_ascii_case(a))
            {
                key = Some(v);
            }
        }
        if let (Some(k), Some(v)) = (key, content) {
            if DATE_META.iter().any(|d| k.eq_ignore_ascii_case(d)) {
                self.out.date = Some(v.trim().to_string());
            }
        }
    }
}

enum Tag<'a> {
    Open {
        name: &'a str,
        attrs: &'a str,
        self_closing: bool,
    },
    Close {
        name: &'a str,
    },
    /// Comment, doctype, processing instruction.
    Other,
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|k| from + k)
}

/// The `name="value"` pairs of a start tag's attribute text.
fn attributes(s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let k0 = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let key = &s[k0..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let (v0, v1) = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let v0 = i + 1;
                let v1 = b[v0..].iter().position(|&c| c == q).map_or(b.len(), |e| v0 + e);
                i = (v1 + 1).min(b.len());
                (v0, v1)
            } else {
                let v0 = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                (v0, i)
            };
            out.push((key, &s[v0..v1]));
        } else if !key.is_empty() {
            out.push((key, ""));
        } else {
            i += 1;
        }
    }
    out
}

/// Collapses runs of whitespace to one space and trims.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes character references; unknown named ones stay as written (and are
/// listed in `unknown`).
pub(crate) fn decode(s: &str, unknown: &mut Vec<String>) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(k) = rest.find('&') {
        out.push_str(&rest[..k]);
        rest = &rest[k..];
        let end = rest.as_bytes().iter().take(34).position(|&b| b == b';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(num) = name.strip_prefix('#') {
                let n = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse().ok(),
                };
                // Invalid code points become U+FFFD, as browsers do.
                Some(n.and_then(char::from_u32).filter(|&c| c != '\0').unwrap_or('\u{fffd}'))
            } else {
                named(name)
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                if c != '\u{ad}' {
                    out.push(c);
                }
                rest = &rest[len..];
            }
            None => {
                if let Some(e) = end {
                    let name = &rest[1..e];
                    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()) {
                        unknown.push(name.to_string());
                    }
                }
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The common named character references (HTML 4 Latin-1, symbols, punctuation).
fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ensp" | "emsp" | "thinsp" => ' ',
        "shy" => '\u{ad}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "laquo" => '«',
        "raquo" => '»',
        "lsaquo" => '‹',
        "rsaquo" => '›',
        "bull" => '•',
        "middot" => '·',
        "prime" => '′',
        "Prime" => '″',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "curren" => '¤',
        "sect" => '§',
        "para" => '¶',
        "deg" => '°',
        "plusmn" => '±',
        "times" => '×',
        "divide" => '÷',
        "frac12" => '½',
        "frac14" => '¼',
        "frac34" => '¾',
        "sup1" => '¹',
        "sup2" => '²',
        "sup3" => '³',
        "micro" => 'µ',
        "iexcl" => '¡',
        "iquest" => '¿',
        "ordf" => 'ª',
        "ordm" => 'º',
        "dagger" => '†',
        "Dagger" => '‡',
        "permil" => '‰',
        "larr" => '←',
        "rarr" => '→',
        "uarr" => '↑',
        "darr" => '↓',
        "zwj" => '\u{200d}',
        "zwnj" => '\u{200c}',
        "lrm" => '\u{200e}',
        "rlm" => '\u{200f}',
        _ => return latin1_letter(name),
    })
}

/// `eacute`, `Uuml`, `ntilde`, `szlig`, ... (the Latin-1 letters).
fn latin1_letter(name: &str) -> Option<char> {
    const TABLE: &[(&str, char, char)] = &[
        ("grave", 'à', 'À'),
        ("acute", 'á', 'Á'),
        ("circ", 'â', 'Â'),
        ("tilde", 'ã', 'Ã'),
        ("uml", 'ä', 'Ä'),
        ("ring", 'å', 'Å'),
    ];
    match name {
        "szlig" => return Some('ß'),
        "aelig" => return Some('æ'),
        "AElig" => return Some('Æ'),
        "ccedil" => return Some('ç'),
        "Ccedil" => return Some('Ç'),
        "oslash" => return Some('ø'),
        "Oslash" => return Some('Ø'),
        "eth" => return Some('ð'),
        "ETH" => return Some('Ð'),
        "thorn" => return Some('þ'),
        "THORN" => return Some('Þ'),
        "yuml" => return Some('ÿ'),
        "yacute" => return Some('ý'),
        "Yacute" => return Some('Ý'),
        _ => {}
    }
    let mut cs = name.chars();
    let base = cs.next()?;
    let accent = cs.as_str();
    let upper = base.is_ascii_uppercase();
    let (lo, up) = TABLE.iter().find(|(a, _, _)| *a == accent).map(|&(_, lo, up)| (lo, up))?;
    // Offsets of e, i, o, u from a in Latin-1 blocks differ; spell them out.
    let c = match (base.to_ascii_lowercase(), accent) {
        ('a', _) => {
            if upper {
                up
            } else {
                lo
            }
        }
        ('e', "grave") => 'è',
        ('e', "acute") => 'é',
        ('e', "circ") => 'ê',
        ('e', "uml") => 'ë',
        ('i', "grave") => 'ì',
        ('i', "acute") => 'í',
        ('i', "circ") => 'î',
        ('i', "uml") => 'ï',
        ('o', "grave") => 'ò',
        ('o', "acute") => 'ó',
        ('o', "circ") => 'ô',
        ('o', "tilde") => 'õ',
        ('o', "uml") => 'ö',
        ('u', "grave") => 'ù',
        ('u', "acute") => 'ú',
        ('u', "circ") => 'û',
        ('u', "uml") => 'ü',
        ('n', "tilde") => 'ñ',
        _ => return None,
    };
    Some(if upper { c.to_uppercase().next().unwrap_or(c) } else { c })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_only() {
        let html = "<!DOCTYPE html><html><head><title>Talks &amp; Truce</title>\
            <meta property=\"article:published_time\" content=\"2025-03-14T09:00:00Z\">\
            <style>p { color: red }</style><script>var x = '<p>no</p>';</script></head>\
            <body><h1>Ceasefire</h1><p>Rutte said   it&rsquo;s <b>too early</b>.</p>\
            <p>Second&nbsp;para&#8230; caf&eacute; &#x41;<br>next line</p><!-- hidden --></body></html>";
        let e = extract(html);
        assert_eq!(e.title.as_deref(), Some("Talks & Truce"));
        assert_eq!(e.date.as_deref(), Some("2025-03-14T09:00:00Z"));
        assert_eq!(e.text, "Ceasefire\n\nRutte said it’s too early.\n\nSecond para… café A\nnext line");
        assert!(e.warnings.is_empty(), "{:?}", e.warnings);
    }

    #[test]
    fn many_broken_tags_stay_linear() {
        // Each tag's open quote must not make the parse scan to the end.
        let html = "<a title=\"x>word ".repeat(50_000);
        let e = extract(&html);
        assert!(e.text.len() < html.len());
    }

    #[test]
    fn tolerates_broken_html() {
        let e = extract("<p>one <b>two</i> three</div> 1 < 2 &bogus; <p>four");
        assert_eq!(e.text, "one two three\n\n1 < 2 &bogus;\n\nfour");
        let e = extract("<p>kept</p><script>lost forever");
        assert_eq!(e.text, "kept");
        assert_eq!(e.warnings.len(), 1);
        assert!(e.warnings[0].1.contains("<script> is never closed"));
        let e = extract("before <a href=\"x");
        assert_eq!(e.text, "before");
        assert_eq!(e.warnings.len(), 1);
    }
}
