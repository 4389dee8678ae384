//! Measuring the matcher on labelled messages (`calcibot eval FILE.jsonl`).
//!
//! Each line is `{"q": "...", "expect": "id|urgent|crisis|dosing|none", "also": [...]}`, with an
//! optional `"lang": "fr"` naming the language it is written in (then the report gives the
//! safety figures per language, and whether each safety reply came in that language). A wrong
//! answer (a confident answer for the wrong entry) is counted apart from other misses: it is the
//! failure that hurts a reader, where a clarify or a no-match only costs them a rephrase.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::json;

use crate::bot::Bot;
use crate::reply::{Reply, ReplyKind};

pub use crate::knowledge::examples::SPECIAL_LABELS;
use crate::knowledge::examples::{unknown_label, Line};

/// One labelled message.
#[derive(Debug, Clone)]
pub struct Case {
    /// 1-based line number in the file, for reports.
    pub line: usize,
    pub question: String,
    pub expect: String,
    pub also: Vec<String>,
    /// The language the message is written in, when the file says.
    pub lang: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
    #[error(
        "the file holds no cases; each line should be {{\"q\": \"...\", \"expect\": \"...\"}}"
    )]
    Empty,
}

/// Parses an eval file, checking every label against the knowledge base.
pub fn parse(text: &str, bot: &Bot) -> Result<Vec<Case>, EvalError> {
    let mut cases = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(raw).map_err(|err| EvalError::Line {
            line,
            message: format!(
                "not a case ({err}); expected {{\"q\": \"...\", \"expect\": \"id|urgent|crisis|dosing|none\"}}"
            ),
        })?;
        if parsed.q.trim().is_empty() {
            return Err(EvalError::Line {
                line,
                message: "\"q\" is empty".into(),
            });
        }
        for label in std::iter::once(&parsed.expect).chain(&parsed.also) {
            if let Some(message) = unknown_label(bot.knowledge(), label) {
                return Err(EvalError::Line { line, message });
            }
        }
        cases.push(Case {
            line,
            question: parsed.q,
            expect: parsed.expect,
            also: parsed.also,
            lang: parsed.lang,
        });
    }
    if cases.is_empty() {
        return Err(EvalError::Empty);
    }
    Ok(cases)
}

/// What the bot did with one case.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub case: Case,
    pub kind: ReplyKind,
    pub entry: Option<String>,
    pub dosing: bool,
    pub score: f32,
    pub correct: bool,
    /// A confident answer for an entry the case did not ask about.
    pub wrong_answer: bool,
    /// The language the reply was written in.
    pub language: String,
}

impl Outcome {
    /// An urgent or crisis reply to a message labelled neither: the alarm that makes readers
    /// stop trusting alarms.
    pub fn false_alarm(&self) -> bool {
        !matches!(self.case.expect.as_str(), "urgent" | "crisis")
            && matches!(self.kind, ReplyKind::Urgent | ReplyKind::Crisis)
    }
}

/// Whether `reply` is right for a case labelled `expect` (and `also`), and whether it is a
/// wrong answer.
pub fn judge(expect: &str, also: &[String], reply: &Reply<'_>) -> (bool, bool) {
    let answered = (reply.kind == ReplyKind::Answer)
        .then(|| reply.entry.map(|e| e.id.as_str()))
        .flatten();
    let correct = match expect {
        "urgent" => reply.kind == ReplyKind::Urgent,
        "crisis" => reply.kind == ReplyKind::Crisis,
        "dosing" => reply.dosing.is_some(),
        "none" => matches!(reply.kind, ReplyKind::NoMatch | ReplyKind::Smalltalk),
        id => answered.is_some_and(|a| a == id || also.iter().any(|x| x == a)),
    };
    let wrong = match expect {
        "urgent" | "crisis" | "dosing" => false,
        _ => answered.is_some() && !correct,
    };
    (correct, wrong)
}

pub fn run(bot: &Bot, cases: &[Case]) -> Report {
    let outcomes = cases
        .iter()
        .map(|case| {
            let reply = bot.ask(&case.question);
            let (correct, wrong_answer) = judge(&case.expect, &case.also, &reply);
            Outcome {
                case: case.clone(),
                kind: reply.kind,
                entry: reply.entry.map(|e| e.id.clone()),
                dosing: reply.dosing.is_some(),
                score: reply.score,
                correct,
                wrong_answer,
                language: reply.language.to_string(),
            }
        })
        .collect();
    Report { outcomes }
}

