//! How the resemblance readers do on rounds they never learnt from.
//!
//! Every blind round (`knowledge/examples/heldoutN-*.jsonl`, N from 13) is left out of training
//! in turn; the bot built on the rest reads the round's lines. For a range of thresholds it
//! prints how many crisis lines the lists and the crisis reader caught together (reading whole
//! messages, or with the threshold `safety.toml` sets for whole messages and the given one for
//! windows), and how many other lines (neither crisis nor urgent) the reader alone flagged; then
//! the same for urgent lines and the urgent reader, against the lines neither urgent nor crisis;
//! then for dosing lines and the dosing reader, against the lines neither dosing, urgent nor
//! crisis (a dosing notice on a question about a medicine in general is a wrong answer).
//! These are the figures the thresholds in `safety.toml` are set from.
//!
//! `cargo run --release --example reader_rounds [FIRST_ROUND]`

use calcibot::{Bot, KnowledgeBase};

/// One line of a left-out round, as the bot built without that round read it.
struct Read {
    english: bool,
    round: u32,
    label: String,
    /// The lists flagged it crisis on their own.
    lists: bool,
    /// The reader's score, when it was asked.
    score: Option<f64>,
    /// The best score of a window of one or two sentences, when the reader was asked.
    window: Option<f64>,
    /// The lists flagged it urgent on their own.
    urgent_lists: bool,
    /// The urgent reader's score, when it was asked.
    urgent_score: Option<f64>,
    /// The lists flagged it dosing on their own.
    dosing_lists: bool,
    /// The dosing reader's score, when it was asked.
    dosing_score: Option<f64>,
}

impl Read {
    /// Neither crisis nor urgent: a line either reader's flag would be a false alarm on.
    fn is_other(&self) -> bool {
        self.label != "crisis" && self.label != "urgent"
    }
}

fn round_of(file: &str) -> Option<u32> {
    let name = file.strip_prefix("examples/heldout")?;
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn main() -> anyhow::Result<()> {
    let first: u32 = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 13,
    };
    let kb =
        KnowledgeBase::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"))?;
    let mut rounds: Vec<u32> = kb
        .examples
        .iter()
        .filter_map(|e| round_of(&e.file))
        .filter(|&r| r >= first)
        .collect();
    rounds.sort_unstable();
    rounds.dedup();
    let mut reads: Vec<Read> = Vec::new();
    for &round in &rounds {
        let mut trained = kb.clone();
        trained
            .examples
            .retain(|e| round_of(&e.file) != Some(round));
        // Every language reads windows, with a threshold never reached, and the urgent
        // reader never flags: the scores are wanted, not the flags.
        if let Some(settings) = trained.safety.resemblance.as_mut() {
            settings.windows = trained
                .languages
                .iter()
                .map(|l| (l.code.clone(), f64::MAX))
                .collect();
            let mut urgent = settings.clone();
            urgent.threshold = f64::MAX;
            urgent.languages.clear();
            urgent.windows.clear();
            let mut dosing = urgent.clone();
            dosing.needs = vec!["medicine".to_string()];
            trained.safety.urgent_resemblance = Some(urgent);
            trained.safety.dosing_resemblance = Some(dosing);
        }
        let bot = Bot::new(trained)?;
        for example in kb
            .examples
            .iter()
            .filter(|e| round_of(&e.file) == Some(round))
        {
            let explanation = bot.explain(&example.text);
            let safety = explanation.safety();
            let lists = safety.flags.crisis
                && !(safety.resemblance_unasked.is_none()
                    && safety.resemblance.as_ref().is_some_and(|r| r.resembles()));
            let score = match safety.resemblance_unasked {
                None => safety.resemblance.as_ref().map(|r| r.score),
                Some(_) => None,
            };
            let window = match safety.resemblance_unasked {
                None => safety
                    .resemblance
                    .as_ref()
                    .and_then(|r| r.window.map(|(score, _)| score)),
                Some(_) => None,
            };
            let urgent_score = match safety.urgent_resemblance_unasked {
                None => safety.urgent_resemblance.as_ref().map(|r| r.score),
                Some(_) => None,
            };
            // Read where the lists found a dosing question too: the lists hold every dosing
            // line of the rounds, so only the reader alone tells how it carries over.
            let dosing_score = match safety.dosing_resemblance_unasked {
                None | Some("the lists found a dosing question") => {
                    safety.dosing_resemblance.as_ref().map(|r| r.score)
                }
                Some(_) => None,
            };
            reads.push(Read {
                dosing_lists: safety.flags.dosing,
                dosing_score,
                urgent_lists: safety.flags.urgent,
                urgent_score,
                window,
                english: example.language == "en",
                round,
                label: example.label.clone(),
                lists,
                score,
            });
        }
    }
    println!("rounds {rounds:?} left out in turn");
    let last = rounds.last().copied().unwrap_or(0);
    for english in [true, false] {
        for newest in [false, true] {
            let group: Vec<&Read> = reads
                .iter()
                .filter(|r| r.english == english && (r.round == last) == newest)
                .collect();
            let which = if newest {
                "newest round"
            } else {
                "earlier rounds"
            };
            report(&group, english, whole(&kb, english), which);
            report_urgent(&group, english, which);
            report_dosing(&group, english, which);
        }
    }
    Ok(())
}

