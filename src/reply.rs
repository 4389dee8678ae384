//! The reply: what the core decided to say, as data for every front end to render.
//!
//! A `Reply` borrows its texts from the knowledge base, so composing one allocates little. Only
//! the core builds one (its fields are private to the crate; front ends read them through
//! getters, as grep-searcher's `SinkMatch` is read), and the constructor always attaches the
//! disclaimer, and the sources of any entry it carries: no reply with medical content can leave
//! without both, and no front end or test can forge a reply the core would never make.

use serde::Serialize;

use crate::knowledge::{Entry, KnowledgeBase, Source};
use crate::sources::{self, Cited};

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
    pub(crate) source: &'a Source,
    pub(crate) section: &'a str,
}

impl<'a> Citation<'a> {
    pub fn source(&self) -> &'a Source {
        self.source
    }

    pub fn section(&self) -> &'a str {
        self.section
    }
}

#[derive(Debug, Clone)]
pub struct Reply<'a> {
    pub(crate) kind: ReplyKind,
    /// The entry answered (for `Answer`, and for `Urgent` when a topic matched too).
    pub(crate) entry: Option<&'a Entry>,
    /// The choices of a `Clarify`, or the topics a `NoMatch` suggests.
    pub(crate) candidates: Vec<&'a Entry>,
    /// The matcher's score for the best entry (1 for an entry chosen by id).
    pub(crate) score: f32,
    /// Shown first and prominently: the urgent or crisis advice.
    pub(crate) alert: Option<&'a str>,
    /// Set when the message asked about a personal dose or a change of medicine.
    pub(crate) dosing: Option<&'a str>,
    /// The bot's own words: small talk, or the lead-in of a clarify or no-match.
    pub(crate) message: Option<&'a str>,
    /// The sources of `entry`, resolved.
    pub(crate) sources: Vec<Citation<'a>>,
    /// Entries related to `entry`.
    pub(crate) related: Vec<&'a Entry>,
    /// The other questions the message asked, each answered by its own entry: offered after
    /// the answer ("You also asked about ...").
    pub(crate) also: Vec<&'a Entry>,
    /// The shared "get help now" line, when `entry` talks about infection or tissue death.
    pub(crate) help_now: Option<&'a str>,
    pub(crate) disclaimer: &'a str,
    /// The language the bot's own words are in (a code such as "en" or "fr"): safety texts
    /// and the language note follow the writer's language; answers are in English.
    pub(crate) language: &'a str,
    /// For a message in another language: a short note, in that language where the bot has
    /// one, that it answers in English.
    pub(crate) language_note: Option<&'a str>,
}

impl<'a> Reply<'a> {
    /// A reply of `kind`, with the disclaimer, and with `entry`'s sources and related topics.
    pub(crate) fn new(
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
            score: score.min(1.0),
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
            language: "en",
            language_note: None,
        }
    }

    /// Each cited source once, with the sections cited from it, in citation order.
    pub fn sources_by_article(&self) -> Vec<Cited<'a>> {
        sources::by_article(self.sources.iter().map(|c| (c.source, c.section)))
    }

    pub fn kind(&self) -> ReplyKind {
        self.kind
    }

    /// The entry answered (for `Answer`, and for `Urgent` when a topic matched too).
    pub fn entry(&self) -> Option<&'a Entry> {
        self.entry
    }

    /// The choices of a `Clarify`, or the topics a `NoMatch` suggests.
    pub fn candidates(&self) -> &[&'a Entry] {
        &self.candidates
    }

    /// The matcher's score for the best entry (1 for an entry chosen by id).
    pub fn score(&self) -> f32 {
        self.score
    }

    /// The urgent or crisis advice, shown first and prominently.
    pub fn alert(&self) -> Option<&'a str> {
        self.alert
    }

    /// The prescriber notice, when the message asked about a personal dose or a change.
    pub fn dosing(&self) -> Option<&'a str> {
        self.dosing
    }

    /// The bot's own words: small talk, or the lead-in of a clarify or no-match.
    pub fn message(&self) -> Option<&'a str> {
        self.message
    }

    /// The sources of `entry`, in citation order.
    pub fn sources(&self) -> &[Citation<'a>] {
        &self.sources
    }

    /// Entries related to `entry`.
    pub fn related(&self) -> &[&'a Entry] {
        &self.related
    }

    /// The other questions the message asked, each answered by its own entry.
    pub fn also(&self) -> &[&'a Entry] {
        &self.also
    }

    /// The shared "get help now" line, when `entry` talks about infection or tissue death.
    pub fn help_now(&self) -> Option<&'a str> {
        self.help_now
    }

    /// The language of the bot's own words: safety texts and the language note ("en", "fr").
    pub fn language(&self) -> &'a str {
        self.language
    }

    /// The note that calcibot answers in English, for a message in another language.
    pub fn language_note(&self) -> Option<&'a str> {
        self.language_note
    }

    /// The seek-care disclaimer every reply carries (a crisis reply's own short footer, which
    /// carries no medical disclaimer).
    pub fn disclaimer(&self) -> &'a str {
        self.disclaimer
    }

    /// Whether this is safety advice (urgent or crisis): never held back by a cooldown, and
    /// given every chance to be delivered.
    pub fn is_alert(&self) -> bool {
        matches!(self.kind, ReplyKind::Urgent | ReplyKind::Crisis)
    }

    /// Whether the core is sure of this answer: an entry chosen by the user, or one the matcher
    /// scored at its "sure" level, above its bar for answering a question put to it. Chatter
    /// such as "what's the weather like today" can clear the lower bar; a front end that
    /// speaks unasked (an auto-answer channel) waits for this one.
    pub fn is_sure(&self) -> bool {
        self.kind == ReplyKind::Answer && self.score >= crate::matcher::SURE_SCORE
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
