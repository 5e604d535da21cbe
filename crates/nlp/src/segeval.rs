//! Scoring sentence splitting and tokenization on the raw text of a treebank.
//!
//! A CoNLL-U file is turned back into documents: the `# text` lines of one
//! paragraph (`# newpar`) are joined with a single space, paragraphs with a
//! blank line (`"\n\n"`), one document per `# newdoc`. Gold words are located
//! in that text by walking their forms (multiword tokens such as `don't` are
//! the words `do` + `n't`, substrings of the text). The segmenter then runs on
//! each document and its token and sentence byte spans are compared with the
//! gold ones: a predicted span counts only when it matches a gold span exactly.
//!
//! ```
//! let conllu = "# newdoc id = d\n# text = Hi there.\n\
//!               1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\t_\n\
//!               2\tthere\tthere\tADV\tRB\t_\t1\tadvmod\t_\tSpaceAfter=No\n\
//!               3\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_\n\n";
//! let sentences = dyad_nlp::conllu::parse(conllu).unwrap();
//! let scores = dyad_nlp::segeval::evaluate(&sentences);
//! assert_eq!(scores.tokens.f1(), 1.0);
//! assert_eq!(scores.sentences.f1(), 1.0);
//! ```

use std::fmt;

use dyad_text::{Segmented, Span};

use crate::conllu::Sentence;

/// One document rebuilt from a treebank, with its gold segmentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawDoc {
    /// The `# newdoc id`, or `""` for sentences before any `# newdoc`.
    pub id: String,
    /// Paragraphs joined with `"\n\n"`, sentences of a paragraph with `" "`.
    pub text: String,
    /// Byte span of every gold word, in order.
    pub words: Vec<Span>,
    /// Byte span of every gold sentence (first word's start, last word's end).
    pub sentences: Vec<Span>,
    /// Words whose form could not be found in the `# text` line (treebank
    /// errors); they stay in `words` with an empty span and never match.
    pub unlocated: usize,
}

/// Counts behind a precision / recall / F1 figure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prf {
    /// Predicted spans that match a gold span.
    pub correct: usize,
    pub gold: usize,
    pub predicted: usize,
}

impl Prf {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }

    /// Harmonic mean of precision and recall (0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn add(&mut self, other: Prf) {
        self.correct += other.correct;
        self.gold += other.gold;
        self.predicted += other.predicted;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        // Nothing to find / nothing claimed: perfect by convention.
        1.0
    } else {
        a as f64 / b as f64
    }
}

impl fmt::Display for Prf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "P {:.4} R {:.4} F1 {:.4} ({} correct, {} gold, {} predicted)",
            self.precision(),
            self.recall(),
            self.f1(),
            self.correct,
            self.gold,
            self.predicted
        )
    }
}

/// Token and sentence scores of a segmentation run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SegScores {
    pub tokens: Prf,
    pub sentences: Prf,
    /// Gold words that could not be located in the raw text.
    pub unlocated: usize,
}

impl fmt::Display for SegScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "tokens:    {}", self.tokens)?;
        write!(f, "sentences: {}", self.sentences)
    }
}

/// Rebuilds the raw documents of a treebank with their gold word and sentence spans.
pub fn reconstruct(sentences: &[Sentence]) -> Vec<RawDoc> {
    let mut docs = Vec::new();
    let mut doc = RawDoc::default();
    for (i, s) in sentences.iter().enumerate() {
        if let Some(id) = &s.newdoc {
            if i > 0 {
                docs.push(std::mem::take(&mut doc));
            }
            doc.id = id.clone();
        }
        if !doc.text.is_empty() {
            doc.text.push_str(if s.newpar { "\n\n" } else { " " });
        }
        let base = doc.text.len();
        doc.text.push_str(&s.text);
        let first = doc.words.len();
        let mut at = 0;
        for w in &s.words {
            match locate(&s.text, at, &w.form) {
                Some(start) => {
                    at = start + w.form.len();
                    doc.words.push(Span::new(base + start, base + at));
                }
                None => {
                    doc.unlocated += 1;
                    doc.words.push(Span::new(base + at, base + at));
                }
            }
        }
        let mut located = doc.words[first..].iter().filter(|w| !w.is_empty());
        if let (Some(a), Some(b)) = (located.clone().next(), located.next_back()) {
            doc.sentences.push(Span { start: a.start, end: b.end });
        }
    }
    if !doc.text.is_empty() || !doc.words.is_empty() {
        docs.push(doc);
    }
    docs
}

