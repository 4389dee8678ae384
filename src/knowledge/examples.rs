//! Labelled messages (`examples/**/*.jsonl`): what real writers asked, and what the bot should
//! have made of it.
//!
//! They are the blind sets teammates wrote and the per-language safety sets, one message per
//! line as `{"q": "...", "expect": "id|urgent|crisis|dosing|none", "lang": "de"}`. The floors in
//! `tests/` measure the bot on them, and the safety layer learns from them how crisis messages
//! read (`safety::resemblance`): lists of words catch the wording they were written for, and a
//! model of the labelled lines carries over to wording nobody listed. They ship in the binary
//! for that reason.

use serde::Deserialize;

use super::{KnowledgeBase, Problem};

/// Labels that are not entry ids.
pub const SPECIAL_LABELS: [&str; 4] = ["urgent", "crisis", "dosing", "none"];

/// Where the labelled messages live in the knowledge directory.
const FOLDER: &str = "examples/";

/// One labelled message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The file, relative to the knowledge directory.
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub text: String,
    /// An entry id or one of [`SPECIAL_LABELS`].
    pub label: String,
    /// Other labels that are as right.
    pub also: Vec<String>,
    /// The language it is written in; English when the line does not say.
    pub language: String,
}

/// A line of a labelled-messages file, as written (`calcibot eval` reads the same lines).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Line {
    pub q: String,
    pub expect: String,
    #[serde(default)]
    pub also: Vec<String>,
    /// The language the message is written in (a code such as "en" or "pt").
    #[serde(default)]
    pub lang: Option<String>,
}

/// What is wrong with `label`, when it is neither an entry of `kb` nor a special label.
pub(crate) fn unknown_label(kb: &KnowledgeBase, label: &str) -> Option<String> {
    (!SPECIAL_LABELS.contains(&label) && kb.entry(label).is_none())
        .then(|| format!("label '{label}' is neither an entry id nor one of {SPECIAL_LABELS:?}"))
}

/// Whether `file` (relative to the knowledge directory) holds labelled messages.
pub(super) fn is_examples_file(file: &str) -> bool {
    file.starts_with(FOLDER) && file.ends_with(".jsonl")
}

/// The labelled messages of every examples file, and a problem for each line that is not one.
pub(super) fn parse(files: &[(String, String)]) -> (Vec<Example>, Vec<Problem>) {
    let mut examples = Vec::new();
    let mut problems = Vec::new();
    for (file, text) in files.iter().filter(|(f, _)| is_examples_file(f)) {
        for (i, raw) in text.lines().enumerate() {
            if raw.trim().is_empty() {
                continue;
            }
            let line = i + 1;
            match serde_json::from_str::<Line>(raw) {
                Ok(parsed) if !parsed.q.trim().is_empty() => examples.push(Example {
                    file: file.clone(),
                    line,
                    text: parsed.q,
                    label: parsed.expect,
                    also: parsed.also,
                    language: parsed.lang.unwrap_or_else(|| "en".to_string()),
                }),
                Ok(_) => problems.push(problem(file, line, "\"q\" is empty".to_string())),
                Err(err) => problems.push(problem(
                    file,
                    line,
                    format!(
                        "is not a labelled message ({err}); write {{\"q\": \"...\", \"expect\": \"id|urgent|crisis|dosing|none\", \"lang\": \"en\"}}"
                    ),
                )),
            }
        }
    }
    (examples, problems)
}

/// Labels that name no entry, languages the base does not read, and a resemblance model with
/// nothing to learn from.
pub(super) fn check(kb: &KnowledgeBase) -> Vec<Problem> {
    let mut problems = Vec::new();
    for example in &kb.examples {
        for label in std::iter::once(&example.label).chain(&example.also) {
            if let Some(message) = unknown_label(kb, label) {
                problems.push(problem(&example.file, example.line, message));
            }
        }
        if !kb.languages.iter().any(|l| l.code == example.language) {
            problems.push(problem(
                &example.file,
                example.line,
                format!(
                    "language '{}' is not one of languages/*.toml",
                    example.language
                ),
            ));
        }
    }
    let readers = [
        ("resemblance", "crisis", &kb.safety.resemblance),
        (
            "urgent_resemblance",
            "urgent",
            &kb.safety.urgent_resemblance,
        ),
        (
            "dosing_resemblance",
            "dosing",
            &kb.safety.dosing_resemblance,
        ),
    ];
    for (item, label, settings) in readers {
        let Some(resemblance) = settings else {
            continue;
        };
        let mut settings_problem = |message: String| {
            problems.push(Problem {
                file: "safety.toml".to_string(),
                item: Some(item.to_string()),
                message,
            })
        };
        let learnt = kb.examples.iter().filter(|e| e.label == label).count();
        if learnt == 0 || learnt == kb.examples.len() {
            settings_problem(format!(
                "needs labelled {label} messages and others in {FOLDER} to learn from; it has {learnt} of {}",
                kb.examples.len()
            ));
        }
        let thresholds = std::iter::once(("", resemblance.threshold)).chain(
            resemblance
                .languages
                .iter()
                .chain(&resemblance.windows)
                .map(|(code, &t)| (code.as_str(), t)),
        );
        for name in &resemblance.needs {
            if !kb.safety.concepts.contains_key(name) {
                settings_problem(format!(
                    "needs the concept '{name}', which is not one of [concepts]"
                ));
            }
        }
        for (code, threshold) in thresholds {
            if !threshold.is_finite() {
                settings_problem(format!("threshold {code} is not a number"));
            }
            if !code.is_empty() && !kb.languages.iter().any(|l| l.code == code) {
                settings_problem(format!(
                    "gives a threshold for '{code}', which is not one of languages/*.toml"
                ));
            }
        }
    }
    problems
}

fn problem(file: &str, line: usize, message: String) -> Problem {
    Problem {
        file: file.to_string(),
        item: Some(format!("line {line}")),
        message,
    }
}
