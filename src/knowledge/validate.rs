//! Reading the knowledge files and checking the base as a whole, as data: ids, references,
//! lengths, required topics. Checks that need the reader's modules (do the patterns compile, is
//! the lexicon written normalised) live in `crate::check`, which hands them to the loader, so
//! this module depends on nothing but the data model.
//!
//! Every problem is collected with its file and item, rather than stopping at the first, so a
//! curator fixes a broken base in one pass of `calcibot check`.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::{
    Entry, Facets, Interface, KnowledgeBase, Lexicon, Outside, Problem, SafetyConfig, Smalltalk,
    Source, Topics, Unmentioned,
};

/// Discord shows at most 4,096 characters in an embed's description; the design asks for
/// answers well under that, so there is room for the conflict note, sources and disclaimer.
pub const MAX_ANSWER_CHARS: usize = 1_500;
/// Discord's limit on an embed title.
pub const MAX_TITLE_CHARS: usize = 256;
/// A conflict note shares an embed field (1,024 characters) with nothing else.
pub const MAX_CONFLICT_CHARS: usize = 1_000;
/// What a reader sees of one entry, its answer and conflict note together, stays within this:
/// the clinical content review found longer answers hard to read on a phone, and asked that a
/// topic needing more be split or point to a related entry.
pub const MAX_READING_CHARS: usize = 900;

/// The parsed files, before cross-checks.
pub(super) struct Parts {
    pub entries: Vec<Entry>,
    pub sources: Vec<Source>,
    pub safety: SafetyConfig,
    pub lexicon: Lexicon,
    pub smalltalk: Vec<Smalltalk>,
    pub outside: Vec<Outside>,
    pub unmentioned: Vec<Unmentioned>,
    pub about: Vec<Smalltalk>,
    pub facets: Facets,
    pub topics: Topics,
    pub languages: Vec<super::languages::Language>,
    pub interface: Interface,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AboutFile {
    #[serde(default)]
    about: Vec<Smalltalk>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntriesFile {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    #[serde(default)]
    source: Vec<Source>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeFile {
    #[serde(default)]
    outside: Vec<Outside>,
    #[serde(default)]
    unmentioned: Vec<Unmentioned>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SmalltalkFile {
    #[serde(default)]
    smalltalk: Vec<Smalltalk>,
}

fn problem(file: &str, item: Option<&str>, message: impl Into<String>) -> Problem {
    Problem {
        file: file.to_string(),
        item: item.map(str::to_string),
        message: message.into(),
    }
}

/// Parses every file; `None` when a file the base cannot do without is missing or broken.
pub(super) fn parse(files: &[(String, String)]) -> (Option<Parts>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut read = |name: &str| -> Option<&str> {
        let found = files
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, t)| t.as_str());
        if found.is_none() {
            problems.push(problem(
                name,
                None,
                "is missing from the knowledge directory",
            ));
        }
        found
    };
    let sources = read("sources.toml");
    let safety = read("safety.toml");
    let lexicon = read("lexicon.toml");
    let smalltalk = read("smalltalk.toml");
    let topics = read("topics.toml");
    let scope = read("scope.toml");
    let interface = read("interface.toml");

    fn toml_of<T: serde::de::DeserializeOwned>(
        name: &str,
        text: Option<&str>,
        problems: &mut Vec<Problem>,
    ) -> Option<T> {
        match toml::from_str::<T>(text?) {
            Ok(value) => Some(value),
            Err(err) => {
                problems.push(problem(
                    name,
                    None,
                    format!("is not valid: {}", err.to_string().trim()),
                ));
                None
            }
        }
    }
    let sources: Option<SourcesFile> = toml_of("sources.toml", sources, &mut problems);
    let safety: Option<SafetyConfig> = toml_of("safety.toml", safety, &mut problems);
    let lexicon: Option<Lexicon> = toml_of("lexicon.toml", lexicon, &mut problems);
    let smalltalk: Option<SmalltalkFile> = toml_of("smalltalk.toml", smalltalk, &mut problems);
    let topics: Option<Topics> = toml_of("topics.toml", topics, &mut problems);
    let scope: Option<ScopeFile> = toml_of("scope.toml", scope, &mut problems);
    let interface: Option<Interface> = toml_of("interface.toml", interface, &mut problems);
    // Optional: a base without them matches on phrasings alone and has no "about the bot" set.
    let optional = |name: &str| {
        files
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, t)| t.as_str())
    };
    let about: AboutFile =
        toml_of("about.toml", optional("about.toml"), &mut problems).unwrap_or_default();
    let facets: Facets =
        toml_of("facets.toml", optional("facets.toml"), &mut problems).unwrap_or_default();

