//! A rule made of patterns and exceptions, tried against every form of a message.
//!
//! The safety layer and the scope layer both say "this kind of message, unless that": one type
//! runs both, so they read messages the same way (as typed, spell-corrected and rewritten).

use std::collections::BTreeMap;

use regex::RegexSet;

use crate::language::Analysis;

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
    ) -> Result<Rule, regex::Error> {
        let expand_all =
            |list: &[String]| -> Vec<String> { list.iter().map(|p| expand(p, sets)).collect() };
        Ok(Rule {
            patterns: RegexSet::new(expand_all(patterns))?,
            unless: RegexSet::new(expand_all(unless))?,
            forms,
        })
    }

    /// Whether a pattern matches some form of the message and no exception matches any.
    pub fn matches(&self, analysis: &Analysis) -> bool {
        let forms = match self.forms {
            Forms::All => analysis.texts(),
            Forms::Typed => analysis.typed_texts(),
        };
        let forms: Vec<&str> = forms.collect();
        forms.iter().any(|t| self.patterns.is_match(t))
            && !forms.iter().any(|t| self.unless.is_match(t))
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
