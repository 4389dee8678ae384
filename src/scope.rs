//! Questions the sources do not cover (other doctors' names, limescale, pets, benefits...),
//! recognised by `knowledge/scope.toml` so the reply can say why it can't help rather than
//! stretch the nearest entry to fit; and remedies the sources never mention, named as such
//! before the answer about home care.

use std::collections::BTreeMap;

use crate::knowledge::{Outside, Unmentioned};
use crate::language::Analysis;
use crate::patterns::{compile_set, Forms, RegexSet, Rule};

#[derive(Debug)]
pub struct Scope {
    rules: Vec<(Rule, Outside)>,
    remedies: Vec<(Rule, Unmentioned)>,
    /// The message speaks of deposits in the skin (`skin` in `knowledge/facets.toml`).
    skin: RegexSet,
}

impl Scope {
    pub fn new(
        outside: &[Outside],
        unmentioned: &[Unmentioned],
        skin: &[String],
    ) -> Result<Scope, crate::patterns::Error> {
        let remedies = unmentioned
            .iter()
            .map(|u| Ok((typed_rule(&u.patterns, &[])?, u.clone())))
            .collect::<Result<_, crate::patterns::Error>>()?;
        let rules = outside
            .iter()
            .map(|o| Ok((typed_rule(&o.patterns, &o.unless)?, o.clone())))
            .collect::<Result<_, crate::patterns::Error>>()?;
        Ok(Scope {
            rules,
            remedies,
            skin: compile_set(skin)?,
        })
    }

    /// The first kind of out-of-scope question this message is, if any. A message that
    /// speaks of deposits in the skin is read only in the `sentences` that say what it asks
    /// about (`Reading::topical`): "walking the dog again" in a story about a lump on the wrist
    /// is not a question about pets, while a story about a kidney stone stays one to the end.
    /// Words that show it is in scope after all count anywhere.
    pub fn find(&self, analysis: &Analysis, sentences: u64) -> Option<&Outside> {
        let skin = analysis
            .typed_texts()
            .any(|t| self.skin.is_match(t.as_bytes()));
        let sentences = if skin { sentences } else { u64::MAX };
        self.rules
            .iter()
            .find(|(rule, _)| rule.matches_in(analysis, sentences))
            .map(|(_, outside)| outside)
    }

    /// The first remedy named in `sentences` that the sources never mention, if any: "even an
    /// essential oil thing" in a story asking about surgery is not a question about oils.
    pub fn unmentioned(&self, analysis: &Analysis, sentences: u64) -> Option<&Unmentioned> {
        self.remedies
            .iter()
            .find(|(rule, _)| rule.matches_in(analysis, sentences))
            .map(|(_, remedy)| remedy)
    }
}

/// A rule read in the message as typed and spell-corrected (not as the lexicon rewrote it: the
/// user's own words say what they ask about); scope patterns use no `{set}` names.
fn typed_rule(patterns: &[String], unless: &[String]) -> Result<Rule, crate::patterns::Error> {
    Rule::new(patterns, unless, &BTreeMap::new(), Forms::Typed)
}
