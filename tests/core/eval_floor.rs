//! Guards the matcher's quality on the labelled dev set: a floor a little below what it reaches
//! (the figures themselves are printed by `calcibot eval`), every urgent and crisis message
//! caught, and few confident wrong answers.

use std::path::Path;

use calcibot::{eval, Bot, KnowledgeBase};

/// A little below the accuracy measured when this floor was set (92.6% on dev, 90.0% on the
/// held-out set; see the closing notes).
const ACCURACY_FLOOR: f64 = 0.88;
const WRONG_ANSWER_CEILING: f64 = 0.03;

#[test]
fn dev_set_stays_above_the_floor() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dev.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is not beside this checkout", path.display());
        return;
    };
    assert_floor(&text, ACCURACY_FLOOR, WRONG_ANSWER_CEILING);
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
    let bot = Bot::new(KnowledgeBase::builtin().expect("valid base")).expect("bot");
    let cases = eval::parse(text, &bot).expect("the eval set parses");
    let report = eval::run(&bot, &cases);
    let summary = report.text();
    assert!(report.accuracy() >= accuracy_floor, "{summary}");
    let (urgent, urgent_total) = report.label("urgent");
    let (crisis, crisis_total) = report.label("crisis");
    assert_eq!(
        urgent, urgent_total,
        "every urgent message is caught\n{summary}"
    );
    assert_eq!(
        crisis, crisis_total,
        "every crisis message is caught\n{summary}"
    );
    let wrong = report.wrong_answers() as f64 / report.total() as f64;
    assert!(wrong <= wrong_ceiling, "{summary}");
}
