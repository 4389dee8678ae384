//! Red flags, checked before any matching: urgent symptoms, crisis, and personal dosing.
//!
//! The patterns are data (`knowledge/safety.toml`); this module only runs them. Each pattern is
//! tried against every form of the message the analyser produced (as typed, spell-corrected and
//! rewritten by the lexicon), so case, punctuation, typos and extra words do not hide a flag.

use crate::knowledge::{SafetyConfig, SafetyRule};
use crate::language::Analysis;
use crate::patterns::{Forms, Rule};

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
pub struct Safety {
    urgent: Rule,
    crisis: Rule,
    dosing: Rule,
}

impl Safety {
    pub fn new(config: &SafetyConfig) -> Result<Safety, crate::patterns::Error> {
        let rule = |r: &SafetyRule| Rule::new(&r.patterns, &r.unless, &config.sets, Forms::All);
        Ok(Safety {
            urgent: rule(&config.urgent)?,
            crisis: rule(&config.crisis)?,
            dosing: rule(&config.dosing)?,
        })
    }

    pub fn check(&self, analysis: &Analysis) -> Flags {
        Flags {
            urgent: self.urgent.matches(analysis),
            crisis: self.crisis.matches(analysis),
            dosing: self.dosing.matches(analysis),
        }
    }
}
