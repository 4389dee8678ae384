//! What `calcibot ask --explain` shows a curator: how a message was read (normalised,
//! spell-corrected, rewritten by the lexicon, reduced to terms; the sentences that ask, the
//! aspects they ask and the subjects the message is about) and how the best entries scored
//! on each signal. `Bot::explain` builds it, so the front end never reaches into the analyser
//! or the matcher.

use std::fmt;

use crate::knowledge::Entry;
use crate::language::Analysis;
use crate::matcher::Signals;

/// The reading of one message and its best-scoring entries, best first.
#[derive(Debug)]
pub struct Explanation<'a> {
    /// What the safety layer read: the language, the concepts of each sentence (negated or
    /// excused) and the rules they fired.
    pub(crate) safety: crate::safety::Explanation,
    pub(crate) analysis: Analysis,
    /// The asking sentences, normalised; empty when none asks (the whole message is read).
    pub(crate) focus: Vec<String>,
    pub(crate) aspects: Vec<&'a str>,
    /// The subjects read, strongest first, with how strongly.
    pub(crate) subjects: Vec<(&'a str, f32)>,
    pub(crate) ranked: Vec<(&'a Entry, f32, Signals)>,
}

impl Explanation<'_> {
    /// What the safety layer read.
    pub fn safety(&self) -> &crate::safety::Explanation {
        &self.safety
    }
}

impl fmt::Display for Explanation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.safety)?;
        let a = &self.analysis;
        writeln!(f, "normalised: {}", a.normalized)?;
        writeln!(f, "spelled:    {}", a.spelled)?;
        writeln!(f, "rewritten:  {}", a.rewritten)?;
        writeln!(f, "terms:      {}", a.terms.join(" "))?;
        if self.focus.is_empty() {
            writeln!(f, "focus:      (no sentence asks; the whole message)")?;
        }
        for sentence in &self.focus {
            writeln!(f, "focus:      {sentence}")?;
        }
        writeln!(f, "aspects:    {}", self.aspects.join(" "))?;
        let subjects: Vec<String> = self
            .subjects
            .iter()
            .map(|(id, strength)| format!("{id} ({strength:.1})"))
            .collect();
        writeln!(f, "subjects:   {}", subjects.join(" "))?;
        for (entry, score, s) in &self.ranked {
            writeln!(
                f,
                "  {score:.3} {:<30} phrase {:.2} coverage {:.2} keywords {:.2}{} focus {} facet {:.2}",
                entry.id,
                s.phrase,
                s.coverage,
                s.keywords,
                if s.pattern { " pattern" } else { "" },
                s.focus.map_or("-".to_string(), |f| format!("{f:.2}")),
                s.facet,
            )?;
        }
        Ok(())
    }
}