/// One language's safety figures, each as (count, out of).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LanguageFigures {
    pub urgent: (usize, usize),
    pub crisis: (usize, usize),
    pub dosing: (usize, usize),
    /// Urgent or crisis replies to the language's lines labelled neither (dosing lines too).
    pub false_alarms: (usize, usize),
    /// Safety lines (urgent, crisis, dosing) whose reply came in the writer's language.
    pub in_language: (usize, usize),
}

#[derive(Debug, Clone)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
}

impl Report {
    pub fn total(&self) -> usize {
        self.outcomes.len()
    }

    pub fn correct(&self) -> usize {
        self.outcomes.iter().filter(|o| o.correct).count()
    }

    pub fn wrong_answers(&self) -> usize {
        self.outcomes.iter().filter(|o| o.wrong_answer).count()
    }

    pub fn accuracy(&self) -> f64 {
        ratio(self.correct(), self.total())
    }

    /// (correct, total) for each expected label.
    pub fn per_label(&self) -> BTreeMap<&str, (usize, usize)> {
        let mut labels: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for o in &self.outcomes {
            let slot = labels.entry(o.case.expect.as_str()).or_default();
            slot.1 += 1;
            if o.correct {
                slot.0 += 1;
            }
        }
        labels
    }

    /// (caught, total) for a special label such as "urgent".
    pub fn label(&self, label: &str) -> (usize, usize) {
        self.per_label().get(label).copied().unwrap_or((0, 0))
    }

    /// (false alarms, messages labelled neither urgent nor crisis).
    pub fn false_alarms(&self) -> (usize, usize) {
        let others = self
            .outcomes
            .iter()
            .filter(|o| !matches!(o.case.expect.as_str(), "urgent" | "crisis"));
        let (mut alarms, mut total) = (0, 0);
        for o in others {
            total += 1;
            alarms += usize::from(o.false_alarm());
        }
        (alarms, total)
    }

    /// The safety figures for each language the file names, in code order.
    pub fn per_language(&self) -> BTreeMap<&str, LanguageFigures> {
        let mut out: BTreeMap<&str, LanguageFigures> = BTreeMap::new();
        for o in &self.outcomes {
            let Some(lang) = o.case.lang.as_deref() else {
                continue;
            };
            let figures = out.entry(lang).or_default();
            let slot = match o.case.expect.as_str() {
                "urgent" => Some(&mut figures.urgent),
                "crisis" => Some(&mut figures.crisis),
                "dosing" => Some(&mut figures.dosing),
                _ => None,
            };
            if let Some(slot) = slot {
                slot.1 += 1;
                slot.0 += usize::from(o.correct);
                figures.in_language.1 += 1;
                figures.in_language.0 += usize::from(o.language == lang);
            }
            // A dosing question given the crisis reply is as false an alarm as any other
            // message given it, as the whole file's figure counts it.
            if !matches!(o.case.expect.as_str(), "urgent" | "crisis") {
                figures.false_alarms.1 += 1;
                figures.false_alarms.0 += usize::from(o.false_alarm());
            }
        }
        out
    }