    let mut entries = Vec::new();
    let mut entry_files = 0;
    for (name, text) in files {
        let Some(stem) = name
            .strip_prefix("entries/")
            .and_then(|n| n.strip_suffix(".toml"))
        else {
            continue;
        };
        entry_files += 1;
        if let Some(file) = toml_of::<EntriesFile>(name, Some(text), &mut problems) {
            if file.entry.is_empty() {
                problems.push(problem(name, None, "holds no [[entry]]"));
            }
            for mut entry in file.entry {
                entry.theme = stem.to_string();
                entry.file = name.clone();
                entries.push(entry);
            }
        }
    }
    let mut languages = Vec::new();
    for (name, text) in files {
        let Some(code) = name
            .strip_prefix("languages/")
            .and_then(|n| n.strip_suffix(".toml"))
        else {
            continue;
        };
        if let Some(language) =
            toml_of::<super::languages::Language>(name, Some(text), &mut problems)
        {
            if language.code != code {
                problems.push(problem(
                    name,
                    Some(&language.code),
                    format!("code '{}' differs from the file name", language.code),
                ));
            }
            languages.push(language);
        }
    }
    // English first: it is the bot's own language and the fallback for every other.
    languages.sort_by_key(|l| (l.code != "en", l.code.clone()));
    if entry_files == 0 {
        problems.push(problem(
            "entries/",
            None,
            "holds no entries files (entries/*.toml)",
        ));
    }

    let parts = match (
        sources, safety, lexicon, smalltalk, topics, scope, interface,
    ) {
        (
            Some(sources),
            Some(safety),
            Some(lexicon),
            Some(smalltalk),
            Some(topics),
            Some(scope),
            Some(interface),
        ) => Some(Parts {
            entries,
            sources: sources.source,
            safety,
            lexicon,
            smalltalk: smalltalk.smalltalk,
            outside: scope.outside,
            unmentioned: scope.unmentioned,
            about: about.about,
            facets,
            topics,
            languages,
            interface,
        }),
        _ => None,
    };
    (parts, problems)
}

/// Cross-checks the parsed base: ids, references, patterns, lengths and required topics.
pub(super) fn check(kb: &KnowledgeBase) -> Vec<Problem> {
    let mut problems = Vec::new();
    check_sources(kb, &mut problems);
    check_entries(kb, &mut problems);
    check_safety(kb, &mut problems);
    super::languages::check(kb, &mut problems);
    check_smalltalk(kb, &mut problems);
    check_about(kb, &mut problems);
    check_unmentioned(kb, &mut problems);
    check_facets(kb, &mut problems);
    check_scope(kb, &mut problems);
    check_topics(kb, &mut problems);
    check_interface(&kb.interface, &mut problems);
    problems
}

fn check_sources(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    let mut seen = HashSet::new();
    for source in &kb.sources {
        let item = Some(source.id.as_str());
        if !seen.insert(source.id.as_str()) {
            problems.push(problem("sources.toml", item, "duplicate source id"));
        }
        if source.title.trim().is_empty() || source.publisher.trim().is_empty() {
            problems.push(problem(
                "sources.toml",
                item,
                "needs a title and a publisher",
            ));
        }
        if let Some(url) = &source.url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                problems.push(problem(
                    "sources.toml",
                    item,
                    format!("url '{url}' is not an http(s) link"),
                ));
            }
        }
    }
    if kb.sources.is_empty() {
        problems.push(problem("sources.toml", None, "lists no [[source]]"));
    }
}

/// Editorial limits that `calcibot check` holds the base to but that do not stop a bot from
/// loading it: a curator's draft of 950 characters can still be tried in the chat.
pub(super) fn editorial(kb: &KnowledgeBase) -> Vec<Problem> {
    let mut problems = Vec::new();
    for entry in &kb.entries {
        let answer_len = entry.answer.trim().chars().count();
        let conflict_len = entry
            .conflict
            .as_deref()
            .map_or(0, |c| c.trim().chars().count());
        if answer_len + conflict_len > MAX_READING_CHARS {
            problems.push(problem(
                &entry.file,
                Some(&entry.id),
                format!(
                    "answer and conflict note are {} characters together; keep them within {MAX_READING_CHARS} (split the topic, or point to a related entry)",
                    answer_len + conflict_len
                ),
            ));
        }
    }
    problems
}

