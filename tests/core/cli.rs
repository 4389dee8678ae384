//! The CLI contract of design.md, through the real binary: what scripts and users depend on.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn calcibot(args: &[&str]) -> Output {
    run(args, None)
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_calcibot"))
        .args(args)
        .env_remove("DISCORD_TOKEN")
        .env_remove("KNOWLEDGE_DIR")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the calcibot binary runs");
    {
        let mut input = child.stdin.take().expect("stdin is piped");
        if let Some(bytes) = stdin {
            input.write_all(bytes).expect("stdin accepts input");
        }
    }
    child.wait_with_output().expect("calcibot finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_failed_cleanly(output: &Output, says: &str) {
    assert!(
        !output.status.success(),
        "expected failure, got success: {}",
        stdout(output)
    );
    let err = stderr(output);
    assert!(err.contains(says), "stderr should mention {says:?}: {err}");
    assert!(!err.contains("panicked"), "must not panic: {err}");
}

#[test]
fn ask_json_follows_the_contract() {
    let output = calcibot(&["ask", "--json", "what", "is", "calcinosis", "cutis?"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let reply: serde_json::Value =
        serde_json::from_str(stdout(&output).trim()).expect("one JSON object");
    assert_eq!(reply["kind"], "answer");
    assert_eq!(reply["entry"], "what-is");
    assert!(reply["candidates"].is_array());
    assert!(reply["score"].as_f64().is_some_and(|s| s > 0.0));
    assert_eq!(reply["flags"], serde_json::json!([]));
    let text = reply["text"].as_str().expect("text is a string");
    assert!(text.contains("Sources:"), "{text}");
    assert!(text.contains("not a doctor"), "{text}");
}

#[test]
fn ask_json_sets_the_dosing_flag_and_never_a_dose() {
    let output = calcibot(&[
        "ask",
        "--json",
        "how much diltiazem should I take for my calcinosis?",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let reply: serde_json::Value =
        serde_json::from_str(stdout(&output).trim()).expect("one JSON object");
    assert_eq!(reply["flags"], serde_json::json!(["dosing"]));
    let text = reply["text"].as_str().expect("text");
    assert!(text.contains("prescribes"), "{text}");
    assert!(
        !text.to_lowercase().contains(" mg"),
        "no dose may be given: {text}"
    );
}

#[test]
fn ask_reads_the_question_from_stdin() {
    let output = run(
        &["ask", "--json"],
        Some(b"is calcinosis cutis dangerous?\n"),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let reply: serde_json::Value = serde_json::from_str(stdout(&output).trim()).expect("JSON");
    assert_eq!(reply["entry"], "is-it-serious");
}

#[test]
fn empty_and_whitespace_questions_are_refused() {
    assert_failed_cleanly(&calcibot(&["ask", ""]), "question is empty");
    assert_failed_cleanly(&calcibot(&["ask", "   \t "]), "question is empty");
    assert_failed_cleanly(&run(&["ask"], Some(b"\n\n")), "question is empty");
}

#[test]
fn a_10000_character_question_is_refused_with_the_limit() {
    let long = "calcium ".repeat(1_250);
    assert_failed_cleanly(&calcibot(&["ask", &long]), "the limit is 4000");
}

#[test]
fn invalid_utf8_on_stdin_is_an_error_not_a_panic() {
    assert_failed_cleanly(
        &run(&["ask"], Some(b"what is \xff\xfe calcinosis")),
        "not UTF-8",
    );
}

#[test]
fn chat_survives_bad_lines_and_ends_at_end_of_input() {
    let input = b"what is calcinosis cutis\n\n   \n\xff\xfe\nthanks\n";
    let output = run(&["chat"], Some(input));
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("Sources:"), "{out}");
    assert!(out.contains("not valid UTF-8"), "{out}");
    assert!(
        out.contains("welcome"),
        "the line after the bad one is still answered: {out}"
    );
}

#[test]
fn chat_is_the_default_without_a_token() {
    let output = run(&[], Some(b"hello\n"));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("DISCORD_TOKEN is not set"));
    assert!(stdout(&output).contains("calcinosis"));
}

#[test]
fn chat_opens_a_numbered_choice() {
    let output = run(&["chat"], Some(b"topics\n1\n"));
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("Sources:"), "choosing 1 shows an entry: {out}");
}

#[test]
fn a_missing_knowledge_directory_says_what_to_do() {
    let output = calcibot(&[
        "--knowledge",
        "/nonexistent/calcibot-knowledge",
        "ask",
        "hi",
    ]);
    assert_failed_cleanly(&output, "cannot read the knowledge directory");
    assert!(stderr(&output).contains("--knowledge"));
}

#[test]
fn eval_reports_the_line_of_a_malformed_case() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("bad.jsonl");
    std::fs::write(
        &file,
        "{\"q\": \"what is calcinosis\", \"expect\": \"what-is\"}\n\n{\"q\": \"oops\"\n",
    )
    .expect("write eval file");
    let output = calcibot(&["eval", file.to_str().expect("utf-8 path")]);
    assert_failed_cleanly(&output, "line 3");

    std::fs::write(
        &file,
        "{\"q\": \"what is it\", \"expect\": \"no-such-entry\"}\n",
    )
    .expect("write");
    assert_failed_cleanly(
        &calcibot(&["eval", file.to_str().expect("utf-8 path")]),
        "no-such-entry",
    );

    assert_failed_cleanly(
        &calcibot(&["eval", "/nonexistent/dev.jsonl"]),
        "cannot read the eval file",
    );
}

#[test]
fn eval_prints_accuracy_last() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("small.jsonl");
    std::fs::write(
        &file,
        "{\"q\": \"what is calcinosis cutis\", \"expect\": \"what-is\"}\n{\"q\": \"hi\", \"expect\": \"none\"}\n{\"q\": \"what's the capital of France\", \"expect\": \"what-is\"}\n",
    )
    .expect("write eval file");
    let output = calcibot(&["eval", file.to_str().expect("utf-8 path")]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert_eq!(
        out.trim_end().lines().last(),
        Some("accuracy: 2/3 (66.7%)"),
        "{out}"
    );

    let output = calcibot(&["eval", "--json", file.to_str().expect("utf-8 path")]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON report");
    assert_eq!(report["correct"], 2);
    assert_eq!(report["misses"][0]["line"], 3);
}

#[test]
fn export_json_holds_every_entry_with_resolved_sources() {
    let output = calcibot(&["export", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let export: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON export");
    let entries = export["entries"].as_array().expect("entries array");
    assert!(entries.len() >= 44, "every topics.md id is exported");
    for entry in entries {
        for field in [
            "id",
            "title",
            "questions",
            "keywords",
            "answer",
            "sources",
            "related",
            "reviewed",
        ] {
            assert!(!entry[field].is_null(), "{} lacks {field}", entry["id"]);
        }
        let sources = entry["sources"].as_array().expect("sources array");
        assert!(!sources.is_empty(), "{} has no sources", entry["id"]);
        for source in sources {
            assert!(
                source["title"].is_string() && source["publisher"].is_string(),
                "{source}"
            );
        }
    }
}

#[test]
fn export_markdown_is_a_readable_faq() {
    let output = calcibot(&["export", "--format", "markdown"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let md = stdout(&output);
    assert!(md.starts_with("# "));
    assert!(md.contains("## Treatment"));
    assert!(md.contains("*Sources:*"));
    assert!(md.contains("not a doctor"));
    // Each article is named once per answer, with the sections cited from it together, even
    // where an entry cites two parts of one article.
    let export: serde_json::Value =
        serde_json::from_str(&stdout(&calcibot(&["export", "--format", "json"]))).expect("JSON");
    let titles: Vec<&str> = export["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["title"].as_str())
        .collect();
    let lines: Vec<&str> = md.lines().filter(|l| l.starts_with("*Sources:*")).collect();
    assert!(!lines.is_empty());
    for line in lines {
        for title in &titles {
            let named = line.matches(&format!("[{title}](")).count()
                + line.matches(&format!("; {title},")).count()
                + line.matches(&format!("*Sources:* {title},")).count();
            assert!(named <= 1, "{title} named {named} times in {line}");
        }
    }
}

#[test]
fn unknown_export_format_is_a_usage_error() {
    let output = calcibot(&["export", "--format", "pdf"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("pdf"));
}

/// Output to a pipe is for scripts: no escape codes and no wrapping, whatever the terminal.
#[test]
fn piped_output_is_plain() {
    let output = calcibot(&["ask", "what", "is", "calcinosis", "cutis?"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(!text.contains('\x1b'), "{text}");
    assert!(
        text.lines().any(|l| l.chars().count() > 120),
        "a long paragraph stays on one line when piped:\n{text}"
    );
}

/// `--explain` shows a curator how the message was read and how the best entries scored,
/// before the reply itself.
#[test]
fn ask_explain_shows_the_reading_and_the_scores() {
    let output = calcibot(&["ask", "--explain", "does", "diltiazem", "help"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for label in [
        "normalised:",
        "spelled:",
        "rewritten:",
        "terms:",
        "phrase ",
        "coverage ",
    ] {
        assert!(text.contains(label), "{label:?} missing:\n{text}");
    }
    let reading = text.find("terms:").expect("the reading");
    let sources = text.find("Sources:").expect("the reply");
    assert!(reading < sources, "the reading comes first:\n{text}");
}
