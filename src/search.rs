//! Finding topics by name: what `/topic` suggests as someone types, and what the terminal's
//! `topics WORDS` lists. This is a look-up of titles for a person browsing, not the matcher:
//! every word typed must appear, and titles that start with the text come first.

use crate::knowledge::{Entry, KnowledgeBase};

/// The entries whose title, id, keywords or phrasings hold every word of `query`, best first:
/// titles that start with the query, then titles that hold it, then titles that hold every
/// word, then the rest; ties in theme order. An empty query lists every entry in theme order.
pub fn topics<'a>(kb: &'a KnowledgeBase, query: &str) -> Vec<&'a Entry> {
    let query = query.trim().to_lowercase();
    let words: Vec<&str> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut ranked: Vec<(u8, usize, &Entry)> = Vec::new();
    let in_theme_order = kb.themes().into_iter().flat_map(|(_, entries)| entries);
    for (order, entry) in in_theme_order.enumerate() {
        let title = entry.title.to_lowercase();
        let rank = if words.is_empty() || title.starts_with(&query) {
            0
        } else if title.contains(&query) {
            1
        } else if words.iter().all(|w| title.contains(w)) {
            2
        } else {
            let haystack = format!(
                "{} {} {} {}",
                title,
                entry.id,
                entry.keywords.join(" "),
                entry.questions.join(" ")
            )
            .to_lowercase();
            if words.iter().all(|w| haystack.contains(w)) {
                3
            } else {
                continue;
            }
        };
        ranked.push((rank, order, entry));
    }
    ranked.sort_by_key(|&(rank, order, _)| (rank, order));
    ranked.into_iter().map(|(_, _, entry)| entry).collect()
}

/// The entry named exactly: by id, or by its title ignoring case (as `/topic` receives a
/// picked choice or typed text).
pub fn exact<'a>(kb: &'a KnowledgeBase, name: &str) -> Option<&'a Entry> {
    let name = name.trim();
    kb.entry(name).or_else(|| {
        kb.entries
            .iter()
            .find(|e| e.title.trim().eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_title_start_then_words_anywhere() {
        let kb = KnowledgeBase::builtin().expect("the built-in base loads");
        let all = topics(&kb, "  ");
        assert_eq!(all.len(), kb.entries.len());
        let last = kb.entries.last().expect("an entry");
        assert_eq!(topics(&kb, &last.title)[0].id, last.id);
        let prefix: String = last.title.chars().take(12).collect();
        assert!(topics(&kb, &prefix.to_uppercase())
            .iter()
            .any(|e| e.id == last.id));
        assert!(topics(&kb, "zzzz qqqq").is_empty());
        assert_eq!(
            exact(&kb, &last.title.to_uppercase()).map(|e| &e.id),
            Some(&last.id)
        );
        assert_eq!(exact(&kb, &last.id).map(|e| &e.id), Some(&last.id));
    }
}
