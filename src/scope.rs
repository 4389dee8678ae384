//! Questions the sources do not cover (other doctors' names, limescale, pets, benefits...),
//! recognised by `knowledge/scope.toml` so the reply can say why it can't help rather than
//! stretch the nearest entry to fit.

use std::collections::BTreeMap;

use crate::knowledge::Outside;
use crate::language::Analysis;
use crate::patterns::{Forms, Rule};

#[derive(Debug)]
pub struct Scope {
    rules: Vec<(Rule, Outside)>,
}

impl Scope {
    pub fn new(outside: &[Outside]) -> Result<Scope, crate::patterns::Error> {
        let no_sets = BTreeMap::new();
        let rules = outside
            .iter()
            .map(|o| {
                Ok((
                    Rule::new(&o.patterns, &o.unless, &no_sets, Forms::Typed)?,
                    o.clone(),
                ))
            })
            .collect::<Result<_, crate::patterns::Error>>()?;
        Ok(Scope { rules })
    }

    /// The first kind of out-of-scope question this message is, if any.
    pub fn find(&self, analysis: &Analysis) -> Option<&Outside> {
        self.rules
            .iter()
            .find(|(rule, _)| rule.matches(analysis))
            .map(|(_, outside)| outside)
    }
}
