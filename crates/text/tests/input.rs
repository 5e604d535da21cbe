//! Reading documents, and every kind of bad input: each gets one clear error
//! (or warning) naming the file and line, and the rest of the batch goes on.

use std::io::Read;
use std::path::{Path, PathBuf};

use dyad_text::input::{read, read_from, Format, Item, Options, MAX_DOC_BYTES};
use dyad_text::{Date, Error, Result};

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("dyad-text-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write temp file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn all(path: &Path, opts: &Options) -> Vec<Result<Item>> {
    read(path, opts).collect()
}

fn date(s: &str) -> Date {
    s.parse().expect("test date")
}

#[test]
fn plain_text_is_one_document_named_after_the_file() {
    let dir = TempDir::new("plain");
    let path = dir.file("seed-article.txt", "\u{feff}Talks began.\r\nThey ended.\n".as_bytes());
    let opts = Options { default_date: Some(date("2025-03-14")), ..Options::default() };
    let items = all(&path, &opts);
    assert_eq!(items.len(), 1);
    let item = items[0].as_ref().expect("document");
    assert_eq!(item.doc.id, "seed-article.txt");
    assert_eq!(item.doc.text, "Talks began.\r\nThey ended.\n", "BOM dropped, nothing else changed");
    assert_eq!(item.doc.date, Some(date("2025-03-14")));
    assert!(item.warnings.is_empty());
}

#[test]
fn a_document_without_a_date_is_kept_with_a_warning() {
    let dir = TempDir::new("nodate");
    let path = dir.file("a.txt", b"Text.");
    let items = all(&path, &Options::default());
    let item = items[0].as_ref().expect("document");
    assert_eq!(item.doc.date, None, "never today's date");
    assert_eq!(item.warnings.len(), 1);
    let w = item.warnings[0].to_string();
    assert!(w.contains("a.txt") && w.contains("no date"), "{w}");
}

