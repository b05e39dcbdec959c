//! CoNLL token files read back (docs/FORMATS.md section 7.6): one token per line, its tag in
//! the last column; a blank line ends a sentence, `-DOCSTART-` starts a document (each
//! document is an article).
//!
//! # Tags
//! IOB1, IOB2 (BIO), BIOES / IOBES and BILOU are all read, whichever a file uses: `O`, and
//! `B-`, `I-`, `E-`/`L-`, `S-`/`U-` followed by the label. `B` starts a span, `I` continues
//! the open span of its label or else starts one (IOB1's convention, and conlleval's for a
//! stray `I`), `E` ends it, `S` is a span of one token. Where a file's own scheme says a
//! sequence is wrong (an `I-` that starts a span in a file whose spans start with `B-`, an
//! `E-` with no span open, a BIOES span that never reaches its `E-`), it is read as above and
//! each place is listed in the report's `left_out` with its line.
//!
//! # Columns
//! The tags are in the last column (CoNLL-2003's `EU NNP B-NP B-ORG`: the POS and chunk
//! columns have no place in spantag, and the report says they were not read). spantag's own
//! export writes one tag column per label so that spans of different labels may overlap; it
//! is recognised by its `-DOCSTART-` line, which has an `O` under every column (CoNLL-2003
//! and spaCy write `-X-` under the columns that are not tags), and then every column after
//! the token is read. The `OUT.columns` companion is not needed: the tags name their labels.
//! Columns are split at tabs when a line has one (a token may then hold a space), else at
//! white space.
//!
//! # Text
//! CoNLL holds tokens, not the text they came from. The article's text is rebuilt from them:
//! tokens joined by one space, sentences by a line break, so each span covers exactly its
//! tokens' chars. The token ranges are kept in [`ImportedArticle::tokens`]; when the original
//! text is at hand, [`realign`] finds the tokens in it and moves every span onto its chars.
//!
//! # Comments and errors
//! `#` lines are skipped, except an id (`# newdoc id = …`, `# doc_id = …`,
//! `# document_id = …` or `# id = …` before a document's first token), which names the
//! article; `# newdoc` also starts a document, as in CoNLL-U. (A `#` line whose tag columns
//! read as tags is a token, `#hashtag B-TAG`.) A token line whose tag cannot be read is an
//! error naming its line; its token stays in the text, untagged, so the text stays whole.

use std::collections::HashMap;

use super::doccano::add_article;
use super::{article_name, status_for, Builder, ImportedArticle, Options, Parsed};
use crate::model::Text;
use crate::problem::Problem;

pub fn parse(file: &str, input: &str, _options: &Options) -> Parsed {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut reader = Reader::new(file, Layout::of(input));
    for (i, line) in input.lines().enumerate() {
        reader.line(i + 1, line);
    }
    reader.finish()
}

/// Where the tags are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// The last column (CoNLL-2003, spaCy, doccano).
    Last,
    /// Every column after the token, this many (spantag's export, one per label).
    Columns(usize),
}

impl Layout {
    /// spantag's layout when the first `-DOCSTART-` line has an `O` under each of two or
    /// more columns; otherwise the last column.
    fn of(input: &str) -> Layout {
        let docstart = input
            .lines()
            .map(fields)
            .find(|fields| fields.first() == Some(&DOCSTART));
        match docstart {
            Some(fields) if fields.len() > 2 && fields[1..].iter().all(|f| *f == "O") => {
                Layout::Columns(fields.len() - 1)
            }
            _ => Layout::Last,
        }
    }

    /// The tag fields of a line, or why the line has none.
    fn tags<'a>(self, fields: &[&'a str]) -> Result<Vec<&'a str>, String> {
        match self {
            Layout::Last if fields.len() >= 2 => Ok(vec![fields[fields.len() - 1]]),
            Layout::Last => Err("the line has a token but no tag column".into()),
            Layout::Columns(n) if fields.len() == n + 1 => Ok(fields[1..].to_vec()),
            Layout::Columns(n) => Err(format!(
                "the line has {} columns; the -DOCSTART- line announces a token and {n} tag \
                 columns (one per label)",
                fields.len()
            )),
        }
    }
}

