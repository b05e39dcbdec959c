//! Entry points for fuzzing: each takes arbitrary bytes, runs one of the parts that read
//! what users give us, and checks what must hold. A panic here is a bug.
//!
//! The cargo-fuzz targets in `fuzz/` call these, and the test suite replays the saved
//! corpus in `fuzz/corpus/` through them, so CI runs the same checks without a fuzzer.

use crate::anchor;
use crate::extract;
use crate::model::{sidecar, Anchor, ArticleMeta, SourceKind, Span, Text};

/// The article every fuzzed sidecar is attached to.
const ARTICLE: &str = include_str!("../assets/samples/lavrov-libya.txt");

/// The sidecar loader: decode, attach to an article, then save and load again.
pub fn sidecar(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = sidecar::decode(source) else {
        return;
    };
    let text = Text::new(ARTICLE.to_string());
    let meta = ArticleMeta::utf8("fuzz.txt");
    let Ok((document, _)) = sidecar::attach(text.clone(), meta.clone(), parsed) else {
        return;
    };
    if let Err(broken) = document.annotations().check_invariants(document.text()) {
        panic!("a loaded sidecar breaks the invariants: {broken}");
    }
    // What loading made of it saves and loads back to the same annotations.
    let saved = sidecar::encode(&document);
    let again = sidecar::decode(&saved).expect("a saved sidecar parses");
    let (reloaded, _) = sidecar::attach(text, meta, again).expect("a saved sidecar attaches");
    assert_eq!(reloaded.annotations(), document.annotations());
}

/// The article decoder: whatever it accepts is text whose offsets convert both ways.
pub fn decode(data: &[u8]) {
    let Ok(decoded) = crate::store::article::decode(data.to_vec()) else {
        return;
    };
    assert!(!decoded.text.contains('\0'), "a NUL got through");
    let text = Text::new(decoded.text);
    let chars = text.len_chars();
    for char_pos in (0..=chars).step_by(chars / 64 + 1).chain([chars]) {
        let byte = text.byte_from_char(char_pos);
        assert!(text.as_str().is_char_boundary(byte));
        assert_eq!(text.char_from_byte(byte), char_pos);
    }
}

/// Re-anchoring: the bytes before the first 0xFF are the old text, the rest the new one;
/// spans cover the old text's words. With and without the old text, no span may end up on
/// text other than its own.
pub fn reanchor(data: &[u8]) {
    let split = data.iter().position(|&b| b == 0xFF).unwrap_or(data.len());
    let old = Text::new(String::from_utf8_lossy(&data[..split]).into_owned());
    let new = Text::new(String::from_utf8_lossy(data.get(split + 1..).unwrap_or(&[])).into_owned());
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in old.as_str().chars().chain([' ']).enumerate() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                let id = spans.len() as u64 + 1;
                spans.push(Span::new(id, "claim", s..i, &old));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
        if spans.len() == 64 {
            break;
        }
    }
    for previous in [Some(&old), None] {
        let mut moved = spans.clone();
        anchor::reanchor(&mut moved, &new, previous);
        for (span, before) in moved.iter().zip(&spans) {
            assert_eq!(span.text, before.text, "a span's text changed");
            if span.anchor != Anchor::Orphaned {
                assert!(span.holds_in(&new), "span {} points at other text", span.id);
            }
        }
    }
}

/// The extractors: the first byte picks the kind (web page, PDF, Word file, e-mail,
/// Markdown), the rest is the file. Whatever is accepted is the same text on a second run
/// (offsets depend on it), follows the layout every extractor promises, and has its page
/// starts inside the text, in order.
pub fn extract(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let kinds = [
        SourceKind::Html,
        SourceKind::Pdf,
        SourceKind::Docx,
        SourceKind::Email,
        SourceKind::Markdown,
    ];
    let kind = kinds[usize::from(pick) % kinds.len()];
    let Ok(first) = extract::extract(kind, bytes) else {
        return;
    };
    let second = extract::extract(kind, bytes).expect("accepted once, accepted again");
    assert_eq!(first, second, "the same bytes gave another extraction");
    if let Err(broken) = extract::check_layout(&first.text) {
        panic!("{kind:?}: {broken}");
    }
    let chars = first.text.chars().count();
    assert!(
        first.page_starts.windows(2).all(|w| w[0] < w[1])
            && first.page_starts.iter().all(|&p| 0 < p && p < chars),
        "page starts {:?} in {chars} chars",
        first.page_starts
    );
}
