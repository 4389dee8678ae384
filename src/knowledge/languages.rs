//! The safety layer's words in each language it reads (`knowledge/languages/<code>.toml`), and
//! the concepts and rules that combine them (`[concepts]` and `[[rules]]` in `safety.toml`).
//!
//! A red flag is a combination of concepts within one sentence ("chest" + "pain"), so the
//! rules are written once and each language only says which words stand for each concept,
//! which words negate one, and which figures of speech are not alarms. A new language is one
//! new file, and `calcibot check` reads it like every other file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{KnowledgeBase, Problem};

/// One language the safety layer reads.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// ISO 639-1 code ("fr"): the name of the file and the code replies report.
    pub code: String,
    /// The language's name in English, for curators and `--explain`.
    pub name: String,
    /// The ISO 639-3 code the language detector (`whatlang`) uses ("fra").
    pub whatlang: String,
    /// Short words common in this language and rare in the others: when they clearly point to
    /// one language, the detector is not needed (most messages are English, and this is
    /// cheaper than trigram statistics).
    #[serde(default)]
    pub markers: Vec<String>,
    /// Languages easily taken for each other (Spanish, Portuguese, Italian, French) share a
    /// family. When the detector is sure of a language, the safety layer reads its family's
    /// words and English's, and no others: Polish "ropa" (pus) is not read in a Spanish
    /// message about clothes.
    #[serde(default)]
    pub family: Option<String>,
    /// Articles and pronouns this language joins to the next word with an apostrophe ("l'",
    /// "dell'", "j'"), as they read once apostrophes are dropped ("l", "dell", "j"): a term is
    /// also found after one, so "l'amoxicilline" (normalised "lamoxicilline") names a medicine.
    #[serde(default)]
    pub elisions: Vec<String>,
    /// The bot's own words in this language. English takes them from `safety.toml`.
    #[serde(default)]
    pub texts: LanguageTexts,
    #[serde(default)]
    pub negation: Negation,
    /// Concept name (declared in `safety.toml`) -> the words that stand for it. A term is
    /// matched on the normalised message (lowercase, accents dropped), as whole words; a
    /// trailing `*` lets the last word go on ("fever*" meets "feverish"), `{a,b}` spells
    /// variants ("want{,s,ed} to die"), and `~` stands for any one word after the first ("gave
    /// ~ guitar away" meets "gave his guitar away").
    #[serde(default)]
    pub concepts: BTreeMap<String, Vec<String>>,
    /// Figures of speech and other senses that look like a concept but are not one.
    #[serde(default)]
    pub exclusions: Vec<Exclusion>,
    /// How this language writes a temperature as a bare number.
    #[serde(default)]
    pub numbers: Numbers,
}

/// Words that make a bare number a body temperature: "fiebre 39", "hoy 39" (the word before),
/// "39 grados" (the unit after). "I'm 39" stays an age.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Numbers {
    /// Words after which a bare 38 to 42 (or 100 to 106) is a temperature: the fever words, and
    /// the day words people put before it ("today 39").
    #[serde(default)]
    pub temperature_after: Vec<String>,
    /// Units that make the number before them a temperature ("degrees", "grados").
    #[serde(default)]
    pub degrees: Vec<String>,
}

/// The safety texts, the crisis footer and the "I answer in English" note of one language.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageTexts {
    pub crisis: Option<String>,
    pub crisis_footer: Option<String>,
    pub urgent: Option<String>,
    pub dosing: Option<String>,
    pub note: Option<String>,
}

/// NegEx: words that negate a concept before (`before`) or after (`after`) it, within
/// `safety.toml`'s window, unless a word of `stop` ("but") comes between.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Negation {
    #[serde(default)]
    pub before: Vec<String>,
    #[serde(default)]
    pub after: Vec<String>,
    #[serde(default)]
    pub stop: Vec<String>,
    /// Words that end a negation's reach but not a clause's: "and" with a new subject ("no
    /// fever and his finger is black"). A "but" also ends a clause-wide exclusion; these do
    /// not, so "last year I had an infection and my finger went black" stays history.
    #[serde(default)]
    pub pause: Vec<String>,
    /// Phrases that hold a negation word but negate nothing ("can't stop vomiting", "no para
    /// de", "nie mogę złapać oddechu"): NegEx's pseudo-negations.
    #[serde(default)]
    pub pseudo: Vec<String>,
}