const DOCSTART: &str = "-DOCSTART-";

/// A line's columns: split at tabs when it has any (a token may then hold a space, as in
/// CoNLL-U), else at white space.
fn fields(line: &str) -> Vec<&str> {
    if line.contains('\t') {
        line.split('\t')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .collect()
    } else {
        line.split_whitespace().collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag<'a> {
    Outside,
    Begin(&'a str),
    Inside(&'a str),
    End(&'a str),
    Single(&'a str),
}

impl<'a> Tag<'a> {
    fn read(tag: &'a str) -> Option<Tag<'a>> {
        if tag.eq_ignore_ascii_case("O") {
            return Some(Tag::Outside);
        }
        let (prefix, label) = tag.split_once('-')?;
        if label.is_empty() {
            return None;
        }
        Some(match prefix.to_ascii_uppercase().as_str() {
            "B" => Tag::Begin(label),
            "I" => Tag::Inside(label),
            "E" | "L" => Tag::End(label),
            "S" | "U" => Tag::Single(label),
            _ => return None,
        })
    }
}

/// A span being read in one column.
struct Open {
    label: String,
    first: usize,
    last: usize,
    line: usize,
}

/// One tag column's reading state, and what its scheme may find wrong.
#[derive(Default)]
struct Column {
    open: Option<Open>,
    /// The previous tag in this sentence, for messages.
    previous: Option<String>,
    /// `B-` tags that start a span after anything but their own label: the file's spans
    /// start with `B-` (IOB2, BIOES), so a starting `I-` or a stray `E-` is a slip.
    begins: usize,
    /// Whether `E-` or `S-` appear: spans then end on `E-` or `S-` (BIOES, BILOU, IOE).
    ends: bool,
    /// `I-` tags that started a span: (line, message).
    inside_starts: Vec<(usize, String)>,
    /// `E-` tags with no span of their label open.
    stray_ends: Vec<(usize, String)>,
    /// Spans closed by something other than their `E-`: (line of their first token, label).
    unended: Vec<(usize, String)>,
}

/// A span read: label, first and last token (document indices), line of its first token.
struct Found {
    label: String,
    first: usize,
    last: usize,
    line: usize,
}

#[derive(Default)]
struct Doc {
    id: Option<String>,
    line: usize,
    /// Each token and whether a sentence starts at it.
    tokens: Vec<(String, bool)>,
    spans: Vec<Found>,
}

struct Reader<'f> {
    file: &'f str,
    layout: Layout,
    parsed: Parsed,
    doc: Doc,
    docs_read: usize,
    columns: Vec<Column>,
    sentence_open: bool,
    /// The most columns a token line had (columns the tags are not in are reported).
    widest: usize,
}

impl<'f> Reader<'f> {
    fn new(file: &'f str, layout: Layout) -> Reader<'f> {
        let n = match layout {
            Layout::Last => 1,
            Layout::Columns(n) => n,
        };
        Reader {
            file,
            layout,
            parsed: Parsed::default(),
            doc: Doc::default(),
            docs_read: 0,
            columns: (0..n).map(|_| Column::default()).collect(),
            sentence_open: false,
            widest: 0,
        }
    }

    fn line(&mut self, line: usize, raw: &str) {
        let fields = fields(raw);
        let Some(&first) = fields.first() else {
            self.end_sentence();
            return;
        };
        if first == DOCSTART {
            self.end_doc();
            self.doc.line = line;
            return;
        }
        let tags = self.layout.tags(&fields);
        if first.starts_with('#') {
            let is_token = tags
                .as_ref()
                .is_ok_and(|tags| tags.iter().all(|t| Tag::read(t).is_some()));
            if !is_token {
                self.comment(line, raw.trim());
                return;
            }
        }
        self.widest = self.widest.max(fields.len());
        let token = self.doc.tokens.len();
        if self.doc.tokens.is_empty() && self.doc.line == 0 {
            self.doc.line = line;
        }
        self.doc
            .tokens
            .push((first.to_string(), !self.sentence_open && token > 0));
        self.sentence_open = true;
        let tags = match tags {
            Ok(tags) => tags,
            Err(message) => {
                self.error(
                    line,
                    format!("{message}; the token {first:?} is kept untagged"),
                );
                return self.close_all();
            }
        };
        for (c, raw_tag) in tags.into_iter().enumerate() {
            let Some(tag) = Tag::read(raw_tag) else {
                let column = self.column_name(c);
                self.error(
                    line,
                    format!(
                        "tag {raw_tag:?}{column} is not O or B-, I-, E-, S-, L-, U- and a label; \
                         the token {first:?} is kept untagged"
                    ),
                );
                self.close(c);
                self.columns[c].previous = None;
                continue;
            };
            self.tag(c, token, line, tag);
            self.columns[c].previous = Some(raw_tag.to_string());
        }
    }

    /// Reads one tag of column `c` at document token `token`.
    fn tag(&mut self, c: usize, token: usize, line: usize, tag: Tag<'_>) {
        let open_is =
            |column: &Column, label: &str| column.open.as_ref().is_some_and(|o| o.label == label);
        match tag {
            Tag::Outside => self.close(c),
            Tag::Begin(label) => {
                if !open_is(&self.columns[c], label) {
                    self.columns[c].begins += 1;
                }
                self.close(c);
                self.open(c, label, token, line);
            }
            Tag::Inside(label) if open_is(&self.columns[c], label) => {
                if let Some(open) = &mut self.columns[c].open {
                    open.last = token;
                }
            }
            Tag::Inside(label) => {
                let message = format!(
                    "I-{label}{} {} starts a new {label} span (read as IOB1); this file starts \
                     its spans with B-, after which an I- tag only continues one",
                    self.column_name(c),
                    self.after(c)
                );
                self.columns[c].inside_starts.push((line, message));
                self.close(c);
                self.open(c, label, token, line);
            }
            Tag::End(label) if open_is(&self.columns[c], label) => {
                self.columns[c].ends = true;
                if let Some(mut open) = self.columns[c].open.take() {
                    open.last = token;
                    self.found(open);
                }
            }
            Tag::End(label) => {
                self.columns[c].ends = true;
                let message = format!(
                    "E-{label}{} {} has no {label} span to end: read as a span of this one token",
                    self.column_name(c),
                    self.after(c)
                );
                self.columns[c].stray_ends.push((line, message));
                self.close(c);
                self.found(Open {
                    label: label.to_string(),
                    first: token,
                    last: token,
                    line,
                });
            }
            Tag::Single(label) => {
                self.columns[c].ends = true;
                self.close(c);
                self.found(Open {
                    label: label.to_string(),
                    first: token,
                    last: token,
                    line,
                });
            }
        }
    }

    /// What came before a tag of column `c`, for messages.
    fn after(&self, c: usize) -> String {
        match &self.columns[c].previous {
            Some(previous) => format!("after {previous}"),
            None => "at the start of a sentence".into(),
        }
    }

    fn column_name(&self, c: usize) -> String {
        match self.layout {
            Layout::Last => String::new(),
            Layout::Columns(_) => format!(" (tag column {})", c + 1),
        }
    }

    fn open(&mut self, c: usize, label: &str, token: usize, line: usize) {
        self.columns[c].open = Some(Open {
            label: label.to_string(),
            first: token,
            last: token,
            line,
        });
    }

    /// Ends column `c`'s open span where it is (it did not reach an `E-`).
    fn close(&mut self, c: usize) {
        if let Some(open) = self.columns[c].open.take() {
            self.columns[c]
                .unended
                .push((open.line, open.label.clone()));
            self.found(open);
        }
    }

    fn close_all(&mut self) {
        for c in 0..self.columns.len() {
            self.close(c);
            self.columns[c].previous = None;
        }
    }

    fn found(&mut self, open: Open) {
        self.doc.spans.push(Found {
            label: open.label,
            first: open.first,
            last: open.last,
            line: open.line,
        });
    }

    fn end_sentence(&mut self) {
        self.close_all();
        self.sentence_open = false;
    }

    fn comment(&mut self, line: usize, comment: &str) {
        let body = comment.trim_start_matches('#').trim();
        let (key, value) = match body.split_once('=') {
            Some((key, value)) => (key.trim(), Some(value.trim())),
            None => (body, None),
        };
        if key == "newdoc" || key == "newdoc id" {
            self.end_doc();
            self.doc.line = line;
        }
        let names_doc = ["newdoc id", "doc_id", "document_id", "docid", "id"].contains(&key);
        if let Some(id) = value.filter(|v| names_doc && !v.is_empty()) {
            if self.doc.tokens.is_empty() && self.doc.id.is_none() {
                self.doc.id = Some(id.to_string());
            }
        }
    }

    fn error(&mut self, line: usize, message: String) {
        self.parsed
            .report
            .errors
            .push(Problem::at_line(self.file, line, message));
    }

    /// Turns the document read so far into an article (none if it has no token).
    fn end_doc(&mut self) {
        self.end_sentence();
        let doc = std::mem::take(&mut self.doc);
        if doc.tokens.is_empty() {
            return;
        }
        let mut text = String::new();
        let mut tokens = Vec::with_capacity(doc.tokens.len());
        let mut char_at = 0;
        for (i, (token, sentence_starts)) in doc.tokens.iter().enumerate() {
            if i > 0 {
                text.push(if *sentence_starts { '\n' } else { ' ' });
                char_at += 1;
            }
            let len = token.chars().count();
            tokens.push(char_at..char_at + len);
            text.push_str(token);
            char_at += len;
        }
        let b = Builder::new("conll", &text);
        let mut spans = Vec::with_capacity(doc.spans.len());
        for (i, found) in doc.spans.iter().enumerate() {
            let range = tokens[found.first].start..tokens[found.last].end;
            match b.span(i as u64 + 1, &found.label, range.start, range.end, None) {
                Ok(span) => spans.push(span),
                Err(message) => self.error(found.line, message),
            }
        }
        let index = self.docs_read;
        self.docs_read += 1;
        add_article(
            &mut self.parsed,
            ImportedArticle {
                name: article_name(doc.id.as_deref(), index),
                from: format!("{}:{}", self.file, doc.line.max(1)),
                status: status_for(&spans),
                text,
                spans,
                tokens,
                ..ImportedArticle::default()
            },
        );
    }

    fn finish(mut self) -> Parsed {
        self.end_doc();
        let file = self.file;
        let mut notes = Vec::new();
        for column in &self.columns {
            // Slips only where the column's own scheme says so.
            if column.begins > 0 {
                notes.extend(column.inside_starts.iter().cloned());
                notes.extend(column.stray_ends.iter().cloned());
            }
            if column.ends {
                notes.extend(column.unended.iter().map(|(line, label)| {
                    (
                        *line,
                        format!(
                            "the {label} span that starts here does not end on E-{label} or \
                             S-{label}: read as ending at its last tagged token"
                        ),
                    )
                }));
            }
        }
        notes.sort_by_key(|(line, _)| *line);
        let report = &mut self.parsed.report;
        report.left_out.extend(
            notes
                .into_iter()
                .map(|(line, message)| Problem::at_line(file, line, message)),
        );
        if self.layout == Layout::Last && self.widest > 2 {
            report.left_out.push(Problem::file(
                file,
                format!(
                    "columns 2 to {} are not read: the tags are in the last column (part-of-\
                     speech and chunk columns have no place in spantag)",
                    self.widest - 1
                ),
            ));
        }
        self.parsed
    }
}

/// Finds the article's tokens, in order, in `text` (its original, which may space them
/// differently), skipping only white space, and moves every span and suggestion onto the
/// original's chars. Anything else between tokens is an error naming the first token that
/// cannot be found; the article is then unchanged.
pub fn realign(article: &mut ImportedArticle, text: &str) -> Result<(), String> {
    if article.tokens.is_empty() {
        return Err(
            "the article has no tokens to find in the text (only CoNLL articles \
                    can be realigned)"
                .into(),
        );
    }
    let old = Text::new(article.text.clone());
    let mut moved = Vec::with_capacity(article.tokens.len());
    let mut rest = text;
    let mut char_at = 0;
    for (i, token) in article.tokens.iter().enumerate() {
        let word = old
            .get(token.clone())
            .filter(|w| !w.is_empty())
            .ok_or_else(|| {
                format!(
                    "token {} has range {}..{}, outside the article's {}-char text",
                    i + 1,
                    token.start,
                    token.end,
                    old.len_chars()
                )
            })?;
        let trimmed = rest.trim_start();
        char_at += rest[..rest.len() - trimmed.len()].chars().count();
        rest = trimmed;
        let Some(after) = rest.strip_prefix(word) else {
            return Err(format!(
                "token {} of {}, {word:?}, is not in the text: after the previous token (and \
                 white space) the text has {:?} at char {char_at}",
                i + 1,
                article.tokens.len(),
                beginning(rest)
            ));
        };
        let len = word.chars().count();
        moved.push(char_at..char_at + len);
        char_at += len;
        rest = after;
    }
    if !rest.trim().is_empty() {
        return Err(format!(
            "the text goes on after the last token: {:?} at char {}",
            beginning(rest.trim_start()),
            char_at + (rest.len() - rest.trim_start().len())
        ));
    }

    let starts: HashMap<usize, usize> = article
        .tokens
        .iter()
        .zip(&moved)
        .map(|(old, new)| (old.start, new.start))
        .collect();
    let ends: HashMap<usize, usize> = article
        .tokens
        .iter()
        .zip(&moved)
        .map(|(old, new)| (old.end, new.end))
        .collect();
    let place = |what: String, start: usize, end: usize| match (starts.get(&start), ends.get(&end))
    {
        (Some(&start), Some(&end)) => Ok(start..end),
        _ => Err(format!(
            "{what} at {start}..{end} does not begin and end on token edges"
        )),
    };
    let original = Text::new(text.to_string());
    let mut spans = article.spans.clone();
    for span in &mut spans {
        let range = place(
            format!("span {} ({})", span.id, span.label),
            span.start,
            span.end,
        )?;
        (span.start, span.end) = (range.start, range.end);
        span.refresh_from(&original);
    }
    let mut suggestions = article.suggestions.clone();
    for suggestion in &mut suggestions {
        let what = format!("suggestion ({})", suggestion.label);
        let range = place(what, suggestion.start, suggestion.end)?;
        suggestion.text = original.slice(range.clone()).to_string();
        (suggestion.start, suggestion.end) = (range.start, range.end);
    }
    article.text = original.as_str().to_string();
    article.spans = spans;
    article.suggestions = suggestions;
    article.tokens = moved;
    Ok(())
}

/// The first few chars of `s`, for messages.
fn beginning(s: &str) -> &str {
    match s.char_indices().nth(20) {
        Some((cut, _)) => &s[..cut],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str) -> Parsed {
        parse("in.conll", input, &Options::default())
    }

    /// (label, text) of each span, in order.
    fn spans(article: &ImportedArticle) -> Vec<(String, String)> {
        let mut spans: Vec<_> = article
            .spans
            .iter()
            .map(|s| (s.start, s.label.clone(), s.text.clone()))
            .collect();
        spans.sort();
        spans.into_iter().map(|(_, l, t)| (l, t)).collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(l, t)| (l.to_string(), t.to_string()))
            .collect()
    }

    const WORDS: [&str; 11] = [
        "Sergei", "Lavrov", "met", "Sameh", "Shoukry", "in", "Cairo", "Egypt", "Russia", "today",
        ".",
    ];

    fn tagged(tags: [&str; 11]) -> String {
        let mut out = String::new();
        for (word, tag) in WORDS.iter().zip(tags) {
            out.push_str(&format!("{word}\t{tag}\n"));
        }
        out
    }

    #[test]
    fn iob1_iob2_bioes_and_bilou_give_the_same_spans() {
        let schemes = [
            [
                "I-PER", "I-PER", "O", "I-PER", "I-PER", "O", "I-LOC", "B-LOC", "B-LOC", "O", "O",
            ],
            [
                "B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-LOC", "B-LOC", "B-LOC", "O", "O",
            ],
            [
                "B-PER", "E-PER", "O", "B-PER", "E-PER", "O", "S-LOC", "S-LOC", "S-LOC", "O", "O",
            ],
            [
                "B-PER", "L-PER", "O", "B-PER", "L-PER", "O", "U-LOC", "U-LOC", "U-LOC", "O", "O",
            ],
        ];
        let expected = pairs(&[
            ("PER", "Sergei Lavrov"),
            ("PER", "Sameh Shoukry"),
            ("LOC", "Cairo"),
            ("LOC", "Egypt"),
            ("LOC", "Russia"),
        ]);
        for tags in schemes {
            let parsed = read(&tagged(tags));
            assert!(parsed.report.errors.is_empty(), "{tags:?}");
            assert!(
                parsed.report.left_out.is_empty(),
                "{tags:?}: {:?}",
                parsed.report.left_out
            );
            let article = &parsed.articles[0];
            assert_eq!(spans(article), expected, "{tags:?}");
            assert_eq!(
                article.text,
                "Sergei Lavrov met Sameh Shoukry in Cairo Egypt Russia today ."
            );
        }
    }

    #[test]
    fn slips_against_the_files_own_scheme_are_read_and_reported() {
        // IOB2 (spans start with B-), but "Shoukry" is I-PER after O, "today" I-LOC after B-PER.
        let parsed = read(&tagged([
            "B-PER", "I-PER", "O", "O", "I-PER", "O", "B-LOC", "O", "B-PER", "I-LOC", "O",
        ]));
        assert_eq!(
            spans(&parsed.articles[0]),
            pairs(&[
                ("PER", "Sergei Lavrov"),
                ("PER", "Shoukry"),
                ("LOC", "Cairo"),
                ("PER", "Russia"),
                ("LOC", "today"),
            ])
        );
        let notes: Vec<String> = parsed
            .report
            .left_out
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            notes,
            [
                "in.conll:5: I-PER after O starts a new PER span (read as IOB1); this file starts \
                 its spans with B-, after which an I- tag only continues one",
                "in.conll:10: I-LOC after B-PER starts a new LOC span (read as IOB1); this file \
                 starts its spans with B-, after which an I- tag only continues one",
            ]
        );
        // BIOES: a span that never reaches its E-, and an E- with nothing open.
        let parsed = read(&tagged([
            "B-PER", "I-PER", "O", "B-PER", "E-PER", "O", "E-LOC", "O", "O", "O", "O",
        ]));
        assert_eq!(
            spans(&parsed.articles[0]),
            pairs(&[
                ("PER", "Sergei Lavrov"),
                ("PER", "Sameh Shoukry"),
                ("LOC", "Cairo")
            ])
        );
        let lines: Vec<Option<usize>> = parsed.report.left_out.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(1), Some(7)], "{:?}", parsed.report.left_out);
    }

    #[test]
    fn documents_sentences_comments_and_ids() {
        let input = "\
# newdoc id = cairo-1
Lavrov B-PER
said O

# sent_id = 2
Shoukry B-PER
. O
-DOCSTART- -X- -X- O

# id = moscow
Moscow B-LOC
-DOCSTART- -X- -X- O

Kyiv B-LOC
";
        let parsed = read(input);
        assert!(
            parsed.report.errors.is_empty(),
            "{:?}",
            parsed.report.errors
        );
        let articles: Vec<(&str, &str, &str)> = parsed
            .articles
            .iter()
            .map(|a| (a.name.as_str(), a.text.as_str(), a.from.as_str()))
            .collect();
        assert_eq!(
            articles,
            [
                ("cairo-1.txt", "Lavrov said\nShoukry .", "in.conll:1"),
                ("moscow.txt", "Moscow", "in.conll:8"),
                ("doc-00003.txt", "Kyiv", "in.conll:12"),
            ]
        );
        assert_eq!(parsed.articles[0].tokens, [0..6, 7..11, 12..19, 20..21]);
        assert_eq!(parsed.report.imported["spans"], 4);
    }

    #[test]
    fn conll_2003_reads_the_last_column_and_reports_the_others() {
        let input = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n";
        let parsed = read(input);
        assert_eq!(
            spans(&parsed.articles[0]),
            pairs(&[("ORG", "EU"), ("MISC", "German")])
        );
        assert_eq!(
            parsed.report.left_out[0].to_string(),
            "in.conll: columns 2 to 3 are not read: the tags are in the last column \
             (part-of-speech and chunk columns have no place in spantag)"
        );
    }

    #[test]
    fn spantags_own_export_reads_every_tag_column() {
        let input = "\
-DOCSTART- O O O O

Lavrov O O O B-actor
said O O O O
\" O O O O
Libya B-claim B-quote B-location O
is I-claim I-quote O O
hole I-claim I-quote O O
\" O O O O
in O O O O
Cairo O O B-location O
. O O O O
";
        let parsed = read(input);
        assert!(parsed.report.errors.is_empty() && parsed.report.left_out.is_empty());
        assert_eq!(
            spans(&parsed.articles[0]),
            pairs(&[
                ("actor", "Lavrov"),
                ("claim", "Libya is hole"),
                ("location", "Libya"),
                ("quote", "Libya is hole"),
                ("location", "Cairo"),
            ])
        );
    }

    #[test]
    fn a_bad_tag_is_an_error_naming_the_line_and_the_token_stays() {
        let parsed = read("Lavrov B-PER\nsaid NNP\nhere\nCairo B-LOC\n");
        let errors: Vec<String> = parsed.report.errors.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            errors,
            [
                "in.conll:2: tag \"NNP\" is not O or B-, I-, E-, S-, L-, U- and a label; the \
                 token \"said\" is kept untagged",
                "in.conll:3: the line has a token but no tag column; the token \"here\" is kept \
                 untagged",
            ]
        );
        let article = &parsed.articles[0];
        assert_eq!(article.text, "Lavrov said here Cairo");
        assert_eq!(
            spans(article),
            pairs(&[("PER", "Lavrov"), ("LOC", "Cairo")])
        );
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_docstart_line() {
        let parsed = read("\u{feff}-DOCSTART- O O\n\nCairo B-location B-actor\n");
        assert_eq!(
            spans(&parsed.articles[0]),
            pairs(&[("actor", "Cairo"), ("location", "Cairo")])
        );
    }

    #[test]
    fn tab_separated_tokens_may_hold_a_space() {
        let parsed = read("New York\tB-LOC\ncity\tO\n");
        assert_eq!(parsed.articles[0].text, "New York city");
        assert_eq!(spans(&parsed.articles[0]), pairs(&[("LOC", "New York")]));
        assert_eq!(parsed.articles[0].tokens, [0..8, 9..13]);
    }

    #[test]
    fn a_hash_token_is_a_token_and_a_hash_comment_is_not() {
        let parsed = read("# text = Lavrov said\n# O\n#Cairo B-TAG\n");
        assert_eq!(parsed.articles[0].text, "# #Cairo");
        assert_eq!(spans(&parsed.articles[0]), pairs(&[("TAG", "#Cairo")]));
    }

    #[test]
    fn realign_moves_spans_onto_the_original_spacing() {
        let parsed = read("Sergei B-PER\nLavrov I-PER\nsaid O\n\nCairo B-LOC\n. O\n");
        let mut article = parsed.articles[0].clone();
        assert_eq!(article.text, "Sergei Lavrov said\nCairo .");
        let original = "  Sergei  Lavrov\r\nsaid:\n\nCairo.";
        let error = realign(&mut article, original).unwrap_err();
        assert_eq!(
            error,
            "token 4 of 5, \"Cairo\", is not in the text: after the previous token (and white \
             space) the text has \":\\n\\nCairo.\" at char 22"
        );
        assert_eq!(article, parsed.articles[0], "unchanged after a failure");

        let original = "  Sergei  Lavrov\r\nsaid\n\nCairo.";
        realign(&mut article, original).unwrap();
        assert_eq!(article.text, original);
        assert_eq!(
            spans(&article),
            pairs(&[("PER", "Sergei  Lavrov"), ("LOC", "Cairo")])
        );
        assert_eq!((article.spans[1].start, article.spans[1].end), (24, 29));
        assert_eq!(article.tokens[4], 29..30);

        let mut again = parsed.articles[0].clone();
        let error = realign(&mut again, "Sergei Lavrov said Cairo . Next").unwrap_err();
        assert_eq!(
            error,
            "the text goes on after the last token: \"Next\" at char 27"
        );
    }
}