/// Where `form` starts in `text` at or after `at`, skipping whitespace first;
/// falls back to a search when the treebank's form and text disagree.
fn locate(text: &str, at: usize, form: &str) -> Option<usize> {
    let rest = text.get(at..)?;
    let skipped = rest.len() - rest.trim_start().len();
    let start = at + skipped;
    if text.get(start..)?.starts_with(form) {
        return Some(start);
    }
    text.get(start..)?.find(form).map(|k| start + k)
}

/// Compares a segmentation of `doc.text` with the gold spans of `doc`.
pub fn score_doc(doc: &RawDoc, seg: &Segmented) -> SegScores {
    let tokens = seg.tokens.iter().map(|t| t.span);
    let sentences = seg.sentences.iter().map(|s| s.span);
    SegScores {
        tokens: match_spans(&doc.words, tokens),
        sentences: match_spans(&doc.sentences, sentences),
        unlocated: doc.unlocated,
    }
}

/// Counts exact matches between two span lists, both sorted by start.
fn match_spans(gold: &[Span], predicted: impl Iterator<Item = Span>) -> Prf {
    let mut prf = Prf { gold: gold.len(), ..Prf::default() };
    let mut g = 0;
    for p in predicted {
        prf.predicted += 1;
        while g < gold.len() && gold[g].start < p.start {
            g += 1;
        }
        let mut k = g;
        while k < gold.len() && gold[k].start == p.start {
            if gold[k].end == p.end {
                prf.correct += 1;
                break;
            }
            k += 1;
        }
    }
    prf
}

/// Segments the raw text of `sentences` with dyad's segmenter and scores it.
pub fn evaluate(sentences: &[Sentence]) -> SegScores {
    let mut total = SegScores::default();
    let mut seg = Segmented::default();
    for doc in reconstruct(sentences) {
        seg.segment(&doc.text);
        let s = score_doc(&doc, &seg);
        total.tokens.add(s.tokens);
        total.sentences.add(s.sentences);
        total.unlocated += s.unlocated;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu::parse;

    fn sample() -> Vec<Sentence> {
        let mut text = String::new();
        text.push_str("# newdoc id = a\n# text = I don't.\n1\tI\tI\tPRON\tPRP\t_\t2\tnsubj\t_\t_\n");
        text.push_str("2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n");
        text.push_str("2\tdo\tdo\tAUX\tVBP\t_\t0\troot\t_\t_\n3\tn't\tnot\tPART\tRB\t_\t2\tadvmod\t_\t_\n");
        text.push_str("4\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n");
        text.push_str("# text = Go.\n1\tGo\tgo\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No\n");
        text.push_str("2\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_\n\n");
        text.push_str("# newpar\n# text = Ok\n1\tOk\tok\tINTJ\tUH\t_\t0\troot\t_\t_\n\n");
        text.push_str("# newdoc id = b\n# text = Yes\n1\tYes\tyes\tINTJ\tUH\t_\t0\troot\t_\t_\n\n");
        parse(&text).unwrap()
    }

    #[test]
    fn rebuilds_documents_and_spans() {
        let docs = reconstruct(&sample());
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].id, "a");
        assert_eq!(docs[0].text, "I don't. Go.\n\nOk");
        let words: Vec<&str> = docs[0].words.iter().map(|w| w.of(&docs[0].text)).collect();
        assert_eq!(words, ["I", "do", "n't", ".", "Go", ".", "Ok"]);
        let sents: Vec<&str> = docs[0].sentences.iter().map(|w| w.of(&docs[0].text)).collect();
        assert_eq!(sents, ["I don't.", "Go.", "Ok"]);
        assert_eq!(docs[1].text, "Yes");
        assert_eq!(docs[0].unlocated, 0);
    }

    #[test]
    fn counts_exact_matches_only() {
        let gold = [Span::new(0, 1), Span::new(2, 4), Span::new(4, 7)];
        let pred = [Span::new(0, 1), Span::new(2, 7)];
        let prf = match_spans(&gold, pred.into_iter());
        assert_eq!(prf, Prf { correct: 1, gold: 3, predicted: 2 });
        assert!((prf.f1() - 0.4).abs() < 1e-9);
    }
}
