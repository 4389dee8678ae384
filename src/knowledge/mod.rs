//! The curated knowledge base: loading it (built in, or from a directory), and validating it.
//!
//! Everything the bot says comes from here: entries, sources, safety texts, the lexicon and the
//! small talk. It is data, reviewed like code, and it is validated as a whole before the bot
//! answers anything, so a broken base stops start-up instead of producing a wrong reply later.

pub mod examples;
pub mod languages;
mod model;
mod validate;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use model::{
    fill, Aspect, Entry, Facets, Interface, Lexicon, Outside, ResemblanceSettings, SafetyConfig,
    SafetyRule, Smalltalk, Source, SourceRef, Subject, Theme, Topics, Unmentioned,
};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_knowledge.rs"));
}

/// Checks a reader of the base adds to its own (see `KnowledgeBase::load_checked`).
pub type Checks = dyn Fn(&KnowledgeBase) -> Vec<Problem>;

fn no_more_checks(_: &KnowledgeBase) -> Vec<Problem> {
    Vec::new()
}

/// Where the built-in base came from, for `about` texts and error messages.
pub const BUILTIN_NAME: &str = "built-in knowledge base";

/// A problem found in the knowledge base, with where to find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the knowledge directory (e.g. `entries/general.toml`).
    pub file: String,
    /// The entry (or source, or rule) the problem is in, where there is one.
    pub item: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.item {
            Some(item) => write!(f, "{} [{}]: {}", self.file, item, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Why a knowledge base could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("cannot read the knowledge directory {path}: {error}\nCheck the path given to --knowledge or KNOWLEDGE_DIR; leave both unset to use the built-in knowledge base.")]
    Unreadable {
        path: PathBuf,
        // Not a `source`: the message already says it, and a chain would say it twice.
        error: std::io::Error,
    },
    #[error("{}", render_problems(.0))]
    Invalid(Vec<Problem>),
}

fn render_problems(problems: &[Problem]) -> String {
    let mut text = format!(
        "the knowledge base has {} problem{}:",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for problem in problems {
        text.push_str("\n  ");
        text.push_str(&problem.to_string());
    }
    text.push_str("\nFix them and run `calcibot check` again.");
    text
}

/// The loaded, validated knowledge base.
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    pub entries: Vec<Entry>,
    pub sources: Vec<Source>,
    pub safety: SafetyConfig,
    pub lexicon: Lexicon,
    pub smalltalk: Vec<Smalltalk>,
    /// Kinds of questions the sources do not cover.
    pub outside: Vec<Outside>,
    /// Remedies the sources never mention.
    pub unmentioned: Vec<Unmentioned>,
    /// Questions about the bot itself (`about.toml`): what it stores, where its answers come
    /// from, whether it is a doctor. Answered from here, never from a medical entry.
    pub about: Vec<Smalltalk>,
    /// What a message asks and what it is about (`facets.toml`).
    pub facets: Facets,
    pub topics: Topics,
    /// The languages the safety layer reads (`languages/*.toml`), English first.
    pub languages: Vec<languages::Language>,
    /// The bot's own words around the answers.
    pub interface: Interface,
    /// Labelled messages (`examples/**/*.jsonl`), which the safety layer learns from. `Bot::new`
    /// empties them once it has: read them from a base loaded for the purpose.
    pub examples: Vec<examples::Example>,
    /// Where it was loaded from: a directory, or [`BUILTIN_NAME`].
    pub origin: String,
    by_id: HashMap<String, usize>,
}

impl KnowledgeBase {
    /// The base compiled into the binary from `knowledge/`.
    pub fn builtin() -> Result<KnowledgeBase, KnowledgeError> {
        Self::load_checked(None, &no_more_checks)
    }

    /// A base from a directory laid out like `knowledge/`.
    pub fn load(dir: &Path) -> Result<KnowledgeBase, KnowledgeError> {
        Self::load_checked(Some(dir), &no_more_checks)
    }

    /// `dir` when given, otherwise the built-in base, checked as data and by `checks` too, with
    /// every problem of both reported together. The base is data that does not know who reads
    /// it: the checks that need a reader's modules (patterns, the lexicon's normal form) come
    /// from that reader (`crate::check`).
    pub fn load_checked(
        dir: Option<&Path>,
        checks: &Checks,
    ) -> Result<KnowledgeBase, KnowledgeError> {
        match dir {
            Some(dir) => {
                let (files, unreadable) = read_dir_files(dir)?;
                Self::from_parts(files, dir.display().to_string(), unreadable, checks)
            }
            None => {
                let files = builtin::FILES
                    .iter()
                    .map(|(name, text)| (name.to_string(), text.to_string()))
                    .collect();
                Self::from_parts(files, BUILTIN_NAME.to_string(), Vec::new(), checks)
            }
        }
    }

