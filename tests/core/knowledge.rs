//! `calcibot check` and the knowledge base: the real base passes, broken ones are caught with
//! their file and entry id, and the base covers what topics.md and the sources require.

use std::path::{Path, PathBuf};
use std::process::Command;

use calcibot::knowledge::{KnowledgeBase, KnowledgeError};

fn knowledge_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// A copy of `knowledge/` in a temporary directory, for breaking.
pub(crate) fn copy_of_knowledge() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&knowledge_dir(), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for item in std::fs::read_dir(from).expect("read knowledge dir") {
        let path = item.expect("dir entry").path();
        let target = to.join(path.file_name().expect("file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy file");
        }
    }
}

pub(crate) fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains(from),
        "{file} should contain {from:?} for this test"
    );
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

fn check(dir: &Path) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_calcibot"))
        .args(["check", "--knowledge"])
        .arg(dir)
        .env_remove("KNOWLEDGE_DIR")
        .output()
        .expect("calcibot runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!text.contains("panicked"), "{text}");
    (output.status.success(), text)
}

#[test]
fn the_real_knowledge_base_passes_check() {
    let (ok, text) = check(&knowledge_dir());
    assert!(ok, "{text}");
    assert!(text.starts_with("ok:"), "{text}");
    KnowledgeBase::builtin().expect("the built-in base is the same and valid");
}

#[test]
fn check_reports_every_problem_with_file_and_entry() {
    let dir = copy_of_knowledge();
    let d = dir.path();
    // Five independent breakages, all to be reported in one run.
    edit(
        d,
        "entries/general.toml",
        "id = \"appearance\"",
        "id = \"what-is\"",
    );
    edit(
        d,
        "entries/treatment.toml",
        "{ id = \"",
        "{ id = \"no-such-source\", section = \"Summary\" }, { id = \"",
    );
    edit(
        d,
        "entries/diagnosis.toml",
        "related = [",
        "related = [\"no-such-entry\", ",
    );
    edit(
        d,
        "entries/outlook.toml",
        "patterns = [",
        "patterns = ['(unclosed', ",
    );
    edit(
        d,
        "safety.toml",
        "'\\bhow (many|often)( times)?",
        "'{nosuchset}\\bhow (many|often)( times)?",
    );
    let (ok, text) = check(d);
    assert!(!ok, "a broken base must fail: {text}");
    for expected in [
        "entries/general.toml [what-is]: duplicate entry id",
        "cites unknown source id 'no-such-source'",
        "related id 'no-such-entry' is not an entry",
        "pattern '(unclosed' does not compile",
        "topics.toml [appearance]: is a required topic but no entry has this id",
        "safety.toml [dosing]: pattern",
    ] {
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    }
    assert!(
        text.contains("entries/treatment.toml ["),
        "the file and entry are named:\n{text}"
    );
}

#[test]
fn check_catches_empty_and_overlong_answers() {
    let dir = copy_of_knowledge();
    let d = dir.path();
    let path = d.join("entries/outlook.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    let long = format!("answer = \"\"\"\n{}\"\"\"\n", "word ".repeat(400));
    let broken = text.replacen(
        "answer = \"\"\"",
        &format!("{long}\nanswer_was = \"\"\""),
        1,
    );
    std::fs::write(&path, broken).expect("write");
    let (ok, text) = check(d);
    assert!(!ok);
    assert!(text.contains("entries/outlook.toml"), "{text}");

    let dir = copy_of_knowledge();
    let d = dir.path();
    let path = d.join("entries/outlook.toml");
    let original = std::fs::read_to_string(&path).expect("read");
    let start = original.find("answer = \"\"\"").expect("an answer");
    let end = start + 12 + original[start + 12..].find("\"\"\"").expect("answer end") + 3;
    let emptied = format!("{}answer = \"\"{}", &original[..start], &original[end..]);
    std::fs::write(&path, &emptied).expect("write");
    let (ok, text) = check(d);
    assert!(!ok);
    assert!(text.contains("has an empty answer"), "{text}");

    let overlong = format!(
        "{}answer = \"{}\"{}",
        &original[..start],
        "word ".repeat(400),
        &original[end..]
    );
    std::fs::write(&path, overlong).expect("write");
    let (ok, text) = check(d);
    assert!(!ok);
    assert!(text.contains("keep it under 1500"), "{text}");
}