fn check_entries(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    let ids: HashMap<&str, usize> = kb.entries.iter().fold(HashMap::new(), |mut counts, e| {
        *counts.entry(e.id.as_str()).or_default() += 1;
        counts
    });
    let source_ids: HashSet<&str> = kb.sources.iter().map(|s| s.id.as_str()).collect();
    let mut reported_duplicates = HashSet::new();

    for entry in &kb.entries {
        let file = entry.file.as_str();
        let item = Some(entry.id.as_str());
        let mut report = |message: String| problems.push(problem(file, item, message));

        if entry.id.trim().is_empty() {
            report("has an empty id".into());
        } else if !entry
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            report("id may hold only lowercase letters, digits and '-'".into());
        }
        if ids.get(entry.id.as_str()).copied().unwrap_or(0) > 1
            && reported_duplicates.insert(entry.id.as_str())
        {
            report("duplicate entry id (ids must be unique across all entries files)".into());
        }
        if entry.title.trim().is_empty() {
            report("has an empty title".into());
        } else if entry.title.chars().count() > MAX_TITLE_CHARS {
            report(format!("title is longer than {MAX_TITLE_CHARS} characters"));
        }
        let answer_len = entry.answer.trim().chars().count();
        if answer_len == 0 {
            report("has an empty answer".into());
        } else if answer_len > MAX_ANSWER_CHARS {
            report(format!(
                "answer is {answer_len} characters; keep it under {MAX_ANSWER_CHARS} so it fits a Discord embed with its sources"
            ));
        }
        if let Some(conflict) = &entry.conflict {
            let len = conflict.trim().chars().count();
            if len == 0 {
                report("has an empty conflict note; remove the field or write the note".into());
            } else if len > MAX_CONFLICT_CHARS {
                report(format!(
                    "conflict note is longer than {MAX_CONFLICT_CHARS} characters"
                ));
            }
        }
        if entry.reviewer.trim().is_empty() {
            report(
                "has an empty reviewer; name who reviewed it, as a role (\"content review 1\")"
                    .into(),
            );
        }
        if !is_iso_date(&entry.reviewed) {
            report(format!(
                "reviewed '{}' is not a date like 2026-11-21",
                entry.reviewed
            ));
        }
        if entry.questions.iter().all(|q| q.trim().is_empty()) {
            report("has no questions (phrasings users would write)".into());
        }
        if entry.sources.is_empty() {
            report("cites no sources; every answer must carry its sources".into());
        }
        for cited in &entry.sources {
            if !source_ids.contains(cited.id.as_str()) {
                report(format!(
                    "cites unknown source id '{}' (see sources.toml)",
                    cited.id
                ));
            }
            if cited.section.trim().is_empty() {
                report(format!("cites '{}' without a section", cited.id));
            }
        }
        for related in &entry.related {
            if related == &entry.id {
                report("lists itself as related".into());
            } else if !ids.contains_key(related.as_str()) {
                report(format!("related id '{related}' is not an entry"));
            }
        }
    }
}

fn check_safety(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    let safety = &kb.safety;
    for (name, text) in [
        ("disclaimer", &safety.disclaimer),
        ("help_now", &safety.help_now),
        ("no_match", &safety.no_match),
        ("clarify", &safety.clarify),
        ("urgent.text", &safety.urgent.text),
        ("crisis.text", &safety.crisis.text),
        ("dosing.text", &safety.dosing.text),
        ("crisis_footer", &safety.crisis_footer),
        ("language_note", &safety.language_note),
    ] {
        if text.trim().is_empty() {
            problems.push(problem("safety.toml", Some(name), "is empty"));
        }
    }
    for (name, rule) in [
        ("urgent", &safety.urgent),
        ("crisis", &safety.crisis),
        ("dosing", &safety.dosing),
    ] {
        let by_concepts = safety.rules.iter().any(|r| r.flag.as_str() == name);
        if rule.patterns.is_empty() && !by_concepts {
            problems.push(problem(
                "safety.toml",
                Some(name),
                "has neither patterns nor [[rules]]",
            ));
        }
    }
}

fn check_smalltalk(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    for talk in &kb.smalltalk {
        if talk.reply.trim().is_empty() {
            problems.push(problem(
                "smalltalk.toml",
                Some(&talk.id),
                "has an empty reply",
            ));
        }
    }
}

fn check_about(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    let mut seen = HashSet::new();
    for about in &kb.about {
        let item = Some(about.id.as_str());
        if !seen.insert(about.id.as_str()) {
            problems.push(problem("about.toml", item, "duplicate id"));
        }
        if about.reply.trim().is_empty() {
            problems.push(problem("about.toml", item, "has an empty reply"));
        }
    }
}

