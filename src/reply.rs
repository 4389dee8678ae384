//! The reply: what the core decided to say, as data for every front end to render.
//!
//! A `Reply` borrows its texts from the knowledge base, so composing one allocates little. The
//! constructor is the only way to build one, and it always attaches the disclaimer, and the
//! sources of any entry it carries: no reply with medical content can leave without both.

use serde::Serialize;

use crate::knowledge::{Entry, KnowledgeBase, Source};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// One entry answers the question.
    Answer,
    /// Two or three entries could; the asker chooses.
    Clarify,
    /// Nothing in the base does: say so, and offer what we know.
    NoMatch,
    /// Red-flag symptoms: urgent-care advice first, then any matching entry.
    Urgent,
    /// Self-harm or suicide: crisis advice and nothing else medical.
    Crisis,
    /// Greetings, thanks, help.
    Smalltalk,
}

impl ReplyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyKind::Answer => "answer",
            ReplyKind::Clarify => "clarify",
            ReplyKind::NoMatch => "no_match",
            ReplyKind::Urgent => "urgent",
            ReplyKind::Crisis => "crisis",
            ReplyKind::Smalltalk => "smalltalk",
        }
    }
}

/// A source as cited by an entry: the article and the part of it that supports the answer.
#[derive(Debug, Clone, Copy)]
pub struct Citation<'a> {
    pub source: &'a Source,
    pub section: &'a str,
}

#[derive(Debug, Clone)]
pub struct Reply<'a> {
    pub kind: ReplyKind,
    /// The entry answered (for `Answer`, and for `Urgent` when a topic matched too).
    pub entry: Option<&'a Entry>,
    /// The choices of a `Clarify`, or the topics a `NoMatch` suggests.
    pub candidates: Vec<&'a Entry>,
    /// The matcher's score for the best entry (1 for an entry chosen by id).
    pub score: f32,
    /// Shown first and prominently: the urgent or crisis advice.
    pub alert: Option<&'a str>,
    /// Set when the message asked about a personal dose or a change of medicine.
    pub dosing: Option<&'a str>,
    /// The bot's own words: small talk, or the lead-in of a clarify or no-match.
    pub message: Option<&'a str>,
    /// The sources of `entry`, resolved.
    pub sources: Vec<Citation<'a>>,
    /// Entries related to `entry`.
    pub related: Vec<&'a Entry>,
    /// The other questions the message asked, each answered by its own entry: offered after
    /// the answer ("You also asked about ...").
    pub also: Vec<&'a Entry>,
    /// The shared "get help now" line, when `entry` talks about infection or tissue death.
    pub help_now: Option<&'a str>,
    pub disclaimer: &'a str,
}

impl<'a> Reply<'a> {
    /// A reply of `kind`, with the disclaimer, and with `entry`'s sources and related topics.
    pub fn new(
        kb: &'a KnowledgeBase,
        kind: ReplyKind,
        entry: Option<&'a Entry>,
        score: f32,
    ) -> Reply<'a> {
        let sources = entry
            .map(|e| {
                e.sources
                    .iter()
                    .filter_map(|c| {
                        kb.source(&c.id).map(|source| Citation {
                            source,
                            section: &c.section,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let related = entry
            .map(|e| e.related.iter().filter_map(|id| kb.entry(id)).collect())
            .unwrap_or_default();
        Reply {
            kind,
            entry,
            candidates: Vec::new(),
            score,
            alert: None,
            dosing: None,
            message: None,
            sources,
            related,
            also: Vec::new(),
            help_now: entry
                .filter(|e| e.help_now)
                .map(|_| kb.safety.help_now.trim()),
            disclaimer: &kb.safety.disclaimer,
        }
    }

    /// Each cited source once, with the sections cited from it, in citation order: an entry
    /// may cite two parts of one article, and a reader wants the article named once.
    pub fn sources_by_article(&self) -> Vec<(&'a Source, Vec<&'a str>)> {
        let mut grouped: Vec<(&Source, Vec<&str>)> = Vec::new();
        for citation in &self.sources {
            let section = citation.section.trim();
            let slot = match grouped.iter().position(|(s, _)| s.id == citation.source.id) {
                Some(i) => &mut grouped[i].1,
                None => {
                    grouped.push((citation.source, Vec::new()));
                    &mut grouped.last_mut().expect("just pushed").1
                }
            };
            if !section.is_empty() && !slot.contains(&section) {
                slot.push(section);
            }
        }
        grouped
    }

    /// Flags as the CLI's JSON names them.
    pub fn flags(&self) -> Vec<&'static str> {
        if self.dosing.is_some() {
            vec!["dosing"]
        } else {
            Vec::new()
        }
    }
}
