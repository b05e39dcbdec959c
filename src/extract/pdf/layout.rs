//! Reading order for a PDF's glyphs: pure geometry, no PDF parsing (so it is tested on
//! synthetic glyph lists).
//!
//! A PDF's content stream may draw text in any order (two columns written line by line
//! across the page come out interleaved), so the text is rebuilt from where each glyph sits:
//!
//! 1. **Fragments.** Glyphs whose baselines are within 0.3 × their font size form a row;
//!    a row is cut into fragments wherever the gap between two glyphs exceeds
//!    [`FRAGMENT_GAP_EM`] × the font size (a column gutter). Inside a fragment a space is
//!    put where the PDF draws a space glyph or leaves a gap over [`SPACE_GAP_EM`] × the
//!    font size; a glyph drawn twice at the same place (fake bold) counts once.
//! 2. **Running headers and footers.** A fragment whose baseline lies in the top or bottom
//!    8% of its page, and whose text with each run of digits replaced by `#` occurs on at
//!    least half of the pages (and on 2 or more), is left out, and a notice names it.
//! 3. **Columns.** A page splits at a vertical gutter: an x that no fragment of the body
//!    crosses, with fragments on both sides (at least 2 each, neither side under a quarter
//!    of the other) that overlap vertically. Fragments that cross the gutter must lie above
//!    the columns (a title) or below them. Reading order: the lines above, each column top
//!    to bottom from left to right (a column splits again the same way), the lines below.
//! 4. **Paragraphs.** Within a block (a column, or the lines above or below), a new
//!    paragraph starts where the baseline gap exceeds 1.3 × the block's usual line gap
//!    (its 25th percentile) or 3 × the font size, where the font size changes by more than 20%, or at an
//!    indented first line (when most lines of the block share a left edge). Lines of a
//!    paragraph are joined with a space. Each page starts a new paragraph, so a paragraph
//!    that runs over a page break stays split in two.
//! 5. **Hyphens at line ends.** A line ending in `letter-` followed by a line starting with
//!    a lowercase letter is joined without a space. The hyphen is kept if the hyphenated
//!    word (`well-known`) occurs unbroken elsewhere in the document, and dropped otherwise
//!    (`extra-`/`ordinary` gives `extraordinary`).

use std::collections::{BTreeMap, HashSet};

/// A gap wider than this many font sizes cuts a row into fragments (a column gutter).
const FRAGMENT_GAP_EM: f64 = 1.5;
/// A gap wider than this many font sizes between two glyphs is a space.
const SPACE_GAP_EM: f64 = 0.15;
/// The share of the page height, at the top and at the bottom, where running headers and
/// footers are looked for.
const MARGIN_BAND: f64 = 0.08;
/// Pages with more fragments than this are read as one column (the gutter search is
/// quadratic in the fragments).
const MAX_FRAGMENTS_FOR_COLUMNS: usize = 3000;

/// One glyph as drawn: its origin on the baseline, advance width and font size, all in
/// PDF user-space points (y grows upwards).
#[derive(Clone, Debug, PartialEq)]
pub struct Glyph {
    pub x_pt: f64,
    pub y_pt: f64,
    pub width_pt: f64,
    pub size_pt: f64,
    pub text: String,
}

/// A page: its media box bottom and top (points) and its glyphs in content-stream order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    pub bottom_pt: f64,
    pub top_pt: f64,
    pub glyphs: Vec<Glyph>,
}

/// The laid-out text, in the layout of `extract`'s module docs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub text: String,
    /// Char offset where each page after the first starts.
    pub page_starts: Vec<usize>,
    pub notices: Vec<String>,
}

/// A run of glyphs on one baseline with no gutter inside.
#[derive(Clone, Debug, PartialEq)]
struct Fragment {
    x0_pt: f64,
    x1_pt: f64,
    y_pt: f64,
    size_pt: f64,
    text: String,
}

