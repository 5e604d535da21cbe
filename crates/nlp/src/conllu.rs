//! Reading CoNLL-U treebanks (Universal Dependencies).

use std::path::Path;

use crate::{Error, Result};

/// One syntactic word of a CoNLL-U sentence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    pub form: String,
    pub lemma: String,
    pub upos: String,
    pub xpos: String,
    pub feats: String,
    /// 1-based index of the head word; 0 is the root.
    pub head: usize,
    pub deprel: String,
    /// `false` when the word is followed by `SpaceAfter=No` (or is inside a
    /// multiword token other than its last word).
    pub space_after: bool,
}

/// A multiword token such as `don't` over words `first..=last` (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiWord {
    pub first: usize,
    pub last: usize,
    pub form: String,
    pub space_after: bool,
}

/// One sentence with the comments that matter to dyad.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sentence {
    pub sent_id: String,
    /// The `# text =` line.
    pub text: String,
    /// `Some(id)` when a `# newdoc` comment opens a document here.
    pub newdoc: Option<String>,
    /// Whether a `# newpar` comment (or a new document) opens a paragraph here.
    pub newpar: bool,
    pub words: Vec<Word>,
    pub multiwords: Vec<MultiWord>,
}

/// Reads a CoNLL-U file. Empty nodes (`8.1`) are skipped.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::Conllu`] with the
/// line number for a malformed line.
pub fn read_file(path: &Path) -> Result<Vec<Sentence>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.into(), source })?;
    parse(&text).map_err(|(line, message)| Error::Conllu { path: path.into(), line, message })
}

/// Parses CoNLL-U text; an error is `(line number, message)`.
pub fn parse(text: &str) -> Result<Vec<Sentence>, (usize, String)> {
    let mut out = Vec::new();
    let mut cur = Sentence::default();
    let mut doc_id: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            if !cur.words.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            let c = c.trim_start();
            if let Some(v) = comment_value(c, "newdoc id").or_else(|| c.strip_prefix("newdoc").map(str::trim))
            {
                doc_id = Some(v.to_string());
                cur.newdoc = doc_id.clone();
                cur.newpar = true;
            } else if c.starts_with("newpar") {
                cur.newpar = true;
            } else if let Some(v) = comment_value(c, "sent_id") {
                cur.sent_id = v.to_string();
            } else if let Some(v) = comment_value(c, "text") {
                cur.text = v.to_string();
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            return Err((lineno, format!("expected 10 tab-separated columns, found {}", cols.len())));
        }
        let id = cols[0];
        let space_after = !cols[9].split('|').any(|m| m == "SpaceAfter=No");
        if let Some((a, b)) = id.split_once('-') {
            let first = a.parse().map_err(|_| (lineno, format!("bad range id {id:?}")))?;
            let last = b.parse().map_err(|_| (lineno, format!("bad range id {id:?}")))?;
            cur.multiwords.push(MultiWord { first, last, form: cols[1].to_string(), space_after });
            continue;
        }
        if id.contains('.') {
            continue;
        }
        let n: usize = id.parse().map_err(|_| (lineno, format!("bad word id {id:?}")))?;
        if n != cur.words.len() + 1 {
            return Err((lineno, format!("word id {n} out of sequence")));
        }
        let head = match cols[6] {
            "_" => 0,
            h => h.parse().map_err(|_| (lineno, format!("bad head {h:?}")))?,
        };
        cur.words.push(Word {
            form: cols[1].to_string(),
            lemma: cols[2].to_string(),
            upos: cols[3].to_string(),
            xpos: cols[4].to_string(),
            feats: cols[5].to_string(),
            head,
            deprel: cols[7].to_string(),
            space_after,
        });
    }
    if !cur.words.is_empty() {
        out.push(cur);
    }
    // Words inside a multiword token take its SpaceAfter on the last one only.
    for s in &mut out {
        for mw in &s.multiwords {
            for k in mw.first..=mw.last.min(s.words.len()) {
                s.words[k - 1].space_after = k == mw.last && mw.space_after;
            }
        }
        if s.words.iter().any(|w| w.head > s.words.len()) {
            return Err((0, format!("sentence {}: head beyond the sentence", s.sent_id)));
        }
    }
    let _ = doc_id;
    Ok(out)
}

fn comment_value<'a>(c: &'a str, key: &str) -> Option<&'a str> {
    let rest = c.strip_prefix(key)?.trim_start();
    Some(rest.strip_prefix('=')?.trim())
}

/// The document id a GUM sentence belongs to is its `sent_id` minus the final `-N`.
pub fn gum_genre(sent_id: &str) -> &str {
    sent_id.split('_').nth(1).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# newdoc id = d1\n# sent_id = s1\n# text = I don't.\n1\tI\tI\tPRON\tPRP\t_\t3\tnsubj\t_\t_\n2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n2\tdo\tdo\tAUX\tVBP\t_\t0\troot\t_\t_\n3\tn't\tnot\tPART\tRB\t_\t2\tadvmod\t_\t_\n4\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n";

    #[test]
    fn reads_words_and_multiwords() {
        let s = parse(SAMPLE).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].newdoc.as_deref(), Some("d1"));
        assert_eq!(s[0].text, "I don't.");
        assert_eq!(s[0].words.len(), 4);
        assert!(!s[0].words[1].space_after);
        assert!(!s[0].words[2].space_after);
        assert_eq!(s[0].words[0].head, 3);
    }

    #[test]
    fn reports_line_of_bad_input() {
        let err = parse("1\tI\tI\n").unwrap_err();
        assert_eq!(err.0, 1);
    }
}
