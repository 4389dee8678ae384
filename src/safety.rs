//! Red flags, checked before any matching: urgent symptoms, crisis, and personal dosing.
//!
//! The patterns are data (`knowledge/safety.toml`); this module only runs them. Each pattern is
//! tried against every form of the message the analyser produced (as typed, spell-corrected and
//! rewritten by the lexicon), so case, punctuation, typos and extra words do not hide a flag.

use std::collections::BTreeMap;

use regex::RegexSet;

use crate::knowledge::{SafetyConfig, SafetyRule};
use crate::language::Analysis;

/// Which flags a message raises.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// Symptoms that need a doctor now.
    pub urgent: bool,
    /// Self-harm or suicide.
    pub crisis: bool,
    /// A personal dose, or starting, stopping or changing a medicine.
    pub dosing: bool,
}

#[derive(Debug)]
struct Rule {
    patterns: RegexSet,
    unless: RegexSet,
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

impl Rule {
    fn new(rule: &SafetyRule, sets: &BTreeMap<String, String>) -> Result<Rule, regex::Error> {
        let expand_all =
            |list: &[String]| -> Vec<String> { list.iter().map(|p| expand(p, sets)).collect() };
        Ok(Rule {
            patterns: RegexSet::new(expand_all(&rule.patterns))?,
            unless: RegexSet::new(expand_all(&rule.unless))?,
        })
    }

    fn raised_by(&self, analysis: &Analysis) -> bool {
        analysis.texts().any(|t| self.patterns.is_match(t))
            && !analysis.texts().any(|t| self.unless.is_match(t))
    }
}

#[derive(Debug)]
pub struct Safety {
    urgent: Rule,
    crisis: Rule,
    dosing: Rule,
}

impl Safety {
    pub fn new(config: &SafetyConfig) -> Result<Safety, regex::Error> {
        Ok(Safety {
            urgent: Rule::new(&config.urgent, &config.sets)?,
            crisis: Rule::new(&config.crisis, &config.sets)?,
            dosing: Rule::new(&config.dosing, &config.sets)?,
        })
    }

    pub fn check(&self, analysis: &Analysis) -> Flags {
        Flags {
            urgent: self.urgent.raised_by(analysis),
            crisis: self.crisis.raised_by(analysis),
            dosing: self.dosing.raised_by(analysis),
        }
    }
}