    pub fn misses(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| !o.correct)
    }

    /// The human report; its last line is `accuracy: N/M (P%)`.
    pub fn text(&self) -> String {
        let mut out = String::from("per label (correct/total):\n");
        for (label, (correct, total)) in self.per_label() {
            writeln!(out, "  {label:<30} {correct}/{total}").ok();
        }
        let misses: Vec<&Outcome> = self.misses().collect();
        if !misses.is_empty() {
            writeln!(out, "\nmisses ({}):", misses.len()).ok();
            for o in misses {
                let got = match (&o.entry, o.kind) {
                    (Some(entry), kind) => format!("{} {entry}", kind.as_str()),
                    (None, kind) => kind.as_str().to_string(),
                };
                let dosing = if o.dosing { " +dosing" } else { "" };
                let mark = if o.wrong_answer {
                    "WRONG "
                } else if o.false_alarm() {
                    "FALSE ALARM "
                } else {
                    ""
                };
                writeln!(
                    out,
                    "  {mark}line {}: expected {}, got {got}{dosing} (score {:.2}): {}",
                    o.case.line, o.case.expect, o.score, o.case.question
                )
                .ok();
            }
        }
        let wrong_language: Vec<&Outcome> = self
            .outcomes
            .iter()
            .filter(|o| {
                matches!(o.case.expect.as_str(), "urgent" | "crisis" | "dosing")
                    && o.case.lang.as_deref().is_some_and(|l| l != o.language)
            })
            .collect();
        if !wrong_language.is_empty() {
            writeln!(
                out,
                "\nsafety replies not in the writer's language ({}):",
                wrong_language.len()
            )
            .ok();
            for o in wrong_language {
                writeln!(
                    out,
                    "  line {}: {} written, {} replied: {}",
                    o.case.line,
                    o.case.lang.as_deref().unwrap_or("?"),
                    o.language,
                    o.case.question
                )
                .ok();
            }
        }
        let (urgent, urgent_total) = self.label("urgent");
        let (crisis, crisis_total) = self.label("crisis");
        writeln!(out).ok();
        writeln!(out, "urgent caught: {urgent}/{urgent_total}").ok();
        writeln!(out, "crisis caught: {crisis}/{crisis_total}").ok();
        let (dosing, dosing_total) = self.label("dosing");
        writeln!(out, "dosing flagged: {dosing}/{dosing_total}").ok();
        let (alarms, others) = self.false_alarms();
        writeln!(out, "false alarms: {alarms}/{others}").ok();
        let languages = self.per_language();
        if !languages.is_empty() {
            writeln!(
                out,
                "per language (urgent, crisis, dosing, false alarms, safety replies in the language):"
            )
            .ok();
            for (lang, f) in languages {
                let pair = |(n, m): (usize, usize)| format!("{n}/{m}");
                writeln!(
                    out,
                    "  {lang:<4} urgent {:<6} crisis {:<6} dosing {:<6} false alarms {:<6} in language {}",
                    pair(f.urgent),
                    pair(f.crisis),
                    pair(f.dosing),
                    pair(f.false_alarms),
                    pair(f.in_language)
                )
                .ok();
            }
        }
        writeln!(
            out,
            "wrong answers: {}/{} ({:.1}%)",
            self.wrong_answers(),
            self.total(),
            100.0 * ratio(self.wrong_answers(), self.total())
        )
        .ok();
        write!(
            out,
            "accuracy: {}/{} ({:.1}%)",
            self.correct(),
            self.total(),
            100.0 * self.accuracy()
        )
        .ok();
        out
    }

    pub fn json(&self) -> serde_json::Value {
        let labels: serde_json::Map<String, serde_json::Value> = self
            .per_label()
            .into_iter()
            .map(|(label, (correct, total))| {
                (
                    label.to_string(),
                    json!({"correct": correct, "total": total}),
                )
            })
            .collect();
        let misses: Vec<serde_json::Value> = self
            .misses()
            .map(|o| {
                json!({
                    "line": o.case.line,
                    "q": o.case.question,
                    "expect": o.case.expect,
                    "kind": o.kind.as_str(),
                    "entry": o.entry,
                    "dosing": o.dosing,
                    "score": o.score,
                    "wrong_answer": o.wrong_answer,
                    "false_alarm": o.false_alarm(),
                    "lang": o.case.lang,
                    "reply_lang": o.language,
                })
            })
            .collect();
        let languages: serde_json::Map<String, serde_json::Value> = self
            .per_language()
            .into_iter()
            .map(|(lang, f)| {
                let pair = |(n, m): (usize, usize)| json!({"count": n, "total": m});
                (
                    lang.to_string(),
                    json!({
                        "urgent": pair(f.urgent),
                        "crisis": pair(f.crisis),
                        "dosing": pair(f.dosing),
                        "false_alarms": pair(f.false_alarms),
                        "in_language": pair(f.in_language),
                    }),
                )
            })
            .collect();
        let (alarms, others) = self.false_alarms();
        json!({
            "total": self.total(),
            "false_alarms": {"count": alarms, "total": others},
            "languages": languages,
            "correct": self.correct(),
            "accuracy": self.accuracy(),
            "wrong_answers": self.wrong_answers(),
            "labels": labels,
            "misses": misses,
        })
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}
