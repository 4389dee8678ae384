//! The checks of the knowledge base that need the modules reading it: do the patterns compile
//! (as `crate::patterns` compiles them), does every `{set}` a safety pattern names exist, is
//! the lexicon written in the normal form `crate::language` produces, can every language's
//! terms be matched (as `crate::safety` prepares them) and its language be detected.
//!
//! They live here, beside `calcibot check`, rather than in `knowledge/`, so that the base stays
//! data that does not know who reads it, and no import circle runs knowledge -> patterns ->
//! language -> knowledge. `load` hands them to the loader, so one run reports every problem.

use std::path::Path;

use crate::knowledge::{KnowledgeBase, KnowledgeError, Problem};
use crate::language::{detect, normalize};
use crate::patterns;
use crate::safety;

/// The base from `dir` (or the built-in one), with every problem of the data and of the
/// patterns and lexicon reported together.
pub fn load(dir: Option<&Path>) -> Result<KnowledgeBase, KnowledgeError> {
    KnowledgeBase::load_checked(dir, &problems)
}

/// Every problem the readers' checks find in a base that is sound as data.
pub fn problems(kb: &KnowledgeBase) -> Vec<Problem> {
    let mut problems = Vec::new();
    for entry in &kb.entries {
        compiles(&entry.file, Some(&entry.id), &entry.patterns, &mut problems);
    }
    for talk in &kb.smalltalk {
        compiles(
            "smalltalk.toml",
            Some(&talk.id),
            &talk.patterns,
            &mut problems,
        );
    }
    for outside in &kb.outside {
        let patterns = outside.patterns.iter().chain(&outside.unless);
        compiles("scope.toml", Some(&outside.id), patterns, &mut problems);
    }
    for remedy in &kb.unmentioned {
        compiles(
            "scope.toml",
            Some(&remedy.id),
            &remedy.patterns,
            &mut problems,
        );
    }
    for about in &kb.about {
        compiles(
            "about.toml",
            Some(&about.id),
            &about.patterns,
            &mut problems,
        );
    }
    let facets = &kb.facets;
    compiles("facets.toml", Some("asking"), &facets.asking, &mut problems);
    compiles("facets.toml", Some("domain"), &facets.domain, &mut problems);
    compiles("facets.toml", Some("skin"), &facets.skin, &mut problems);
    for aspect in &facets.aspect {
        compiles("facets.toml", Some(&aspect.id), &aspect.cues, &mut problems);
    }
    for subject in &facets.subject {
        compiles(
            "facets.toml",
            Some(&subject.id),
            &subject.cues,
            &mut problems,
        );
    }
    safety_patterns(kb, &mut problems);
    lexicon(kb, &mut problems);
    languages(kb, &mut problems);
    problems
}

fn problem(file: &str, item: Option<&str>, message: String) -> Problem {
    Problem {
        file: file.to_string(),
        item: item.map(str::to_string),
        message,
    }
}

/// A problem for each pattern that does not compile.
fn compiles<'a>(
    file: &str,
    item: Option<&str>,
    patterns: impl IntoIterator<Item = &'a String>,
    problems: &mut Vec<Problem>,
) {
    for pattern in patterns {
        if let Err(err) = patterns::check_syntax(pattern) {
            problems.push(problem(
                file,
                item,
                format!("pattern '{pattern}' does not compile: {err}"),
            ));
        }
    }
}

fn safety_patterns(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    let safety = &kb.safety;
    for (name, rule) in [
        ("urgent", &safety.urgent),
        ("crisis", &safety.crisis),
        ("dosing", &safety.dosing),
    ] {
        for pattern in rule.patterns.iter().chain(&rule.unless) {
            let expanded = patterns::expand(pattern, &safety.sets);
            if let Some(unknown) = unknown_set(&expanded) {
                problems.push(problem(
                    "safety.toml",
                    Some(name),
                    format!("pattern '{pattern}' uses {unknown}, which [sets] does not define"),
                ));
                continue;
            }
            if let Err(err) = patterns::check_syntax(&expanded) {
                problems.push(problem(
                    "safety.toml",
                    Some(name),
                    format!("pattern '{pattern}' does not compile: {err}"),
                ));
            }
        }
    }
}

fn lexicon(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    for (from, to) in &kb.lexicon.terms {
        let normal = normalize::normalize(from);
        if normal != *from {
            problems.push(problem(
                "lexicon.toml",
                Some(from),
                format!("key must be written normalised, as '{normal}'"),
            ));
        }
        if normalize::normalize(to).is_empty() {
            problems.push(problem(
                "lexicon.toml",
                Some(from),
                "maps to nothing".into(),
            ));
        }
    }
    for word in &kb.lexicon.stopwords {
        if normalize::normalize(word) != *word {
            problems.push(problem(
                "lexicon.toml",
                Some(word),
                "stopword must be one normalised word".into(),
            ));
        }
    }
}

/// Each language's detector code and terms: the code must be one `whatlang` knows, and every
/// term must prepare into words the safety layer can match.
fn languages(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    for language in &kb.languages {
        let file = format!("languages/{}.toml", language.code);
        if detect::whatlang_lang(&language.whatlang).is_none() {
            problems.push(problem(
                &file,
                Some("whatlang"),
                format!(
                    "'{}' is not a language code the detector knows (ISO 639-3, e.g. 'fra')",
                    language.whatlang
                ),
            ));
        }
        let negation = &language.negation;
        let lists = language
            .concepts
            .iter()
            .map(|(name, terms)| (format!("concepts.{name}"), terms))
            .chain([
                ("negation.before".to_string(), &negation.before),
                ("negation.after".to_string(), &negation.after),
                ("negation.stop".to_string(), &negation.stop),
                ("negation.pseudo".to_string(), &negation.pseudo),
            ])
            .chain(language.exclusions.iter().enumerate().flat_map(|(i, e)| {
                [
                    (format!("exclusions[{i}]"), &e.phrases),
                    (format!("exclusions[{i}].unless"), &e.unless),
                ]
            }));
        for (item, terms) in lists {
            for term in terms {
                let balanced = term.matches('{').count() == term.matches('}').count();
                if nested_braces(term) {
                    problems.push(problem(
                        &file,
                        Some(&item),
                        format!("term '{term}' has a {{...}} inside another: write the variants out in one group ({{cansado,cansada}}, not {{cansad{{o,a}}}})"),
                    ));
                }
                if balanced && safety::has_misplaced_gap(term) {
                    problems.push(problem(
                        &file,
                        Some(&item),
                        format!("term '{term}' has a ~ that is not a word of its own, or begins with one: a ~ stands for any one word after the term's first"),
                    ));
                }
                if balanced && safety::has_unmatchable_spelling(term) {
                    problems.push(problem(
                        &file,
                        Some(&item),
                        format!("term '{term}' has a part with no letters or digits, or a * inside a word (a * ends a word)"),
                    ));
                }
            }
        }
    }
}

/// Whether a term opens a `{` group inside another, which terms do not support: the inner
/// group would be read as text and the term would never match.
fn nested_braces(term: &str) -> bool {
    let mut depth = 0u32;
    for c in term.chars() {
        match c {
            '{' if depth > 0 => return true,
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// A `{name}` left in a pattern after expansion: a set nobody defined.
fn unknown_set(pattern: &str) -> Option<&str> {
    let start = pattern.find('{')?;
    let end = start + pattern[start..].find('}')?;
    let name = &pattern[start + 1..end];
    let is_name = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    if is_name {
        Some(&pattern[start..=end])
    } else {
        unknown_set(&pattern[end + 1..])
    }
}