/// Lays out every page's glyphs as text.
pub fn lay_out(pages: &[Page]) -> Layout {
    let mut fragments: Vec<Vec<Fragment>> = pages.iter().map(|p| fragments(&p.glyphs)).collect();
    let mut notices = Vec::new();
    let running = running_lines(pages, &fragments);
    if !running.is_empty() {
        let quoted: Vec<String> = running.iter().map(|k| format!("“{k}”")).collect();
        notices.push(format!(
            "Page headers and footers left out: {}",
            quoted.join(", ")
        ));
        let running: HashSet<&String> = running.iter().collect();
        for (page, frags) in pages.iter().zip(&mut fragments) {
            frags.retain(|f| !(in_margin(page, f) && running.contains(&digits_as_hash(&f.text))));
        }
    }
    // (page index, lines) of each paragraph.
    let mut paragraphs: Vec<(usize, Vec<String>)> = Vec::new();
    for (index, frags) in fragments.into_iter().enumerate() {
        for block in reading_order(frags, 0) {
            for lines in block_paragraphs(block) {
                paragraphs.push((index, lines));
            }
        }
    }
    let words = unbroken_words(&paragraphs);
    let mut text = String::new();
    let mut chars = 0;
    let mut page_starts = Vec::new();
    for (index, lines) in &paragraphs {
        let paragraph = join_lines(lines, &words);
        if paragraph.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
            chars += 2;
        }
        while page_starts.len() < *index {
            page_starts.push(chars);
        }
        chars += paragraph.chars().count();
        text.push_str(&paragraph);
    }
    page_starts.resize(pages.len().saturating_sub(1), chars);
    Layout {
        text,
        page_starts,
        notices,
    }
}

/// Groups glyphs into rows by baseline and cuts rows at wide gaps.
fn fragments(glyphs: &[Glyph]) -> Vec<Fragment> {
    let mut usable: Vec<&Glyph> = glyphs
        .iter()
        .filter(|g| g.x_pt.is_finite() && g.y_pt.is_finite() && g.width_pt.is_finite())
        .filter(|g| g.size_pt.is_finite() && !g.text.is_empty())
        .collect();
    usable.sort_by(|a, b| b.y_pt.total_cmp(&a.y_pt));
    let mut out = Vec::new();
    let mut start = 0;
    while start < usable.len() {
        let anchor = usable[start];
        let tolerance = 0.3 * size_of(anchor);
        let end = start
            + usable[start..]
                .iter()
                .take_while(|g| anchor.y_pt - g.y_pt <= tolerance)
                .count();
        let mut row = usable[start..end].to_vec();
        row.sort_by(|a, b| a.x_pt.total_cmp(&b.x_pt));
        cut_row(&row, anchor.y_pt, &mut out);
        start = end;
    }
    out
}

/// A glyph's font size, at least one point (a zero size would make every gap huge).
fn size_of(glyph: &Glyph) -> f64 {
    glyph.size_pt.abs().max(1.0)
}

/// Cuts one row (sorted by x) into fragments and appends them to `out`.
fn cut_row(row: &[&Glyph], y_pt: f64, out: &mut Vec<Fragment>) {
    let mut current: Option<Fragment> = None;
    let mut pending_space = false;
    let mut previous: Option<&Glyph> = None;
    for &glyph in row {
        let size = size_of(glyph);
        let is_space = glyph
            .text
            .chars()
            .all(|c| c.is_whitespace() || c.is_control());
        if let Some(prev) = previous {
            if prev.text == glyph.text && (glyph.x_pt - prev.x_pt).abs() < 0.1 * size {
                continue;
            }
        }
        let end_pt = glyph.x_pt + glyph.width_pt.max(0.0);
        match current.as_mut() {
            Some(frag) if glyph.x_pt - frag.x1_pt <= FRAGMENT_GAP_EM * size => {
                if is_space {
                    pending_space = true;
                } else {
                    if pending_space || glyph.x_pt - frag.x1_pt > SPACE_GAP_EM * size {
                        frag.text.push(' ');
                    }
                    pending_space = false;
                    push_clean(&mut frag.text, &glyph.text);
                    frag.size_pt = frag.size_pt.max(size);
                }
                frag.x1_pt = frag.x1_pt.max(end_pt);
            }
            _ => {
                if let Some(done) = current.take() {
                    out.push(done);
                }
                pending_space = false;
                if !is_space {
                    let mut text = String::new();
                    push_clean(&mut text, &glyph.text);
                    current = Some(Fragment {
                        x0_pt: glyph.x_pt,
                        x1_pt: end_pt,
                        y_pt,
                        size_pt: size,
                        text,
                    });
                }
            }
        }
        previous = Some(glyph);
    }
    out.extend(current);
}

/// Appends a glyph's text with control characters left out.
fn push_clean(text: &mut String, glyph: &str) {
    text.extend(glyph.chars().filter(|c| !c.is_control()));
}

