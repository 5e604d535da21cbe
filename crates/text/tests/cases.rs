//! Table-driven tokenizer and sentence-splitter cases kept as data
//! (`tests/data/tokenize.txt`, `tests/data/split.txt`). Every failing case is
//! printed before the test fails.

use std::path::Path;

use dyad_text::Segmented;

/// Reads a case file: each case is a `< input` line and the `> ...` lines after it.
fn cases(name: &str) -> Vec<(usize, String, Vec<String>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    let data = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out: Vec<(usize, String, Vec<String>)> = Vec::new();
    for (i, line) in data.lines().enumerate() {
        if let Some(input) = line.strip_prefix("< ") {
            out.push((i + 1, unescape(input), Vec::new()));
        } else if let Some(expected) = line.strip_prefix("> ") {
            let case = out.last_mut().unwrap_or_else(|| panic!("{name}:{}: '>' before any '<'", i + 1));
            case.2.push(unescape(expected));
        } else if !line.trim().is_empty() && !line.starts_with('#') {
            panic!("{name}:{}: a case line starts with '< ' or '> ', a comment with '#'", i + 1);
        }
    }
    out
}

/// Decodes `\n`, `\t`, `\\` and `\u{...}` escapes.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                let rest: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let hex = rest.trim_start_matches('{');
                let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                out.push(c.unwrap_or_else(|| panic!("bad escape \\u{{{hex}}}")));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[test]
fn tokenizer_cases() {
    let cases = cases("tokenize.txt");
    assert!(cases.len() >= 80, "only {} tokenizer cases", cases.len());
    let mut seg = Segmented::default();
    let mut failures = 0;
    for (line, input, expected) in &cases {
        seg.segment(input);
        let got: Vec<&str> = seg.tokens.iter().map(|t| t.text(input)).collect();
        let want = expected.join(" ");
        if got.join(" ") != want || expected.len() != 1 {
            failures += 1;
            println!("tokenize.txt:{line}: {input:?}\n  expected: {want}\n  got:      {}", got.join(" "));
        }
    }
    assert_eq!(failures, 0, "{failures} of {} tokenizer cases failed (listed above)", cases.len());
}

#[test]
fn splitter_cases() {
    let cases = cases("split.txt");
    assert!(cases.len() >= 30, "only {} splitter cases", cases.len());
    let mut seg = Segmented::default();
    let mut failures = 0;
    for (line, input, expected) in &cases {
        seg.segment(input);
        let got: Vec<&str> = seg.sentences.iter().map(|s| s.span.of(input)).collect();
        if got != *expected {
            failures += 1;
            println!("split.txt:{line}: {input:?}");
            for s in expected {
                println!("  expected: {s}");
            }
            for s in &got {
                println!("  got:      {s}");
            }
        }
    }
    assert_eq!(failures, 0, "{failures} of {} splitter cases failed (listed above)", cases.len());
}