/// A phrase that takes the alarm out of a concept: "dying to know" is not dying.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// The phrases, written like concept terms.
    pub phrases: Vec<String>,
    /// The concepts it cancels; empty means every concept it overlaps.
    #[serde(default)]
    pub cancels: Vec<String>,
    /// `phrase` (default): only concept words inside the phrase are cancelled; `sentence`: the
    /// concepts are cancelled in the whole sentence ("... in the cold" makes colour changes
    /// Raynaud's); `clause`: in the sentence up to a word that ends a negation's reach ("years
    /// ago I had a fever, but now ..." keeps what follows "but").
    #[serde(default)]
    pub scope: ExclusionScope,
    /// Words that undo the excuse when the sentence holds them: a scar that has "split open",
    /// a Raynaud's finger the writer says "this isn't". The context no longer explains the sign.
    #[serde(default)]
    pub unless: Vec<String>,
    /// Why it is not an alarm, for reviewers.
    pub why: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionScope {
    #[default]
    Phrase,
    Sentence,
    Clause,
}

/// A concept as `safety.toml` declares it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    /// What it means, for reviewers.
    pub about: String,
    /// Whether "no", "not", "without"... take it away. Crisis concepts are not: "I don't want
    /// to be here" is a warning sign, whatever words it is made of.
    #[serde(default = "yes")]
    pub negatable: bool,
    /// Whether a body temperature written as a number (38.9, 39 C, 102F) stands for it.
    #[serde(default)]
    pub temperature: bool,
    /// Whether an amount written with its unit in one word ("60mg", "500mcg") stands for it.
    #[serde(default)]
    pub dose_amount: bool,
    /// Whether a count of times written "3x" or "x3" ("3x a day") stands for it.
    #[serde(default)]
    pub times: bool,
}

fn yes() -> bool {
    true
}

/// A red flag: concepts that, all present in one sentence, raise `flag`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConceptRule {
    pub flag: FlagKind,
    /// Each item is a concept, or alternatives written `a|b`; every item must be present.
    pub all: Vec<String>,
    /// At most this many words between the first and the last concept, where the sentence
    /// alone is too loose ("chest" and "pain" in a long run-on story).
    #[serde(default)]
    pub within: Option<usize>,
    /// Items (written like `all`) that may be anywhere in the message rather than in the
    /// sentence: a fact about the patient ("on dialysis", "high calcium") is often told once,
    /// sentences before the symptom.
    #[serde(default)]
    pub anywhere: Vec<String>,
}

impl ConceptRule {
    /// Every concept name the rule uses, in `all` and `anywhere`, alternatives split apart.
    pub fn concept_names(&self) -> impl Iterator<Item = &str> {
        self.all
            .iter()
            .chain(&self.anywhere)
            .flat_map(|item| item.split('|'))
            .map(str::trim)
    }
}

/// Weak warning signs: none is an alarm alone ("thank you for everything", "I have no strength
/// left", "the will is written"), but several different ones in one message are. Suicide
/// prevention guidance reads signs this way, as a cluster, and blind sets showed why: people
/// say the same thing in endless new words, and two ordinary-looking signs together are far
/// rarer in other messages than any single word list is complete.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SignCluster {
    pub flag: FlagKind,
    /// The concepts that count as signs.
    pub signs: Vec<String>,
    /// How many different signs, anywhere in the message, raise the flag.
    pub at_least: usize,
    /// Signs that count once for each place they are said, not once per message: "Found a
    /// home for the cats and paid off my bills. Everything is in order." is three separate acts
    /// of putting affairs in order, each a sign of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeats: Vec<String>,
    /// Why these signs together are an alarm, for curators.
    pub why: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    Urgent,
    Crisis,
    Dosing,
}

impl FlagKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::Urgent => "urgent",
            FlagKind::Crisis => "crisis",
            FlagKind::Dosing => "dosing",
        }
    }
}