fn in_margin(page: &Page, frag: &Fragment) -> bool {
    let band = (page.top_pt - page.bottom_pt).abs() * MARGIN_BAND;
    frag.y_pt >= page.top_pt - band || frag.y_pt <= page.bottom_pt + band
}

/// `Page 12 of 30` -> `Page # of #`.
fn digits_as_hash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The running header and footer texts (digits as `#`), in order of first appearance.
fn running_lines(pages: &[Page], fragments: &[Vec<Fragment>]) -> Vec<String> {
    // key -> (first page and position, pages it is on)
    let mut seen: BTreeMap<String, ((usize, usize), usize)> = BTreeMap::new();
    for (page_index, (page, frags)) in pages.iter().zip(fragments).enumerate() {
        let mut on_page = HashSet::new();
        for (i, frag) in frags.iter().enumerate() {
            if in_margin(page, frag) {
                let key = digits_as_hash(&frag.text);
                if on_page.insert(key.clone()) {
                    seen.entry(key).or_insert(((page_index, i), 0)).1 += 1;
                }
            }
        }
    }
    let mut running: Vec<(&(usize, usize), &String)> = seen
        .iter()
        .filter(|(_, (_, count))| *count >= 2 && count * 2 >= pages.len())
        .map(|(key, (first, _))| (first, key))
        .collect();
    running.sort();
    running.into_iter().map(|(_, key)| key.clone()).collect()
}

/// Splits a page's fragments into blocks in reading order (see the module docs).
fn reading_order(mut frags: Vec<Fragment>, depth: usize) -> Vec<Vec<Fragment>> {
    frags.sort_by(|a, b| b.y_pt.total_cmp(&a.y_pt).then(a.x0_pt.total_cmp(&b.x0_pt)));
    let gutter = if depth < 4 && frags.len() <= MAX_FRAGMENTS_FOR_COLUMNS {
        find_gutter(&frags)
    } else {
        None
    };
    let Some(gutter_pt) = gutter else {
        return if frags.is_empty() {
            vec![]
        } else {
            vec![frags]
        };
    };
    let (mut left, mut right, mut above, mut below) = (vec![], vec![], vec![], vec![]);
    let top_pt = body_top(&frags, gutter_pt);
    for frag in frags {
        if frag.x1_pt <= gutter_pt {
            left.push(frag);
        } else if frag.x0_pt >= gutter_pt {
            right.push(frag);
        } else if frag.y_pt > top_pt {
            above.push(frag);
        } else {
            below.push(frag);
        }
    }
    let mut blocks = Vec::new();
    if !above.is_empty() {
        blocks.push(above);
    }
    blocks.extend(reading_order(left, depth + 1));
    blocks.extend(reading_order(right, depth + 1));
    if !below.is_empty() {
        blocks.push(below);
    }
    blocks
}

/// The highest baseline of the fragments on either side of the gutter.
fn body_top(frags: &[Fragment], gutter_pt: f64) -> f64 {
    frags
        .iter()
        .filter(|f| f.x1_pt <= gutter_pt || f.x0_pt >= gutter_pt)
        .map(|f| f.y_pt)
        .fold(f64::NEG_INFINITY, f64::max)
}

/// The best x at which the fragments split into columns, if any (see the module docs).
fn find_gutter(frags: &[Fragment]) -> Option<f64> {
    let mut starts: Vec<f64> = frags.iter().map(|f| f.x0_pt).collect();
    starts.sort_by(f64::total_cmp);
    let mut candidates: Vec<f64> = frags
        .iter()
        .filter_map(|f| {
            let next = starts[starts.partition_point(|&x| x <= f.x1_pt)..].first()?;
            Some((f.x1_pt + next) / 2.0)
        })
        .collect();
    candidates.sort_by(f64::total_cmp);
    candidates.dedup();
    let mut best: Option<((usize, usize), f64)> = None;
    for gutter_pt in candidates {
        let Some(score) = split_score(frags, gutter_pt) else {
            continue;
        };
        if best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, gutter_pt));
        }
    }
    best.map(|(_, gutter_pt)| gutter_pt)
}