/// The clinical content review's limit: a reader sees at most 900 characters of answer and
/// conflict note together. The built-in base keeps to it, and `check` names an entry that
/// does not (while the bot still loads it, so a curator can try a draft).
#[test]
fn answers_with_their_conflict_notes_stay_within_900_characters() {
    let kb = KnowledgeBase::builtin().expect("valid base");
    for entry in &kb.entries {
        let len = entry.answer.trim().chars().count()
            + entry
                .conflict
                .as_deref()
                .map_or(0, |c| c.trim().chars().count());
        assert!(len <= 900, "{} is {len} characters", entry.id);
    }
    assert!(kb.editorial_problems().is_empty());

    let dir = copy_of_knowledge();
    let d = dir.path();
    let path = d.join("entries/outlook.toml");
    let original = std::fs::read_to_string(&path).expect("read");
    let start = original.find("answer = \"\"\"").expect("an answer");
    let padded = format!(
        "{}answer = \"\"\"\n{}{}",
        &original[..start],
        "A sentence that pads the answer. ".repeat(5),
        &original[start + 12..]
    );
    std::fs::write(&path, padded).expect("write");
    let (ok, text) = check(d);
    assert!(!ok, "{text}");
    assert!(
        text.contains("entries/outlook.toml [prognosis]") && text.contains("within 900"),
        "{text}"
    );
    KnowledgeBase::load(d).expect("an overlong draft still loads");
}

#[test]
fn check_reports_broken_toml_and_missing_files() {
    let dir = copy_of_knowledge();
    let d = dir.path();
    std::fs::write(d.join("entries/general.toml"), "[[entry]\nid = ").expect("write");
    std::fs::remove_file(d.join("sources.toml")).expect("remove");
    let (ok, text) = check(d);
    assert!(!ok);
    assert!(
        text.contains("entries/general.toml: is not valid"),
        "{text}"
    );
    assert!(text.contains("sources.toml: is missing"), "{text}");

    let (ok, text) = check(Path::new("/nonexistent/knowledge"));
    assert!(!ok);
    assert!(
        text.contains("cannot read the knowledge directory"),
        "{text}"
    );
}

#[test]
fn load_returns_the_problems_as_data() {
    let dir = copy_of_knowledge();
    edit(
        dir.path(),
        "entries/causes.toml",
        "related = [",
        "related = [\"nowhere\", ",
    );
    match KnowledgeBase::load(dir.path()) {
        Err(KnowledgeError::Invalid(problems)) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].file, "entries/causes.toml");
            assert!(problems[0].item.is_some());
        }
        other => panic!("expected an invalid base, got {other:?}"),
    }
}

/// Every id that topics.md lists is required by topics.toml (and so by `check`).
#[test]
fn required_ids_match_topics_md() {
    let topics_md = shared().join("knowledge/topics.md");
    let Ok(text) = std::fs::read_to_string(&topics_md) else {
        eprintln!(
            "skipped: {} is not beside this checkout",
            topics_md.display()
        );
        return;
    };
    let kb = KnowledgeBase::builtin().expect("valid base");
    let mut in_special = false;
    let mut listed = Vec::new();
    for line in text.lines() {
        if line.starts_with("## Special labels") {
            in_special = true;
        }
        if in_special || !line.starts_with("| ") {
            continue;
        }
        let id = line[2..].split(" |").next().unwrap_or("").trim();
        if !id.is_empty() && id != "id" && !id.starts_with('-') {
            listed.push(id.to_string());
        }
    }
    assert!(listed.len() >= 40, "parsed {listed:?}");
    for id in &listed {
        assert!(
            kb.topics.required.contains(id),
            "topics.toml does not require {id}"
        );
        assert!(kb.entry(id).is_some(), "no entry {id}");
    }
}

/// The conflicts topics.md lists are shown: each such entry has a conflict note naming sources.
#[test]
fn listed_conflicts_are_shown() {
    let kb = KnowledgeBase::builtin().expect("valid base");
    for id in [
        "diet-calcium",
        "home-remedies",
        "causes-overview",
        "cause-kidney",
        "types-overview",
        "prevention",
    ] {
        let entry = kb.entry(id).expect("entry exists");
        let note = entry.conflict.as_deref().unwrap_or("");
        assert!(!note.trim().is_empty(), "{id} needs a conflict note");
        let names_a_source = kb
            .sources
            .iter()
            .any(|s| note.contains(s.publisher.split(' ').next().unwrap_or("?")));
        assert!(
            names_a_source,
            "{id}'s conflict note should say which source says what: {note}"
        );
    }
}

/// The grounding check of the brief: drugs, tests and numbers in answers are in the cited
/// sources, and nothing is copied from them.
#[test]
fn answers_are_grounded_in_their_sources() {
    let tool = shared().join("tools/grounding.py");
    let seeds = shared().join("seeds");
    if !tool.exists() {
        eprintln!("skipped: {} is not beside this checkout", tool.display());
        return;
    }
    let out = tempfile::tempdir().expect("temp dir");
    let export = out.path().join("export.json");
    let output = Command::new(env!("CARGO_BIN_EXE_calcibot"))
        .args(["export", "--format", "json"])
        .env_remove("KNOWLEDGE_DIR")
        .output()
        .expect("export runs");
    assert!(output.status.success());
    std::fs::write(&export, &output.stdout).expect("write export");
    let result = Command::new("python3")
        .arg(&tool)
        .arg(&export)
        .arg(&seeds)
        .output();
    let Ok(result) = result else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    let text = String::from_utf8_lossy(&result.stdout);
    assert!(result.status.success(), "grounding problems:\n{text}");
    assert!(text.contains(" 0 grounding or copying problems"), "{text}");
}

