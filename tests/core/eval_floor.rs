//! Guards the matcher's quality on the labelled dev set: a floor a little below what it reaches
//! (the figures themselves are printed by `calcibot eval`), every urgent and crisis message
//! caught, and few confident wrong answers.

use std::path::Path;

use calcibot::{eval, Bot, KnowledgeBase};

/// A little below the accuracy measured when this floor was set (90.0% on the held-out set;
/// see the closing notes).
const ACCURACY_FLOOR: f64 = 0.88;
const WRONG_ANSWER_CEILING: f64 = 0.03;
/// Dev set: measured 99.3% (134/135), no wrong answer, with question focus and facets.
const DEV_FLOOR: f64 = 0.95;
const DEV_WRONG_CEILING: f64 = 0.02;
/// Dev stories: measured 81.1% (73/90), no wrong answer; most of its misses are crisis,
/// urgent and dosing messages, the safety layer's to catch.
const STORIES_FLOOR: f64 = 0.77;
const STORIES_WRONG_CEILING: f64 = 0.03;
/// Third blind set: measured blind at 81.8% (139/170, its 6 lines for two entries then
/// missing counted as misses), 5.9% wrong; 95.3% (162/170), no wrong answer, after its
/// categories of miss were fixed.
const BLIND3_FLOOR: f64 = 0.92;
const BLIND3_WRONG_CEILING: f64 = 0.02;

/// `../shared/eval/dev.jsonl`, the set tuned on. A missing file fails the test, naming it: a
/// floor that passes without its data guards nothing.
#[test]
fn dev_set_stays_above_the_floor() {
    assert_floor(&shared("eval/dev.jsonl"), DEV_FLOOR, DEV_WRONG_CEILING);
}

/// `../shared/eval/dev-stories.jsonl`: long stories, non-native English and two questions in
/// one message, tuned on by category.
#[test]
fn dev_stories_stay_above_the_floor() {
    // Not every crisis message is caught yet: that is the safety layer's work (issue 9).
    assert_floor_flags(
        &shared("eval/dev-stories.jsonl"),
        STORIES_FLOOR,
        STORIES_WRONG_CEILING,
        false,
    );
}

/// `tests/data/blind3.jsonl`: 170 messages in the dev-stories styles by a teammate who saw
/// neither the base nor the dev sets, measured once when the question-focus work was done
/// (see the closing note) before anything was tuned on it; its categories of miss were fixed
/// afterwards, so it is no longer blind.
#[test]
fn third_blind_set_stays_above_the_floor() {
    // As for the dev stories, its crisis and urgent misses are the safety layer's.
    assert_floor_flags(
        &data("blind3.jsonl"),
        BLIND3_FLOOR,
        BLIND3_WRONG_CEILING,
        false,
    );
}

/// The text of `../shared/<name>`; panics naming the file when it is missing.
fn shared(name: &str) -> String {
    read(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared")
            .join(name),
    )
}

/// The text of `tests/data/<name>`; panics naming the file when it is missing.
fn data(name: &str) -> String {
    read(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| {
        panic!(
            "{}: {err}. The floor needs this file; put the shared folder beside the checkout.",
            path.display()
        )
    })
}

/// `tests/data/heldout.jsonl`: 150 messages written by a teammate who saw neither the knowledge
/// base nor the dev set. It was then used to find the safety layer's gaps, so it is no longer
/// blind, but it keeps the matcher honest about words the dev set does not contain.
#[test]
fn heldout_set_stays_above_the_floor() {
    assert_floor(
        include_str!("../data/heldout.jsonl"),
        ACCURACY_FLOOR,
        WRONG_ANSWER_CEILING,
    );
}

/// `tests/data/blind2.jsonl`: 120 more messages by another teammate who saw neither the base,
/// the code nor the other sets. Measured blind at 85.0% (urgent 6/8, crisis 4/5), 88.3% after
/// its safety misses were fixed; its floor guards those fixes. Its wrong answers are messages that tell a
/// story with a strong word from a neighbouring entry ("my friend squeezed hers..."), so its
/// ceiling is looser than the dev set's.
#[test]
fn second_blind_set_stays_above_the_floor() {
    assert_floor(include_str!("../data/blind2.jsonl"), 0.86, 0.05);
}

fn assert_floor(text: &str, accuracy_floor: f64, wrong_ceiling: f64) {
    assert_floor_flags(text, accuracy_floor, wrong_ceiling, true);
}

/// `every_flag`: every urgent and crisis message must be caught too.
fn assert_floor_flags(text: &str, accuracy_floor: f64, wrong_ceiling: f64, every_flag: bool) {
    let bot = Bot::new(KnowledgeBase::builtin().expect("valid base")).expect("bot");
    let cases = eval::parse(text, &bot).expect("the eval set parses");
    let report = eval::run(&bot, &cases);
    let summary = report.text();
    assert!(report.accuracy() >= accuracy_floor, "{summary}");
    let (urgent, urgent_total) = report.label("urgent");
    let (crisis, crisis_total) = report.label("crisis");
    if every_flag {
        assert_eq!(
            urgent, urgent_total,
            "every urgent message is caught\n{summary}"
        );
        assert_eq!(
            crisis, crisis_total,
            "every crisis message is caught\n{summary}"
        );
    }
    let wrong = report.wrong_answers() as f64 / report.total() as f64;
    assert!(wrong <= wrong_ceiling, "{summary}");
}