fn check_facets(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    const FILE: &str = "facets.toml";
    let facets = &kb.facets;
    let mut aspects = HashSet::new();
    for aspect in &facets.aspect {
        let item = Some(aspect.id.as_str());
        if !aspects.insert(aspect.id.as_str()) || aspect.id == "*" {
            problems.push(problem(FILE, item, "duplicate or reserved aspect id"));
        }
        if let Some(general) = aspect.general.as_deref().filter(|g| kb.entry(g).is_none()) {
            problems.push(problem(
                FILE,
                item,
                format!("names '{general}' as its general entry, which is not an entry"),
            ));
        }
    }
    for aspect in &facets.aspect {
        for broader in aspect.over.iter().filter(|o| !aspects.contains(o.as_str())) {
            problems.push(problem(
                FILE,
                Some(aspect.id.as_str()),
                format!("'over' names '{broader}', which is not an aspect"),
            ));
        }
    }
    let mut subjects = HashSet::new();
    for subject in &facets.subject {
        let item = Some(subject.id.as_str());
        if !subjects.insert(subject.id.as_str()) {
            problems.push(problem(FILE, item, "duplicate subject id"));
        }
    }
    for (id, list) in &facets.entries {
        let item = Some(id.as_str());
        if kb.entry(id).is_none() {
            problems.push(problem(FILE, item, "is not an entry"));
        }
        for facet in list {
            let mut words = facet.split_whitespace();
            let aspect = words.next().unwrap_or("");
            let subject = words.next();
            if aspect != "*" && !aspects.contains(aspect) {
                problems.push(problem(
                    FILE,
                    item,
                    format!("'{facet}': no aspect '{aspect}'"),
                ));
            }
            match subject {
                Some(s) if !subjects.contains(s) => {
                    problems.push(problem(FILE, item, format!("'{facet}': no subject '{s}'")));
                }
                None if aspect == "*" => problems.push(problem(
                    FILE,
                    item,
                    format!("'{facet}': any aspect needs a subject"),
                )),
                _ => {}
            }
            if words.next().is_some() {
                problems.push(problem(
                    FILE,
                    item,
                    format!("'{facet}' should be \"ASPECT\" or \"ASPECT SUBJECT\""),
                ));
            }
        }
    }
}

fn check_scope(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    let mut seen = HashSet::new();
    for outside in &kb.outside {
        let item = Some(outside.id.as_str());
        if !seen.insert(outside.id.as_str()) {
            problems.push(problem("scope.toml", item, "duplicate id"));
        }
        if outside.reply.trim().is_empty() {
            problems.push(problem("scope.toml", item, "has an empty reply"));
        }
        if outside.patterns.is_empty() {
            problems.push(problem("scope.toml", item, "has no patterns"));
        }
        for id in &outside.suggest {
            if kb.entry(id).is_none() {
                problems.push(problem(
                    "scope.toml",
                    item,
                    format!("suggests '{id}', which is not an entry"),
                ));
            }
        }
    }
}

fn check_unmentioned(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    for remedy in &kb.unmentioned {
        let item = Some(remedy.id.as_str());
        if remedy.note.trim().is_empty() {
            problems.push(problem("scope.toml", item, "has an empty note"));
        }
        if kb.entry(&remedy.answer).is_none() {
            problems.push(problem(
                "scope.toml",
                item,
                format!("answers '{}', which is not an entry", remedy.answer),
            ));
        }
    }
}

fn check_topics(kb: &KnowledgeBase, problems: &mut Vec<Problem>) {
    for id in &kb.topics.suggest {
        if kb.entry(id).is_none() {
            problems.push(problem(
                "topics.toml",
                Some(id),
                "is suggested but no entry has this id",
            ));
        }
    }
    for id in &kb.topics.required {
        if kb.entry(id).is_none() {
            problems.push(problem(
                "topics.toml",
                Some(id),
                "is a required topic but no entry has this id",
            ));
        }
    }
    if !kb.topics.themes.is_empty() {
        for entry in &kb.entries {
            if !kb.topics.themes.iter().any(|t| t.id == entry.theme) {
                problems.push(problem(
                    &entry.file,
                    Some(&entry.id),
                    format!(
                        "theme '{}' (the file's name) is not listed in topics.toml",
                        entry.theme
                    ),
                ));
            }
        }
    }
}

/// Every interface text is written, holds the placeholders it needs, and names no other.
fn check_interface(interface: &Interface, problems: &mut Vec<Problem>) {
    for (name, text, needs) in interface.texts() {
        let mut report =
            |message: String| problems.push(problem("interface.toml", Some(name), message));
        if text.trim().is_empty() {
            report("is empty".into());
            continue;
        }
        for needed in needs {
            if !text.contains(&format!("{{{needed}}}")) {
                report(format!("lacks {{{needed}}}, which the bot fills in"));
            }
        }
        for used in placeholders(text) {
            if !needs.contains(&used) {
                report(format!(
                    "uses {{{used}}}, which the bot does not fill in here (it can use: {})",
                    if needs.is_empty() {
                        "none".to_string()
                    } else {
                        needs.join(", ")
                    }
                ));
            }
        }
    }
}

/// The `{name}` placeholders of a text (lowercase names, so Markdown and code are left alone).
fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    out.push(name);
                }
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
        && matches!(text[5..7].parse::<u8>(), Ok(1..=12))
        && matches!(text[8..10].parse::<u8>(), Ok(1..=31))
}