/// Every problem with the languages and the concept rules, with file and item.
pub(super) fn check(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    let safety = &kb.safety;
    let problem = |file: &str, item: &str, message: String| Problem {
        file: file.to_string(),
        item: Some(item.to_string()),
        message,
    };
    for (i, rule) in safety.rules.iter().enumerate() {
        let item = format!("rules[{i}]");
        if rule.all.is_empty() {
            problems.push(problem("safety.toml", &item, "names no concepts".into()));
        }
        for name in rule.concept_names() {
            if !safety.concepts.contains_key(name) {
                problems.push(problem(
                    "safety.toml",
                    &item,
                    format!("uses concept '{name}', which [concepts] does not declare"),
                ));
            }
        }
    }
    for (i, cluster) in safety.clusters.iter().enumerate() {
        let item = format!("clusters[{i}]");
        if cluster.at_least < 2 || cluster.at_least > cluster.signs.len() {
            problems.push(problem(
                "safety.toml",
                &item,
                format!(
                    "asks for at least {} of {} signs; it needs 2 or more, and no more than it lists",
                    cluster.at_least,
                    cluster.signs.len()
                ),
            ));
        }
        for name in &cluster.repeats {
            if !cluster.signs.contains(name) {
                problems.push(problem(
                    "safety.toml",
                    &item,
                    format!("repeats '{name}', which is not one of its signs"),
                ));
            }
        }
        for name in &cluster.signs {
            if !safety.concepts.contains_key(name) {
                problems.push(problem(
                    "safety.toml",
                    &item,
                    format!("uses concept '{name}', which [concepts] does not declare"),
                ));
            }
        }
    }
    for name in safety.concepts.keys() {
        let used = safety
            .rules
            .iter()
            .any(|r| r.concept_names().any(|c| c == name))
            || safety.clusters.iter().any(|c| c.signs.contains(name));
        if !used {
            problems.push(problem(
                "safety.toml",
                name,
                "is declared but no rule uses it".into(),
            ));
        }
    }
    if kb.languages.iter().all(|l| l.code != "en") {
        problems.push(Problem {
            file: "languages/".into(),
            item: None,
            message: "has no en.toml; English is the bot's own language".into(),
        });
    }
    for language in &kb.languages {
        check_language(kb, language, problems);
    }
}

fn check_language(kb: &KnowledgeBase, language: &Language, problems: &mut Vec<Problem>) {
    let file = format!("languages/{}.toml", language.code);
    let mut push = |item: &str, message: String| {
        problems.push(Problem {
            file: file.clone(),
            item: Some(item.to_string()),
            message,
        })
    };
    if language.code != "en" {
        let t = &language.texts;
        for (name, text) in [
            ("texts.crisis", &t.crisis),
            ("texts.crisis_footer", &t.crisis_footer),
            ("texts.urgent", &t.urgent),
            ("texts.dosing", &t.dosing),
            ("texts.note", &t.note),
        ] {
            if text.as_deref().is_none_or(|s| s.trim().is_empty()) {
                push(
                    name,
                    "is missing or empty; every language needs its own".into(),
                );
            }
        }
        if language.markers.is_empty() {
            push("markers", "lists no marker words".into());
        }
    }
    let check_terms = |item: &str, terms: &[String], push: &mut dyn FnMut(&str, String)| {
        if terms.is_empty() {
            push(item, "lists no words".into());
        }
        let mut seen = std::collections::HashSet::new();
        for term in terms {
            if term.matches('{').count() != term.matches('}').count() {
                push(item, format!("term '{term}' has an unclosed {{"));
            }
            // Words are added a category at a time; one already there is noise to read and
            // to index.
            if !seen.insert(term.as_str()) {
                push(item, format!("lists '{term}' twice"));
            }
        }
    };
    for (name, terms) in &language.concepts {
        if !kb.safety.concepts.contains_key(name) {
            push(
                &format!("concepts.{name}"),
                "is not a concept safety.toml declares".into(),
            );
        }
        check_terms(&format!("concepts.{name}"), terms, &mut push);
    }
    check_terms("negation.before", &language.negation.before, &mut push);
    if !language.negation.after.is_empty() {
        check_terms("negation.after", &language.negation.after, &mut push);
    }
    check_terms("negation.stop", &language.negation.stop, &mut push);
    if !language.negation.pseudo.is_empty() {
        check_terms("negation.pseudo", &language.negation.pseudo, &mut push);
    }
    for (i, exclusion) in language.exclusions.iter().enumerate() {
        let item = format!("exclusions[{i}]");
        check_terms(&item, &exclusion.phrases, &mut push);
        if !exclusion.unless.is_empty() {
            check_terms(&format!("{item}.unless"), &exclusion.unless, &mut push);
        }
        if exclusion.why.trim().is_empty() {
            push(&item, "needs a 'why'".into());
        }
        for name in &exclusion.cancels {
            if !kb.safety.concepts.contains_key(name) {
                push(
                    &item,
                    format!("cancels '{name}', which safety.toml does not declare"),
                );
            }
        }
    }
    // Every concept a rule needs should have words in every language, or the rule cannot
    // fire there; say which.
    for name in kb.safety.concepts.keys() {
        if !language.concepts.contains_key(name) {
            push(
                "concepts",
                format!("has no words for '{name}', so rules using it never fire in this language"),
            );
        }
    }
}