/// (fragments in columns, fragments in the smaller column) if `gutter_pt` is a valid split.
fn split_score(frags: &[Fragment], gutter_pt: f64) -> Option<(usize, usize)> {
    let span = |side: &mut dyn Iterator<Item = &Fragment>| {
        side.fold((0, f64::INFINITY, f64::NEG_INFINITY), |(n, lo, hi), f| {
            (n + 1, lo.min(f.y_pt), hi.max(f.y_pt))
        })
    };
    let (left, left_lo, left_hi) = span(&mut frags.iter().filter(|f| f.x1_pt <= gutter_pt));
    let (right, right_lo, right_hi) = span(&mut frags.iter().filter(|f| f.x0_pt >= gutter_pt));
    let (small, large) = (left.min(right), left.max(right));
    if small < 2 || small * 4 < large || left_lo > right_hi || right_lo > left_hi {
        return None;
    }
    let (body_lo, body_hi) = (left_lo.min(right_lo), left_hi.max(right_hi));
    let crossing_inside = frags.iter().any(|f| {
        f.x0_pt < gutter_pt && f.x1_pt > gutter_pt && f.y_pt >= body_lo && f.y_pt <= body_hi
    });
    (!crossing_inside).then_some((left + right, small))
}

/// A block's lines (fragments on one baseline joined), top to bottom.
struct Line {
    x0_pt: f64,
    y_pt: f64,
    size_pt: f64,
    text: String,
}

/// Splits a block (fragments sorted top to bottom, then left to right) into paragraphs
/// of lines.
fn block_paragraphs(block: Vec<Fragment>) -> Vec<Vec<String>> {
    let mut lines: Vec<Line> = Vec::new();
    for frag in block {
        match lines.last_mut() {
            Some(line) if (line.y_pt - frag.y_pt).abs() <= 0.3 * frag.size_pt => {
                line.text.push(' ');
                line.text.push_str(&frag.text);
                line.size_pt = line.size_pt.max(frag.size_pt);
            }
            _ => lines.push(Line {
                x0_pt: frag.x0_pt,
                y_pt: frag.y_pt,
                size_pt: frag.size_pt,
                text: frag.text,
            }),
        }
    }
    let mut gaps: Vec<f64> = lines.windows(2).map(|w| w[0].y_pt - w[1].y_pt).collect();
    gaps.sort_by(f64::total_cmp);
    let usual_gap_pt = gaps.get(gaps.len() / 4).copied().unwrap_or(0.0);
    let left_pt = lines.iter().map(|l| l.x0_pt).fold(f64::INFINITY, f64::min);
    let at_left = |l: &Line| l.x0_pt - left_pt <= 0.5 * l.size_pt;
    let indents_mark_paragraphs =
        lines.len() >= 3 && lines.iter().filter(|l| at_left(l)).count() * 2 > lines.len();
    let mut paragraphs: Vec<Vec<String>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let starts_paragraph = match i.checked_sub(1).map(|p| &lines[p]) {
            None => true,
            Some(prev) => {
                let gap_pt = prev.y_pt - line.y_pt;
                let size_ratio = line.size_pt / prev.size_pt;
                gap_pt > 1.3 * usual_gap_pt
                    || gap_pt > 3.0 * line.size_pt
                    || !(0.8..=1.25).contains(&size_ratio)
                    || (indents_mark_paragraphs
                        && at_left(prev)
                        && line.x0_pt - left_pt > line.size_pt)
            }
        };
        match paragraphs.last_mut() {
            Some(paragraph) if !starts_paragraph => paragraph.push(line.text.clone()),
            _ => paragraphs.push(vec![line.text.clone()]),
        }
    }
    paragraphs
}

