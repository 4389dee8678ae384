//! How the bot names its sources, in one place for every front end: each article once, with
//! the sections cited from it, in citation order; written as Markdown (Discord, the Markdown
//! export) or as plain text (the terminal).
//!
//! An entry may cite two parts of one article, and a reader wants the article named once: the
//! copies this replaced had drifted, and the Markdown export listed an article once per section.

use std::fmt::Write as _;

use crate::knowledge::{Entry, KnowledgeBase, Source};

/// One article as cited: the source and the sections cited from it (possibly none).
#[derive(Debug, Clone)]
pub struct Cited<'a> {
    pub source: &'a Source,
    pub sections: Vec<&'a str>,
}

/// `citations` grouped by article, in the order each article is first cited; blank and
/// repeated sections are left out.
pub fn by_article<'a>(
    citations: impl IntoIterator<Item = (&'a Source, &'a str)>,
) -> Vec<Cited<'a>> {
    let mut grouped: Vec<Cited<'a>> = Vec::new();
    for (source, section) in citations {
        let section = section.trim();
        let at = match grouped.iter().position(|c| c.source.id == source.id) {
            Some(at) => at,
            None => {
                grouped.push(Cited {
                    source,
                    sections: Vec::new(),
                });
                grouped.len() - 1
            }
        };
        let sections = &mut grouped[at].sections;
        if !section.is_empty() && !sections.contains(&section) {
            sections.push(section);
        }
    }
    grouped
}

/// An entry's citations, resolved against the base and grouped by article.
pub fn of_entry<'a>(kb: &'a KnowledgeBase, entry: &'a Entry) -> Vec<Cited<'a>> {
    by_article(
        entry
            .sources
            .iter()
            .filter_map(|c| kb.source(&c.id).map(|s| (s, c.section.as_str()))),
    )
}

impl<'a> Cited<'a> {
    /// An article cited as a whole (as `/about` and the export's source list name them).
    pub fn whole(source: &'a Source) -> Cited<'a> {
        Cited {
            source,
            sections: Vec::new(),
        }
    }

    /// `[Title](url), Publisher (section; section)`; without the link when the source has no
    /// public copy. The title loses any brackets, and the URL is made safe inside `(...)`, so
    /// the link is always whole.
    pub fn markdown(&self) -> String {
        let title = self.source.title.replace(['[', ']'], "");
        let publisher = self.source.publisher.trim();
        let mut out = match &self.source.url {
            Some(url) => format!("[{}]({}), {publisher}", title.trim(), link_target(url)),
            None => format!("{}, {publisher}", title.trim()),
        };
        self.push_sections(&mut out);
        out
    }

    /// `Title, Publisher (section; section) <url>`, for a terminal.
    pub fn plain(&self) -> String {
        let mut out = format!(
            "{}, {}",
            self.source.title.trim(),
            self.source.publisher.trim()
        );
        self.push_sections(&mut out);
        if let Some(url) = &self.source.url {
            write!(out, " <{}>", url.trim()).ok();
        }
        out
    }

    fn push_sections(&self, out: &mut String) {
        if !self.sections.is_empty() {
            write!(out, " ({})", self.sections.join("; ")).ok();
        }
    }
}

/// A URL safe inside Markdown's `(...)`.
fn link_target(url: &str) -> String {
    url.trim()
        .replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(id: &str, url: Option<&str>) -> Source {
        Source {
            id: id.into(),
            file: None,
            title: format!("Article [{id}]"),
            publisher: "Publisher".into(),
            url: url.map(str::to_string),
            note: None,
        }
    }

    #[test]
    fn each_article_once_with_its_sections() {
        let a = source("a", Some("https://example.org/a (1)"));
        let b = source("b", None);
        let grouped = by_article([(&a, "Causes"), (&b, " "), (&a, "Treatment"), (&a, "Causes")]);
        assert_eq!(grouped.len(), 2);
        assert_eq!(grouped[0].sections, vec!["Causes", "Treatment"]);
        assert_eq!(
            grouped[0].markdown(),
            "[Article a](https://example.org/a%20%281%29), Publisher (Causes; Treatment)"
        );
        assert_eq!(grouped[1].markdown(), "Article b, Publisher");
        assert_eq!(
            grouped[0].plain(),
            "Article [a], Publisher (Causes; Treatment) <https://example.org/a (1)>"
        );
    }
}
