//! Patterns: how every regular expression in the knowledge base is compiled and checked, and a
//! rule made of patterns and exceptions, tried against every form of a message.
//!
//! Patterns run on normalised text (lowercase ASCII words, in practice), so they are compiled
//! as byte patterns without Unicode classes: `\b` and `\w` mean ASCII, and compiling the whole
//! base takes a few milliseconds instead of tens.
//!
//! The safety layer and the scope layer both say "this kind of message, unless that": `Rule`
//! runs both, so they read messages the same way (as typed, spell-corrected and rewritten).

use std::collections::BTreeMap;

pub use regex::bytes::RegexSet;
pub use regex::Error;

use crate::language::Analysis;

/// The lazy DFA cache of each pattern set (see `compile_set`).
const LAZY_DFA_CACHE_BYTES: usize = 16 << 20;

/// Compiles patterns into one set, the way every pattern of the base is compiled.
pub fn compile_set<I, S>(patterns: I) -> Result<RegexSet, Error>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    regex::bytes::RegexSetBuilder::new(patterns)
        .unicode(false)
        // The lazy DFA of a set of many intent patterns needs more states than the default
        // cache holds: past it, the cache is cleared and states are rebuilt on every message,
        // which cost several times the rest of a reply. The cache grows only as states are met.
        .dfa_size_limit(LAZY_DFA_CACHE_BYTES)
        .build()
}

/// Whether `pattern` is a valid pattern, without the cost of compiling it; `Err` says why not.
pub fn check_syntax(pattern: &str) -> Result<(), String> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map(|_| ())
        .map_err(|err| {
            err.to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
}

#[derive(Debug)]
pub struct Rule {
    patterns: RegexSet,
    unless: RegexSet,
    forms: Forms,
}

/// Which forms of a message a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forms {
    /// As typed, spell-corrected, and rewritten by the lexicon: for red flags, where any
    /// reading that raises a flag should raise it.
    All,
    /// As typed and spell-corrected only: for rules about the user's own words, where the
    /// lexicon's rewriting ("calcium deposits" -> "calcinosis") would blur what they said.
    Typed,
}

impl Rule {
    /// A rule from pattern texts; `{name}` in a pattern stands for `sets[name]`.
    pub fn new(
        patterns: &[String],
        unless: &[String],
        sets: &BTreeMap<String, String>,
        forms: Forms,
    ) -> Result<Rule, Error> {
        let expand_all =
            |list: &[String]| -> Vec<String> { list.iter().map(|p| expand(p, sets)).collect() };
        Ok(Rule {
            patterns: compile_set(expand_all(patterns))?,
            unless: compile_set(expand_all(unless))?,
            forms,
        })
    }

    /// Whether a pattern matches some form of one of the sentences in `sentences` (a bit set,
    /// see `language::sentence_bit`) and no exception matches any form of the whole message:
    /// "walking the dog again" in a story does not make its question one about animals.
    pub fn matches_in(&self, analysis: &Analysis, sentences: u64) -> bool {
        let found = analysis
            .sentences
            .iter()
            .enumerate()
            .filter(|(i, _)| sentences & crate::language::sentence_bit(*i) != 0)
            .any(|(_, span)| {
                let mut forms = match self.forms {
                    Forms::All => analysis.sentence_texts(span),
                    Forms::Typed => analysis.sentence_typed_texts(span),
                };
                forms.any(|t| self.patterns.is_match(t.as_bytes()))
            });
        let forms = match self.forms {
            Forms::All => analysis.texts(),
            Forms::Typed => analysis.typed_texts(),
        };
        found
            && !forms
                .into_iter()
                .any(|t| self.unless.is_match(t.as_bytes()))
    }

    /// Whether a pattern matches some form of the message and no exception matches any.
    pub fn matches(&self, analysis: &Analysis) -> bool {
        let forms = match self.forms {
            Forms::All => analysis.texts(),
            Forms::Typed => analysis.typed_texts(),
        };
        let forms: Vec<&str> = forms.collect();
        forms.iter().any(|t| self.patterns.is_match(t.as_bytes()))
            && !forms.iter().any(|t| self.unless.is_match(t.as_bytes()))
    }
}

/// `pattern` with every `{name}` replaced by the set of that name, as a group.
pub fn expand(pattern: &str, sets: &BTreeMap<String, String>) -> String {
    let mut out = pattern.to_string();
    for (name, alternation) in sets {
        let placeholder = format!("{{{name}}}");
        if out.contains(&placeholder) {
            out = out.replace(&placeholder, &format!("(?:{alternation})"));
        }
    }
    out
}