/// `check` reads every language's safety words and texts: a concept no rule knows, a text
/// left empty, a `*` inside a word, a word listed twice and an unknown detector code are each
/// reported with the language file.
#[test]
fn check_validates_every_languages_words_and_texts() {
    let dir = copy_of_knowledge();
    edit(dir.path(), "languages/fr.toml", "chest = [", "chset = [");
    edit(
        dir.path(),
        "languages/de.toml",
        "note = \"",
        "note = \" \" # \"",
    );
    edit(dir.path(), "languages/it.toml", "\"petto\"", "\"pe*tto\"");
    edit(dir.path(), "languages/es.toml", "\"torax\"", "\"pecho\"");
    edit(
        dir.path(),
        "languages/pl.toml",
        "whatlang = \"pol\"",
        "whatlang = \"xxx\"",
    );
    let (ok, text) = check(dir.path());
    assert!(!ok, "{text}");
    for expected in [
        "languages/fr.toml [concepts.chset]: is not a concept safety.toml declares",
        "languages/fr.toml [concepts]: has no words for 'chest'",
        "languages/de.toml [texts.note]",
        "languages/it.toml [concepts.chest]: term 'pe*tto'",
        "languages/es.toml [concepts.chest]: lists 'pecho' twice",
        "languages/pl.toml [whatlang]",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

/// A cluster of weak signs needs two or more signs the concepts declare: one would make a
/// weak sign an alarm on its own.
#[test]
fn check_validates_clusters_of_weak_signs() {
    let dir = copy_of_knowledge();
    edit(dir.path(), "safety.toml", "at_least = 2", "at_least = 1");
    edit(
        dir.path(),
        "safety.toml",
        "signs = [\"affairs\"",
        "signs = [\"afairs\"",
    );
    let (ok, text) = check(dir.path());
    assert!(!ok, "{text}");
    for expected in [
        "safety.toml [clusters[0]]: asks for at least 1 of",
        "safety.toml [clusters[0]]: uses concept 'afairs'",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

/// The interface texts are checked like the rest: written, with the placeholders they need.
#[test]
fn check_reports_interface_texts_with_wrong_placeholders() {
    let dir = copy_of_knowledge();
    let d = dir.path();
    edit(
        d,
        "interface.toml",
        "Ask again in {seconds} seconds",
        "Ask again in {secs} seconds",
    );
    edit(
        d,
        "interface.toml",
        "gone = \"That",
        "gone = \" \"\n# \"That",
    );
    let (ok, text) = check(d);
    assert!(!ok, "{text}");
    for expected in [
        "interface.toml [cooldown_many]: lacks {seconds}",
        "interface.toml [cooldown_many]: uses {secs}",
        "interface.toml [gone]: is empty",
    ] {
        assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
    }
}

#[test]
fn check_validates_the_labelled_examples() {
    let dir = copy_of_knowledge();
    let d = dir.path();
    std::fs::write(
        d.join("examples/broken.jsonl"),
        concat!(
            "{\"q\": \"what is it\", \"expect\": \"what-is\"}\n",
            "{\"q\": \"what is it\"\n",
            "{\"q\": \"what is it\", \"expect\": \"no-such-entry\"}\n",
            "{\"q\": \"was ist das\", \"expect\": \"what-is\", \"lang\": \"xx\"}\n",
        ),
    )
    .expect("write");
    edit(
        d,
        "safety.toml",
        "[resemblance.languages]\n",
        "[resemblance.languages]\nxx = 3.0\n",
    );
    edit(
        d,
        "safety.toml",
        "needs = [\"medicine\"]",
        "needs = [\"medicines\"]",
    );
    let (ok, text) = check(d);
    assert!(!ok, "{text}");
    assert!(
        text.contains("examples/broken.jsonl [line 2]: is not a labelled message"),
        "{text}"
    );
    assert!(text.contains("[line 3]: label 'no-such-entry'"), "{text}");
    assert!(text.contains("[line 4]: language 'xx'"), "{text}");
    assert!(text.contains("threshold for 'xx'"), "{text}");
    assert!(
        text.contains("[dosing_resemblance]: needs the concept 'medicines'"),
        "{text}"
    );
    assert!(!text.contains("[line 1]"), "{text}");

    // The resemblance reader with nothing to learn from is a problem, not a silent no-op.
    let dir = copy_of_knowledge();
    std::fs::remove_dir_all(dir.path().join("examples")).expect("remove");
    let (ok, text) = check(dir.path());
    assert!(!ok, "{text}");
    assert!(
        text.contains("safety.toml [resemblance]: needs labelled crisis messages"),
        "{text}"
    );
}