#[test]
fn invalid_utf8_names_line_and_byte() {
    let dir = TempDir::new("utf8");
    let path = dir.file("bad.txt", b"line one\nline two \xff\xfe here\n");
    let items = all(&path, &Options::default());
    match &items[..] {
        [Err(e @ Error::InvalidUtf8 { line: 2, byte: 18, .. })] => {
            assert_eq!(e.to_string(), format!("{}: line 2, byte 18: invalid UTF-8", path.display()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn binary_files_are_refused() {
    let dir = TempDir::new("binary");
    let path = dir.file("image.txt", b"GIF89a\x00\x01\x02");
    let items = all(&path, &Options::default());
    assert!(matches!(&items[..], [Err(Error::Binary { byte: 6, .. })]), "{items:?}");
    // A binary file read as JSON Lines gives one error, not one per line.
    let path = dir.file("image.jsonl", b"\x00\x01\n\x00\n\x00\n");
    let items = all(&path, &Options::default());
    assert!(matches!(&items[..], [Err(Error::Binary { byte: 0, .. })]), "{items:?}");
}

#[test]
fn empty_and_blank_files_are_errors() {
    let dir = TempDir::new("empty");
    for (name, bytes) in [("empty.txt", &b""[..]), ("blank.txt", b"  \n\t\n"), ("blank.html", b"<p> </p>")] {
        let path = dir.file(name, bytes);
        let items = all(&path, &Options::default());
        match &items[..] {
            [Err(e @ Error::Empty { .. })] => assert!(e.to_string().contains(name), "{e}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn json_lines_report_bad_lines_and_read_the_rest() {
    let dir = TempDir::new("jsonl");
    let lines = [
        r#"{"id": "a", "text": "Talks began.", "date": "2025-03-14", "title": "T", "source": "S", "url": "http://x"}"#,
        r#"{"id": "b", "text": "broken"#,
        r#"{"text": "no id"}"#,
        r#"{"id": "c"}"#,
        r#"{"id": 7, "text": "number id"}"#,
        "",
        r#"{"id": "d", "text": "Full timestamp.", "date": "2025-03-14T10:30:00Z", "extra": [1, 2]}"#,
        r#"{"id": "a", "text": "Same id again.", "date": "2025-03-15"}"#,
        r#"{"id": "e", "text": "   "}"#,
    ];
    let path = dir.file("feed.jsonl", lines.join("\n").as_bytes());
    let items = all(&path, &Options::default());
    assert_eq!(items.len(), 8, "{items:?}");
    let ok = items[0].as_ref().expect("line 1");
    assert_eq!((ok.doc.id.as_str(), ok.doc.text.as_str(), ok.line), ("a", "Talks began.", 1));
    assert_eq!(ok.doc.date, Some(date("2025-03-14")));
    assert_eq!(
        (ok.doc.title.as_deref(), ok.doc.source.as_deref(), ok.doc.url.as_deref()),
        (Some("T"), Some("S"), Some("http://x"))
    );
    let err = |k: usize| items[k].as_ref().expect_err("an error").to_string();
    let p = path.display().to_string();
    assert!(err(1).starts_with(&format!("{p}: line 2: EOF while parsing")), "{}", err(1));
    assert_eq!(err(2), format!("{p}: line 3: missing \"id\""));
    assert_eq!(err(3), format!("{p}: line 4: document \"c\": missing \"text\""));
    assert_eq!(err(4), format!("{p}: line 5: \"id\" must be a string, not 7"));
    let d = items[5].as_ref().expect("line 7");
    assert_eq!((d.doc.id.as_str(), d.line, d.doc.date), ("d", 7, Some(date("2025-03-14"))));
    let dup = items[6].as_ref().expect("line 8");
    assert_eq!(dup.doc.text, "Same id again.");
    assert!(dup
        .warnings
        .iter()
        .any(|w| w.to_string() == format!("{p}: line 8: duplicate id \"a\" (an earlier line has it too)")));
    assert!(matches!(items[7], Err(Error::Empty { line: 9, .. })));
}

#[test]
fn absurd_dates_are_warnings_and_no_date() {
    let dir = TempDir::new("dates");
    let lines = [
        r#"{"id": "a", "text": "x", "date": "2025-02-30"}"#,
        r#"{"id": "b", "text": "x", "date": "0000-00-00"}"#,
        r#"{"id": "c", "text": "x", "date": "99999-01-01"}"#,
        r#"{"id": "d", "text": "x", "date": "yesterday"}"#,
        r#"{"id": "e", "text": "x", "date": "2024-02-29"}"#,
    ];
    let path = dir.file("dates.jsonl", lines.join("\n").as_bytes());
    let opts = Options { default_date: Some(date("2025-01-01")), ..Options::default() };
    let items = all(&path, &opts);
    for (k, item) in items.iter().enumerate().take(4) {
        let item = item.as_ref().expect("kept");
        assert_eq!(item.doc.date, None, "line {}: a bad date is not replaced", k + 1);
        assert_eq!(item.warnings.len(), 1);
        let w = item.warnings[0].to_string();
        assert!(w.contains(&format!("line {}", k + 1)) && w.contains("not a date"), "{w}");
    }
    assert_eq!(items[4].as_ref().expect("leap day").doc.date, Some(date("2024-02-29")));
}

#[test]
fn html_gives_visible_text_title_and_date() {
    let dir = TempDir::new("html");
    let html = "<html><head><title>Truce talks</title><meta name=\"date\" content=\"2025-03-14\">\
                <script>alert('x')</script></head><body><p>Rutte met Trump.</p><p>Talks went on &amp; on.</div>\
                </body></html>";
    let path = dir.file("story.html", html.as_bytes());
    let items = all(&path, &Options::default());
    let item = items[0].as_ref().expect("document");
    assert_eq!(item.doc.id, "story.html");
    assert_eq!(item.doc.title.as_deref(), Some("Truce talks"));
    assert_eq!(item.doc.text, "Rutte met Trump.\n\nTalks went on & on.");
    assert_eq!(item.doc.date, Some(date("2025-03-14")));
    assert!(item.warnings.is_empty(), "{:?}", item.warnings);
}

#[test]
fn unbalanced_html_is_read_with_a_warning() {
    let dir = TempDir::new("badhtml");
    let path = dir.file("broken.htm", b"<p>One <b>two</i> three\n<p>Four<script>never closed");
    let opts = Options { default_date: Some(date("2025-03-14")), ..Options::default() };
    let items = all(&path, &opts);
    let item = items[0].as_ref().expect("document");
    assert_eq!(item.doc.text, "One two three\n\nFour");
    assert_eq!(item.warnings.len(), 1);
    let w = item.warnings[0].to_string();
    assert!(w.contains("broken.htm: line 2") && w.contains("<script> is never closed"), "{w}");
}

#[test]
fn format_by_extension_override_and_sniffing() {
    assert_eq!(Format::from_path(Path::new("a.jsonl")), Format::JsonLines);
    assert_eq!(Format::from_path(Path::new("a.NDJSON")), Format::JsonLines);
    assert_eq!(Format::from_path(Path::new("a.htm")), Format::Html);
    assert_eq!(Format::from_path(Path::new("a.txt")), Format::Text);
    assert_eq!(Format::from_path(Path::new("README")), Format::Text);
    assert_eq!("jsonl".parse::<Format>(), Ok(Format::JsonLines));
    assert!("pdf".parse::<Format>().is_err());

    let dir = TempDir::new("override");
    let path = dir.file("feed.txt", br#"{"id": "x", "text": "Hello."}"#);
    let as_text = all(&path, &Options::default());
    assert_eq!(as_text[0].as_ref().expect("text").doc.id, "feed.txt");
    let opts = Options { format: Some(Format::JsonLines), ..Options::default() };
    let as_jsonl = all(&path, &opts);
    assert_eq!(as_jsonl[0].as_ref().expect("jsonl").doc.id, "x");

    let sniffed: Vec<_> =
        read_from("stdin", &b"  {\"id\": \"s\", \"text\": \"t\"}\n"[..], &Options::default()).collect();
    assert_eq!(sniffed[0].as_ref().expect("sniffed jsonl").doc.id, "s");
    let sniffed: Vec<_> = read_from("stdin", &b"<p>Hi</p>"[..], &Options::default()).collect();
    assert_eq!(sniffed[0].as_ref().expect("sniffed html").doc.text, "Hi");
    let sniffed: Vec<_> = read_from("stdin", &b"Plain words."[..], &Options::default()).collect();
    assert_eq!(sniffed[0].as_ref().expect("sniffed text").doc.id, "stdin");
}

#[test]
fn missing_files_are_io_errors() {
    let items = all(Path::new("/nonexistent/dyad/nothing.txt"), &Options::default());
    match &items[..] {
        [Err(e @ Error::Io { .. })] => {
            assert!(e.to_string().starts_with("/nonexistent/dyad/nothing.txt: cannot read"))
        }
        other => panic!("{other:?}"),
    }
}

/// A reader that yields `n` bytes of `b` without holding them, and counts
/// how far it was read.
struct Endless {
    left: u64,
    byte: u8,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (buf.len() as u64).min(self.left) as usize;
        buf[..n].fill(self.byte);
        self.left -= n as u64;
        Ok(n)
    }
}

#[test]
fn oversized_documents_are_refused_with_bounded_memory() {
    assert_eq!(MAX_DOC_BYTES, 32 << 20);
    let dir = TempDir::new("huge");
    let limit = 64 * 1024;
    let opts = Options { max_doc_bytes: limit, default_date: Some(date("2025-03-14")), ..Options::default() };

    // A plain file is refused by its size, before reading.
    let path = dir.file("big.txt", &vec![b'a'; 200_000]);
    let items = all(&path, &opts);
    assert!(matches!(&items[..], [Err(Error::TooLarge { size: 200_000, limit: 65_536, .. })]), "{items:?}");

    // A 3 MB JSON line is skipped; the lines around it are read.
    let mut data = br#"{"id": "a", "text": "before"}"#.to_vec();
    data.push(b'\n');
    let big_start = data.len();
    data.extend_from_slice(b"{\"id\": \"big\", \"text\": \"");
    data.extend(std::iter::repeat_n(b'x', 3_000_000));
    data.extend_from_slice(b"\"}\n");
    // The size reported is the line's, with its newline.
    let big_len = data.len() - big_start;
    data.extend_from_slice(b"{\"id\": \"b\", \"text\": \"after\"}\n");
    let path = dir.file("big.jsonl", &data);
    let items = all(&path, &opts);
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().expect("before").doc.text, "before");
    match &items[1] {
        Err(e @ Error::TooLarge { line: 2, .. }) => {
            let want = format!(
                "big.jsonl: line 2: document of {big_len} bytes or more is over the limit of 65536 bytes"
            );
            assert!(e.to_string().contains(&want), "{e}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(items[2].as_ref().expect("after").doc.text, "after");

    // Standard input (any reader) is read with a cap: 100 MB of one line is
    // refused after reading just over the limit.
    let items: Vec<_> = read_from(
        "stdin",
        Endless { left: 100 << 20, byte: b'z' },
        &Options { format: Some(Format::Text), ..opts.clone() },
    )
    .collect();
    assert!(matches!(&items[..], [Err(Error::TooLarge { size: 65_537, .. })]), "{items:?}");
    let items: Vec<_> = read_from(
        "stdin",
        Endless { left: 100 << 20, byte: b'z' },
        &Options { format: Some(Format::JsonLines), ..opts },
    )
    .collect();
    assert!(matches!(&items[..], [Err(Error::TooLarge { line: 1, .. })]), "{items:?}");
}

#[test]
fn html_fragments_never_panic() {
    const PIECES: &[&str] = &[
        "<",
        ">",
        "</",
        "/>",
        "<p>",
        "</p>",
        "<div class=\"a\">",
        "<script>",
        "</script>",
        "<style>",
        "<!--",
        "-->",
        "<!DOCTYPE html>",
        "<title>",
        "</title>",
        "<head>",
        "</head>",
        "<meta name=date content=2025-02-30>",
        "<a href='x",
        "\"",
        "'",
        "=",
        "&",
        "&amp;",
        "&#",
        "&#x",
        "&#x1F600;",
        "&#99999999;",
        "&eacute;",
        "&bogus;",
        ";",
        "é",
        "中",
        "😀",
        "\u{301}",
        " ",
        "\n",
        "text",
        "<br>",
        "<br/>",
        "<svg>",
        "<p",
        "<1",
        "< p>",
    ];
    let mut x: u64 = 0xdead_beef_cafe_f00d;
    for _ in 0..3000 {
        let mut html = String::new();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        for _ in 0..(x % 40) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            html.push_str(PIECES[(x % PIECES.len() as u64) as usize]);
        }
        let opts = Options { format: Some(Format::Html), ..Options::default() };
        for item in read_from("fuzz.html", std::io::Cursor::new(html.into_bytes()), &opts).flatten() {
            assert!(!item.doc.text.trim().is_empty());
        }
    }
}

#[test]
fn no_input_panics() {
    // Random bytes through every format: errors are fine, panics are not.
    let mut x: u64 = 0x1234_5678_9abc_def0;
    for round in 0..600 {
        let len = (round * 7) % 300;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mostly markup-ish ASCII, sometimes anything.
                if x.is_multiple_of(5) {
                    (x >> 8) as u8
                } else {
                    b"<>/ p{}\"':,&#;x1\n\\script"[(x % 24) as usize]
                }
            })
            .collect();
        for format in [Format::Text, Format::JsonLines, Format::Html] {
            let opts = Options { format: Some(format), max_doc_bytes: 200, ..Options::default() };
            // Errors are expected; the documents that come through must segment.
            for item in read_from("fuzz", std::io::Cursor::new(bytes.clone()), &opts).flatten() {
                let mut seg = dyad_text::Segmented::default();
                seg.segment(&item.doc.text);
            }
        }
    }
}
