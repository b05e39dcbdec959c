//! Synthetic articles for benchmarks and memory tests: news-like text of a given size with
//! a given number of spans, deterministic for a seed, with the hazards real text brings
//! (accents, curly quotes, guillemets, emoji) so the tables are exercised.

use super::{Annotations, ArticleMeta, Command, Document, Span, Text};

const WORDS: &[&str] = &[
    "Lavrov",
    "said",
    "the",
    "ministry",
    "in",
    "Cairo",
    "would",
    "«not",
    "accept»",
    "any",
    "deadline",
    "for",
    "talks",
    "on",
    "Libya",
    "—",
    "officials",
    "José",
    "Álvarez",
    "reported",
    "that",
    "🇪🇬",
    "protesters",
    "gathered",
    "Tahrir",
    "Square",
    "“again”",
    "after",
    "NATO",
    "members",
    "Łódź",
];
const LABELS: &[&str] = &["claim", "quote", "location", "actor"];

/// A small deterministic generator (64-bit LCG); benchmarks need repeatable inputs, not
/// good randomness.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

/// An article of about `chars` chars in paragraphs of about 600, with `spans` spans of one
/// to six words, some overlapping.
pub fn article(seed: u64, chars: usize, spans: usize) -> Document {
    let mut rng = Lcg(seed.wrapping_add(1));
    let mut string = String::with_capacity(chars * 2);
    let mut word_starts = Vec::new();
    let mut len = 0;
    let mut paragraph = 0;
    while len < chars {
        let word = WORDS[rng.next(WORDS.len())];
        word_starts.push((len, word.chars().count()));
        string.push_str(word);
        len += word.chars().count();
        paragraph += word.len();
        if paragraph > 600 {
            string.push('\n');
            paragraph = 0;
        } else {
            string.push(' ');
        }
        len += 1;
    }
    let text = Text::new(string);
    let mut made = Vec::with_capacity(spans);
    for id in 1..=spans as u64 {
        let first = rng.next(word_starts.len());
        let last = (first + rng.next(6)).min(word_starts.len() - 1);
        let (start, _) = word_starts[first];
        let (last_start, last_len) = word_starts[last];
        let label = LABELS[rng.next(LABELS.len())];
        made.push(Span::new(id, label, start..last_start + last_len, &text));
    }
    // Ids are unique by construction; an identical (range, label) twice is allowed.
    let annotations = Annotations::from_parts(made, Vec::new()).unwrap_or_default();
    Document::new(
        text,
        ArticleMeta::utf8(format!("article-{seed:05}.txt")),
        annotations,
    )
}

/// Links a generated article as an analyst would have: each actor span to one of
/// `entities` (chosen by span id), and each quote and claim to one of the actor spans
/// through `said_by`: the inputs of the entity index's benchmark and tests.
pub fn link_entities(document: &mut Document, entities: &[&str]) {
    if entities.is_empty() {
        return;
    }
    let spans = document.annotations().spans().to_vec();
    let actors: Vec<&Span> = spans.iter().filter(|s| s.label == "actor").collect();
    for (k, entity) in entities.iter().enumerate() {
        let ids: Vec<_> = actors
            .iter()
            .filter(|a| a.id as usize % entities.len() == k)
            .map(|a| a.id)
            .collect();
        if !ids.is_empty() {
            let command = Command::SetEntity {
                ids,
                entity: Some(entity.to_string()),
            };
            // The ids were just read from the document: the command cannot fail.
            let _ = document.apply(command);
        }
    }
    if actors.is_empty() {
        return;
    }
    for said in spans
        .iter()
        .filter(|s| s.label == "quote" || s.label == "claim")
    {
        let speaker = actors[said.id as usize % actors.len()];
        let _ = document.apply(Command::Link {
            from: said.id,
            to: speaker.id,
            kind: "said_by".into(),
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_articles_keep_the_invariants() {
        let doc = super::article(7, 5_000, 50);
        assert!(doc.text().len_chars() >= 5_000);
        assert_eq!(doc.annotations().len(), 50);
        doc.annotations().check_invariants(doc.text()).unwrap();
        assert_eq!(
            super::article(7, 5_000, 50).text().as_str(),
            doc.text().as_str()
        );
    }
}
