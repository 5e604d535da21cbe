//! Property-style checks on random and adversarial text: spans are in order,
//! non-overlapping, non-empty, on character boundaries, free of whitespace,
//! and together cover every non-whitespace byte; sentences are non-empty,
//! contiguous runs of tokens within the length limit. Segmentation is
//! deterministic and never panics.

use dyad_text::{Segmented, MAX_SENTENCE_TOKENS};

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Pieces random texts are made of: words, punctuation, odd whitespace,
/// other scripts, combining marks, emoji with joiners, stray bytes of markup.
const PIECES: &[&str] = &[
    "a",
    "Kiev",
    "’s",
    "n't",
    "don't",
    "U.S.",
    "e.g.",
    "etc.",
    "Mr.",
    "J.",
    "3.5",
    "1,000",
    "30-day",
    "US-Ukraine",
    "2025-03-14",
    "10:30",
    "3/14/2025",
    "$",
    "€",
    "%",
    "5pm",
    "'",
    "\"",
    "“",
    "”",
    "‘",
    "’",
    "«",
    "»",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    "...",
    "…",
    "--",
    "—",
    "–",
    "-",
    ".",
    ",",
    ";",
    ":",
    "!",
    "?",
    "?!",
    "*",
    "#",
    "@",
    "/",
    "\\",
    "&",
    "_",
    "+",
    "=",
    "|",
    "~",
    "^",
    "`",
    "http://x.com/a?b=1.",
    "www.example.org",
    "user@example.com",
    ":)",
    ";-)",
    "<3",
    "#tag",
    "@user",
    "cannot",
    "gonna",
    "its",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\u{a0}",
    "\u{2028}",
    "\u{3000}",
    "\u{85}",
    "\u{b}",
    "Путин",
    "北京",
    "مرحبا",
    "नमस्ते",
    "e\u{301}",
    "\u{301}",
    "\u{200d}",
    "👨\u{200d}👩\u{200d}👧",
    "❤\u{fe0f}",
    "😀",
    "\u{fffd}",
    "\u{0}",
    "ß",
    "İ",
    "ǅ",
    "Ⅻ",
    "½",
    "²",
    "x\u{200b}y",
    "\u{feff}",
];

fn random_text(rng: &mut Rng) -> String {
    let n = rng.below(60);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(PIECES[rng.below(PIECES.len())]);
        if rng.below(3) == 0 {
            s.push(' ');
        }
    }
    s
}

/// Random characters from anywhere in Unicode (valid scalar values).
fn random_chars(rng: &mut Rng) -> String {
    let n = rng.below(40);
    (0..n)
        .filter_map(|_| {
            let range = match rng.below(4) {
                0 => 0x80,
                1 => 0x800,
                2 => 0x10000,
                _ => 0x110000,
            };
            char::from_u32(rng.below(range) as u32)
        })
        .collect()
}

fn check(seg: &Segmented, text: &str) {
    let mut covered = vec![false; text.len()];
    let mut prev_end = 0usize;
    for t in &seg.tokens {
        let (a, b) = (t.span.start as usize, t.span.end as usize);
        assert!(a < b, "empty token {a}..{b} in {text:?}");
        assert!(a >= prev_end, "tokens overlap or are out of order at {a} in {text:?}");
        assert!(
            text.is_char_boundary(a) && text.is_char_boundary(b),
            "span {a}..{b} splits a char in {text:?}"
        );
        assert!(
            !text[a..b].chars().any(char::is_whitespace),
            "token {:?} has whitespace in {text:?}",
            &text[a..b]
        );
        covered[a..b].iter_mut().for_each(|c| *c = true);
        prev_end = b;
    }
    for (i, c) in text.char_indices() {
        if !c.is_whitespace() {
            assert!(covered[i], "char {c:?} at {i} is in no token in {text:?}");
        }
    }
    let mut next = 0u32;
    for s in &seg.sentences {
        assert!(s.len > 0, "empty sentence in {text:?}");
        assert!(s.len as usize <= MAX_SENTENCE_TOKENS);
        assert_eq!(s.first_token, next, "sentences do not cover the tokens in order in {text:?}");
        let toks = &seg.tokens[s.tokens()];
        assert_eq!(s.span.start, toks[0].span.start);
        assert_eq!(s.span.end, toks[toks.len() - 1].span.end);
        next = s.first_token + s.len;
    }
    assert_eq!(next as usize, seg.tokens.len(), "some tokens are in no sentence in {text:?}");
}

#[test]
fn random_texts_keep_the_invariants() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut seg = Segmented::default();
    let mut again = Segmented::default();
    for round in 0..4000 {
        let text = if round % 4 == 3 { random_chars(&mut rng) } else { random_text(&mut rng) };
        seg.segment(&text);
        check(&seg, &text);
        again.segment(&text);
        assert_eq!(seg.tokens, again.tokens, "not deterministic for {text:?}");
        assert_eq!(seg.sentences, again.sentences, "not deterministic for {text:?}");
    }
}

#[test]
fn adversarial_texts_are_handled() {
    let texts = [
        "(".repeat(20_000),
        ".".repeat(20_000),
        "-".repeat(5_000) + "x",
        "a-".repeat(10_000),
        "1-".repeat(10_000),
        "1/".repeat(10_000),
        "x'".repeat(10_000),
        "word ".repeat(5_000),
        "http://".to_string() + &"a/".repeat(10_000),
        "a@".repeat(10_000) + ".com",
        "\u{301}".repeat(5_000),
        "😀\u{200d}".repeat(5_000),
        "Mr. ".repeat(3_000),
        "\n".repeat(10_000),
        String::new(),
    ];
    let mut seg = Segmented::default();
    for text in &texts {
        seg.segment(text);
        check(&seg, text);
    }
    // A 5,000-token run without punctuation is cut into bounded sentences.
    let run = "word ".repeat(5_000);
    seg.segment(&run);
    assert_eq!(seg.tokens.len(), 5_000);
    assert!(seg.sentences.len() >= 5_000 / MAX_SENTENCE_TOKENS);
}
