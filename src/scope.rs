//! Questions the sources do not cover (other doctors' names, limescale, pets, benefits...),
//! recognised by `knowledge/scope.toml` so the reply can say why it can't help rather than
//! stretch the nearest entry to fit; and remedies the sources never mention, named as such
//! before the answer about home care.

use std::collections::BTreeMap;

use crate::knowledge::{Outside, Unmentioned};
use crate::language::Analysis;
use crate::patterns::{Forms, Rule};

#[derive(Debug)]
pub struct Scope {
    rules: Vec<(Rule, Outside)>,
    remedies: Vec<(Rule, Unmentioned)>,
}

impl Scope {
    pub fn new(
        outside: &[Outside],
        unmentioned: &[Unmentioned],
    ) -> Result<Scope, crate::patterns::Error> {
        let no_sets = BTreeMap::new();
        let remedies = unmentioned
            .iter()
            .map(|u| {
                Ok((
                    Rule::new(&u.patterns, &[], &no_sets, Forms::Typed)?,
                    u.clone(),
                ))
            })
            .collect::<Result<_, crate::patterns::Error>>()?;
        let rules = outside
            .iter()
            .map(|o| {
                Ok((
                    Rule::new(&o.patterns, &o.unless, &no_sets, Forms::Typed)?,
                    o.clone(),
                ))
            })
            .collect::<Result<_, crate::patterns::Error>>()?;
        Ok(Scope { rules, remedies })
    }

    /// The first kind of out-of-scope question this message is, if any.
    pub fn find(&self, analysis: &Analysis) -> Option<&Outside> {
        self.rules
            .iter()
            .find(|(rule, _)| rule.matches(analysis))
            .map(|(_, outside)| outside)
    }

    /// The first remedy this message names that the sources never mention, if any.
    pub fn unmentioned(&self, analysis: &Analysis) -> Option<&Unmentioned> {
        self.remedies
            .iter()
            .find(|(rule, _)| rule.matches(analysis))
            .map(|(_, remedy)| remedy)
    }
}