/// The whole-message threshold `safety.toml` sets for English, or for German as one of the six.
fn whole(kb: &KnowledgeBase, english: bool) -> f64 {
    let code = if english { "en" } else { "de" };
    kb.safety.resemblance.as_ref().map_or(f64::MAX, |settings| {
        settings
            .languages
            .get(code)
            .copied()
            .unwrap_or(settings.threshold)
    })
}

fn report(group: &[&Read], english: bool, whole: f64, which: &str) {
    let crisis = group.iter().filter(|r| r.label == "crisis").count();
    let others = group.iter().filter(|r| r.is_other()).count();
    let by_lists = group
        .iter()
        .filter(|r| r.label == "crisis" && r.lists)
        .count();
    println!(
        "{} ({which}): {crisis} crisis lines, {by_lists} caught by the lists; {others} others",
        if english { "en" } else { "six languages" }
    );
    let count = |threshold: f64, window: f64| {
        let hit = |r: &&&Read| {
            r.score.is_some_and(|s| s >= threshold) || r.window.is_some_and(|s| s >= window)
        };
        let caught = group
            .iter()
            .filter(|r| r.label == "crisis")
            .filter(|r| r.lists || hit(r))
            .count();
        let alarms = group
            .iter()
            .filter(|r| r.is_other() && !r.lists)
            .filter(hit)
            .count();
        (caught, alarms)
    };
    for tenth in (40..=200).step_by(10) {
        let threshold = f64::from(tenth) / 10.0;
        let (caught, alarms) = count(threshold, f64::MAX);
        print!("  whole {threshold:>4.1}: {caught}/{crisis} fa {alarms}");
        let (caught, alarms) = count(whole, threshold);
        println!("   | whole {whole} + window {threshold:>4.1}: {caught}/{crisis} fa {alarms}");
    }
}

fn report_urgent(group: &[&Read], english: bool, which: &str) {
    let urgent = group.iter().filter(|r| r.label == "urgent").count();
    let others: Vec<&&Read> = group.iter().filter(|r| r.is_other()).collect();
    let by_lists = group
        .iter()
        .filter(|r| r.label == "urgent" && r.urgent_lists)
        .count();
    println!(
        "{} ({which}): {urgent} urgent lines, {by_lists} caught by the lists; {} others",
        if english { "en" } else { "six languages" },
        others.len()
    );
    for tenth in (40..=300).step_by(20) {
        let threshold = f64::from(tenth) / 10.0;
        let flagged = |r: &&Read| r.urgent_score.is_some_and(|s| s >= threshold);
        let caught = group
            .iter()
            .filter(|r| r.label == "urgent" && (r.urgent_lists || flagged(r)))
            .count();
        let alarms = others
            .iter()
            .filter(|r| !r.urgent_lists && flagged(r))
            .count();
        println!("  urgent reader {threshold:>4.1}: {caught}/{urgent} fa {alarms}");
    }
}

fn report_dosing(group: &[&Read], english: bool, which: &str) {
    let dosing = group.iter().filter(|r| r.label == "dosing").count();
    let others: Vec<&&Read> = group
        .iter()
        .filter(|r| r.is_other() && r.label != "dosing")
        .collect();
    let by_lists = group
        .iter()
        .filter(|r| r.label == "dosing" && r.dosing_lists)
        .count();
    println!(
        "{} ({which}): {dosing} dosing lines, {by_lists} caught by the lists; {} others",
        if english { "en" } else { "six languages" },
        others.len()
    );
    for tenth in (-100..=200).step_by(20) {
        let threshold = f64::from(tenth) / 10.0;
        let flagged = |r: &&Read| r.dosing_score.is_some_and(|s| s >= threshold);
        let alone = group
            .iter()
            .filter(|r| r.label == "dosing" && flagged(r))
            .count();
        let together = group
            .iter()
            .filter(|r| r.label == "dosing" && (r.dosing_lists || flagged(r)))
            .count();
        let wrong = others
            .iter()
            .filter(|r| !r.dosing_lists && flagged(r))
            .count();
        println!(
            "  dosing reader {threshold:>5.1}: {alone}/{dosing} by the reader alone, {together} with the lists; flagged on others {wrong}"
        );
    }
}