/// A word as compared for the hyphen rule: lowercase, without surrounding punctuation.
fn word_key(token: &str) -> String {
    token
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// Every word of the document as written within a line.
fn unbroken_words(paragraphs: &[(usize, Vec<String>)]) -> HashSet<String> {
    paragraphs
        .iter()
        .flat_map(|(_, lines)| lines)
        .flat_map(|line| line.split_whitespace())
        .map(word_key)
        .collect()
}

/// Joins a paragraph's lines with spaces, mending words broken at a line end.
fn join_lines(lines: &[String], words: &HashSet<String>) -> String {
    let mut out = String::new();
    for line in lines {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            continue;
        }
        if out.is_empty() {
            out = line;
            continue;
        }
        let mut tail = out.chars().rev();
        let broken = tail.next() == Some('-')
            && tail.next().is_some_and(char::is_alphabetic)
            && line.chars().next().is_some_and(char::is_lowercase);
        if broken {
            let prefix = out.rsplit(' ').next().unwrap_or_default();
            let suffix = line.split(' ').next().unwrap_or_default();
            let hyphenated = word_key(&format!("{prefix}{suffix}"));
            if !words.contains(&hyphenated) {
                out.pop();
            }
        } else {
            out.push(' ');
        }
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs of `text` from (x, y), 10 pt, each char 5 pt wide, spaces drawn as glyphs.
    fn line(x: f64, y: f64, text: &str) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x_pt: x + 5.0 * i as f64,
                y_pt: y,
                width_pt: 5.0,
                size_pt: 10.0,
                text: c.to_string(),
            })
            .collect()
    }

    fn page(lines: Vec<Vec<Glyph>>) -> Page {
        Page {
            bottom_pt: 0.0,
            top_pt: 842.0,
            glyphs: lines.into_iter().flatten().collect(),
        }
    }

    #[test]
    fn interleaved_columns_read_column_by_column_under_the_title() {
        let mut lines = vec![line(
            50.0,
            780.0,
            "A title that runs across both columns of the page",
        )];
        let left = ["left one", "left two", "", "left three"];
        let right = ["right one", "right two", "right three", "right four"];
        for (i, (l, r)) in left.iter().zip(right).enumerate() {
            let y = 740.0 - 12.0 * i as f64;
            lines.push(line(50.0, y, l));
            lines.push(line(320.0, y, r));
        }
        let layout = lay_out(&[page(lines)]);
        assert_eq!(
            layout.text,
            "A title that runs across both columns of the page\n\nleft one left two\n\nleft three\n\nright one right two right three right four"
        );
    }

    #[test]
    fn gaps_without_space_glyphs_become_spaces() {
        let mut glyphs = line(50.0, 700.0, "word");
        glyphs.extend(line(73.0, 700.0, "gap"));
        assert_eq!(lay_out(&[page(vec![glyphs])]).text, "word gap");
    }

    #[test]
    fn running_footers_are_left_out_with_a_notice_and_pages_start_paragraphs() {
        let pages: Vec<Page> = (1..=3)
            .map(|n| {
                page(vec![
                    line(50.0, 700.0, &format!("Body of page {n}.")),
                    line(250.0, 30.0, &format!("Page {n} of 3")),
                ])
            })
            .collect();
        let layout = lay_out(&pages);
        assert_eq!(
            layout.text,
            "Body of page 1.\n\nBody of page 2.\n\nBody of page 3."
        );
        assert_eq!(layout.page_starts, vec![17, 34]);
        assert_eq!(
            layout.notices,
            vec!["Page headers and footers left out: “Page # of #”"]
        );
    }

    #[test]
    fn a_footer_on_one_page_of_three_stays() {
        let pages = vec![
            page(vec![line(50.0, 700.0, "One."), line(250.0, 30.0, "Draft")]),
            page(vec![line(50.0, 700.0, "Two.")]),
            page(vec![line(50.0, 700.0, "Three.")]),
        ];
        let layout = lay_out(&pages);
        assert_eq!(layout.text, "One.\n\nDraft\n\nTwo.\n\nThree.");
        assert!(layout.notices.is_empty());
    }

    #[test]
    fn line_end_hyphens_follow_the_words_found_elsewhere() {
        let lines = vec![
            line(50.0, 700.0, "an extra-"),
            line(50.0, 688.0, "ordinary and well-"),
            line(50.0, 676.0, "known and the well-known and un-"),
            line(50.0, 664.0, "seen and X-"),
            line(50.0, 652.0, "Ray"),
        ];
        assert_eq!(
            lay_out(&[page(lines)]).text,
            "an extraordinary and well-known and the well-known and unseen and X- Ray"
        );
    }

    #[test]
    fn an_indented_line_starts_a_paragraph() {
        let lines = vec![
            line(50.0, 700.0, "first line"),
            line(50.0, 688.0, "second line"),
            line(70.0, 676.0, "indented start"),
            line(50.0, 664.0, "last line"),
        ];
        assert_eq!(
            lay_out(&[page(lines)]).text,
            "first line second line\n\nindented start last line"
        );
    }

    #[test]
    fn an_empty_page_starts_where_the_next_text_does() {
        let pages = vec![
            page(vec![line(50.0, 700.0, "One.")]),
            page(vec![]),
            page(vec![line(50.0, 700.0, "Three.")]),
            page(vec![]),
        ];
        let layout = lay_out(&pages);
        assert_eq!(layout.text, "One.\n\nThree.");
        assert_eq!(layout.page_starts, vec![6, 6, 12]);
    }
}
