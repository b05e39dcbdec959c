//! Find in the article: plain text (case-insensitive unless asked) or a regular
//! expression, giving char ranges in the order they occur.

use std::ops::Range;

use super::Text;

/// More matches than this are not listed (the count says so).
pub const MAX_MATCHES: usize = 100_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SearchOptions {
    pub case_sensitive: bool,
    pub regex: bool,
}

/// Every non-empty match of `query`, as char ranges, at most [`MAX_MATCHES`]. An invalid
/// regular expression is an error with the regex engine's explanation.
pub fn find_all(
    text: &Text,
    query: &str,
    options: SearchOptions,
) -> Result<Vec<Range<usize>>, String> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let pattern = if options.regex {
        query.to_string()
    } else {
        regex::escape(query)
    };
    let re = regex::RegexBuilder::new(&pattern)
        .case_insensitive(!options.case_sensitive)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| e.to_string())?;
    let mut matches = Vec::new();
    // Matches come in order, so char offsets are counted forward from the last one.
    let (mut byte_at, mut char_at) = (0, 0);
    for m in re
        .find_iter(text.as_str())
        .filter(|m| !m.is_empty())
        .take(MAX_MATCHES)
    {
        char_at += text.as_str()[byte_at..m.start()].chars().count();
        let len = m.as_str().chars().count();
        matches.push(char_at..char_at + len);
        char_at += len;
        byte_at = m.end();
    }
    Ok(matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_search_ignores_case_and_counts_chars() {
        let text = Text::new("🇪🇬 Libya, LIBYA and libyan".into());
        let found = find_all(&text, "libya", SearchOptions::default()).unwrap();
        assert_eq!(found, vec![3..8, 10..15, 20..25]);
        let exact = SearchOptions {
            case_sensitive: true,
            ..Default::default()
        };
        assert_eq!(find_all(&text, "Libya", exact).unwrap(), vec![3..8]);
        // Regex metacharacters are literal in plain mode.
        assert!(find_all(&text, "Li.ya(", SearchOptions::default())
            .unwrap()
            .is_empty());
    }

    #[test]
    fn regular_expressions_and_their_errors() {
        let text = Text::new("Lavrov said, Shoukry said".into());
        let regex = SearchOptions {
            regex: true,
            ..Default::default()
        };
        let found = find_all(&text, r"\b[A-Z]\w+ said", regex).unwrap();
        assert_eq!(found, vec![0..11, 13..25]);
        assert!(find_all(&text, "(", regex).is_err());
        assert!(
            find_all(&text, "x*", regex).unwrap().is_empty(),
            "empty matches are skipped"
        );
    }
}