    /// Parses and validates a base given as (relative path, contents) pairs; every problem in
    /// every file is reported, not just the first.
    pub fn from_files(
        files: Vec<(String, String)>,
        origin: String,
    ) -> Result<KnowledgeBase, KnowledgeError> {
        Self::from_parts(files, origin, Vec::new(), &no_more_checks)
    }

    fn from_parts(
        files: Vec<(String, String)>,
        origin: String,
        mut problems: Vec<Problem>,
        checks: &Checks,
    ) -> Result<KnowledgeBase, KnowledgeError> {
        let (parts, parse_problems) = validate::parse(&files);
        problems.extend(parse_problems);
        let (examples, example_problems) = examples::parse(&files);
        problems.extend(example_problems);
        let kb = parts.map(|p| KnowledgeBase {
            by_id: p
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.id.clone(), i))
                .collect(),
            entries: p.entries,
            sources: p.sources,
            safety: p.safety,
            lexicon: p.lexicon,
            smalltalk: p.smalltalk,
            outside: p.outside,
            unmentioned: p.unmentioned,
            about: p.about,
            facets: p.facets,
            topics: p.topics,
            languages: p.languages,
            interface: p.interface,
            examples,
            origin,
        });
        if let Some(kb) = &kb {
            problems.extend(validate::check(kb));
            problems.extend(examples::check(kb));
            problems.extend(checks(kb));
        }
        match kb {
            Some(kb) if problems.is_empty() => Ok(kb),
            _ => Err(KnowledgeError::Invalid(problems)),
        }
    }

    /// Problems with the base's editorial limits (reading length), which `calcibot check`
    /// reports but which do not stop the base from loading.
    pub fn editorial_problems(&self) -> Vec<Problem> {
        validate::editorial(self)
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The entries grouped by theme, in the order `topics.toml` gives (unlisted themes last).
    pub fn themes(&self) -> Vec<(Theme, Vec<&Entry>)> {
        let mut themes: Vec<(Theme, Vec<&Entry>)> = self
            .topics
            .themes
            .iter()
            .map(|t| (t.clone(), Vec::new()))
            .collect();
        for entry in &self.entries {
            match themes.iter_mut().find(|(t, _)| t.id == entry.theme) {
                Some((_, list)) => list.push(entry),
                None => themes.push((
                    Theme {
                        id: entry.theme.clone(),
                        name: entry.theme.clone(),
                    },
                    vec![entry],
                )),
            }
        }
        themes.retain(|(_, list)| !list.is_empty());
        themes
    }

    /// The most recent `reviewed` date of any entry (dates are ISO, so they sort as text).
    pub fn reviewed(&self) -> &str {
        self.entries
            .iter()
            .map(|e| e.reviewed.as_str())
            .max()
            .unwrap_or("")
    }

    /// Who reviewed the entries, each role once, in the order first met: `/about` and the
    /// export name them beside the review date.
    pub fn reviewers(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for entry in &self.entries {
            let reviewer = entry.reviewer.trim();
            if !reviewer.is_empty() && !out.contains(&reviewer) {
                out.push(reviewer);
            }
        }
        out
    }
}

/// A knowledge file: its path relative to the knowledge directory, and its text.
pub type KnowledgeFile = (String, String);

/// The `.toml` files and labelled messages under `dir`, and a problem for each one that is not UTF-8.
pub(crate) fn read_dir_files(
    dir: &Path,
) -> Result<(Vec<KnowledgeFile>, Vec<Problem>), KnowledgeError> {
    let unreadable = |error| KnowledgeError::Unreadable {
        path: dir.to_path_buf(),
        error,
    };
    if !dir.is_dir() {
        return Err(unreadable(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no such directory",
        )));
    }
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for item in std::fs::read_dir(&current).map_err(unreadable)? {
            let path = item.map_err(unreadable)?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                if !(relative.ends_with(".toml") || examples::is_examples_file(&relative)) {
                    continue;
                }
                let text = std::fs::read(&path).map_err(unreadable)?;
                match String::from_utf8(text) {
                    Ok(text) => files.push((relative, text)),
                    Err(_) => problems.push(Problem {
                        file: relative,
                        item: None,
                        message: "is not valid UTF-8; save it as UTF-8".to_string(),
                    }),
                }
            }
        }
    }
    files.sort();
    Ok((files, problems))
}
