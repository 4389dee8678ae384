//! The data model of the knowledge base, as it is written in `knowledge/*.toml`.
//!
//! These types mirror the files one to one (serde does the reading), so a curator can read the
//! TOML and this module side by side. Checks that need the whole base live in `validate.rs`.

use serde::{Deserialize, Serialize};

/// One question-and-answer entry.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Stable id, as listed in `topics.md`; scripts and buttons refer to entries by it.
    pub id: String,
    /// The question a user would ask, shown as the reply's heading.
    pub title: String,
    /// The date the entry was last checked against its sources, shown with the answer.
    pub reviewed: String,
    /// Who checked it on that date, as a role ("content review 1"): health-information
    /// standards ask that a reader can see not only when but by whom an answer was reviewed.
    pub reviewer: String,
    /// Whether the shared "get help now" line (`help_now` in `safety.toml`) follows the answer:
    /// set on every entry that talks about infection, ulcers or tissue death, so the signs that
    /// cannot wait are named in one wording wherever they come up.
    #[serde(default)]
    pub help_now: bool,
    /// Ways users phrase this question; the matcher compares messages against each one.
    #[serde(default)]
    pub questions: Vec<String>,
    /// Words and short phrases that single this entry out from its neighbours.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Regular expressions for intents, matched against the normalised message.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// The answer in our own words (Discord markdown).
    pub answer: String,
    /// Where the sources disagree: who says what, shown with the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<String>,
    /// Ids of entries a reader may want next.
    #[serde(default)]
    pub related: Vec<String>,
    /// The sources that support the answer.
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// The theme the entry belongs to: the stem of the file that holds it.
    #[serde(default, skip_deserializing)]
    pub theme: String,
    /// The file that holds it, relative to the knowledge directory, for problem reports.
    #[serde(skip)]
    pub file: String,
}

/// A citation: which source, and which part of it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub id: String,
    pub section: String,
}

/// A source article (`knowledge/sources.toml`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    /// The seed file the article was taken from, for reviewers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub title: String,
    pub publisher: String,
    /// Given only where a public copy matches the article word for word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What a reader should know when weighing this source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The texts and patterns of the safety layer (`knowledge/safety.toml`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyConfig {
    /// Appended to every reply: the bot is not a doctor; seek care.
    pub disclaimer: String,
    pub urgent: SafetyRule,
    pub crisis: SafetyRule,
    pub dosing: SafetyRule,
    /// The signs that need help now (spreading redness, fever, a finger or sore turning dark,
    /// black, cold or numb), shown after every entry marked `help_now`.
    pub help_now: String,
    /// Said when nothing in the base matches.
    pub no_match: String,
    /// Said before the choices when a message could mean two or three entries.
    pub clarify: String,
    /// Words the safety patterns rely on, so that misspellings of them are corrected too.
    #[serde(default)]
    pub vocabulary: Vec<String>,
    /// Named alternations that patterns use as `{name}` (e.g. every word for a medicine).
    #[serde(default)]
    pub sets: std::collections::BTreeMap<String, String>,
    /// Ends a crisis reply instead of the medical disclaimer: a crisis reply carries nothing
    /// medical, and "this is not medical advice" reads coldly under it.
    pub crisis_footer: String,
    /// Told to a writer in a language the bot has no note for: it answers in English.
    pub language_note: String,
    /// The concepts red flags are made of; each language says which words stand for them.
    #[serde(default)]
    pub concepts: std::collections::BTreeMap<String, super::languages::Concept>,
    /// Red flags as combinations of concepts within one sentence.
    #[serde(default)]
    pub rules: Vec<super::languages::ConceptRule>,
    /// Weak warning signs that raise a flag when several are in one message.
    #[serde(default)]
    pub clusters: Vec<super::languages::SignCluster>,
    /// How many words after a negation ("no", "without") it still negates (NegEx uses 5).
    #[serde(default = "negation_window")]
    pub negation_window: usize,
    /// The second crisis reader, which learns from the labelled messages (see
    /// `safety::resemblance`); off when absent.
    #[serde(default)]
    pub resemblance: Option<ResemblanceSettings>,
    /// A reader of urgent signs the same way, for emergencies told in words no list holds;
    /// off when absent.
    #[serde(default)]
    pub urgent_resemblance: Option<ResemblanceSettings>,
    /// A reader of personal dosing questions the same way, for the many ways of asking to
    /// take, stop or change one's own medicine that no list holds; off when absent.
    #[serde(default)]
    pub dosing_resemblance: Option<ResemblanceSettings>,
}

/// How sure the resemblance reader must be before it calls a message a crisis.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResemblanceSettings {
    /// The log-odds, crisis against the rest, a message must reach.
    pub threshold: f64,
    /// Messages of fewer words are left to the lists: a bare "thank you all for everything"
    /// is made of words that crisis goodbyes use, and is most often just thanks.
    #[serde(default = "resemblance_min_words")]
    pub min_words: usize,
    /// Thresholds for particular languages, by code: the models of the six other languages
    /// learn from fewer, shorter lines and score the others far lower than English's does.
    #[serde(default)]
    pub languages: std::collections::BTreeMap<String, f64>,
    /// What the best window of one or two sentences must reach, by language code; a language
    /// not named reads whole messages only (see `safety::resemblance`).
    #[serde(default)]
    pub windows: std::collections::BTreeMap<String, f64>,
    /// Concepts of which one must be found, neither negated nor excluded, before the reader is
    /// asked (the dosing reader asks for a medicine named somewhere); empty asks always.
    #[serde(default)]
    pub needs: Vec<String>,
}

fn resemblance_min_words() -> usize {
    6
}

fn negation_window() -> usize {
    5
}

/// One kind of red flag: the message to show and the patterns that raise it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyRule {
    pub text: String,
    pub patterns: Vec<String>,
    /// Patterns that, when they match, cancel the rule (e.g. "no fever").
    #[serde(default)]
    pub unless: Vec<String>,
}

/// Lay words, spelling variants and words that carry no meaning (`knowledge/lexicon.toml`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    /// Words ignored when scoring ("the", "my", "tbh").
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Words that shape a question but do not say what it is about ("what", "how"): they count
    /// when comparing phrasings, but an entry needs some other word in common to be a candidate.
    #[serde(default)]
    pub question_words: Vec<String>,
    /// A word or phrase, as users write it, and what it means in the knowledge base's words.
    #[serde(default)]
    pub terms: std::collections::BTreeMap<String, String>,
}

/// Greetings, thanks and other chit-chat (`knowledge/smalltalk.toml`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Smalltalk {
    pub id: String,
    pub patterns: Vec<String>,
    pub reply: String,
}

/// A kind of question the sources do not cover (`knowledge/scope.toml`), with what to say.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Outside {
    pub id: String,
    pub patterns: Vec<String>,
    /// Patterns that show the question is in scope after all (it names the condition).
    #[serde(default)]
    pub unless: Vec<String>,
    pub reply: String,
    /// Entries worth offering with the reply.
    #[serde(default)]
    pub suggest: Vec<String>,
}

/// The list of ids the base must hold and the names of its themes (`knowledge/topics.toml`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Topics {
    /// Every id of `topics.md`; `check` reports each one missing.
    pub required: Vec<String>,
    /// Themes in display order: the entries file stem and the name shown to users.
    #[serde(default)]
    pub themes: Vec<Theme>,
    /// Entries offered when a question matches nothing: the ones most people start from.
    #[serde(default)]
    pub suggest: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub id: String,
    pub name: String,
}

/// How the matcher reads what a message asks and what it is about (`knowledge/facets.toml`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Facets {
    /// Patterns that make a sentence ask, besides a question mark.
    #[serde(default)]
    pub asking: Vec<String>,
    /// Patterns that show a message is about the condition; facets count only then (or when
    /// the message names a subject).
    #[serde(default)]
    pub domain: Vec<String>,
    /// Patterns that show a message speaks of deposits in the skin: in a story that does, an
    /// out-of-scope word counts only near its question.
    #[serde(default)]
    pub skin: Vec<String>,
    #[serde(default)]
    pub aspect: Vec<Aspect>,
    #[serde(default)]
    pub subject: Vec<Subject>,
    /// Entry id -> the facets it answers: "ASPECT" or "ASPECT SUBJECT" ("*" for any aspect).
    #[serde(default)]
    pub entries: std::collections::BTreeMap<String, Vec<String>>,
}

/// What a question can ask: treatment, cause, outlook...
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Aspect {
    pub id: String,
    /// The entry answering this aspect for no subject in particular, if there is one ("is it
    /// a good idea to...?" has none: only the subject's entry can say).
    #[serde(default)]
    pub general: Option<String>,
    /// Patterns read in the asking sentences.
    pub cues: Vec<String>,
    /// Broader aspects this one narrows when a sentence asks both: "what else can look like
    /// calcinosis" asks about look-alikes, not about how calcinosis looks.
    #[serde(default)]
    pub over: Vec<String>,
}

/// What a message can be about: scleroderma, dialysis, a baby, a drug...
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub id: String,
    /// How much naming it counts (1 unless given): a background condition (kidney disease,
    /// an autoimmune disease) counts a little less than a specific one (calciphylaxis).
    #[serde(default)]
    pub weight: Option<f32>,
    /// Patterns read in every sentence.
    pub cues: Vec<String>,
}

/// A remedy the sources never mention (`[[unmentioned]]` in `knowledge/scope.toml`): the reply
/// says so before the entry that does cover home care, rather than let the remedy's name
/// pull in a neighbouring entry or pass unremarked.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Unmentioned {
    pub id: String,
    pub patterns: Vec<String>,
    /// Shown before the answer: "My sources don't mention castor oil..."
    pub note: String,
    /// The entry answered after the note.
    pub answer: String,
}

/// The bot's own words around the answers (`knowledge/interface.toml`): the chat greeting, the
/// Discord help and about pages, the cooldown notice. `{name}` placeholders are filled in by
/// the front end; `calcibot check` makes sure each text has the ones it needs.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Interface {
    pub greeting: String,
    pub ask_hint: String,
    pub ask_hint_after: String,
    pub help_title: String,
    pub help: String,
    /// With `{channels}`: the auto-answer channels of the server asking.
    pub help_auto_answer: String,
    pub help_after: String,
    pub examples: String,
    pub about_title: String,
    /// With `{kept}`: `kept_nothing` or `kept_cooldown`; and `{unanswered}`, one of the
    /// `unanswered_*` texts in a server (empty in a DM).
    pub about: String,
    pub kept_nothing: String,
    /// With `{seconds}`.
    pub kept_cooldown: String,
    /// With `{days}`: `/about` in a server that keeps unanswered questions.
    pub unanswered_on: String,
    pub unanswered_off: String,
    /// The feedback buttons' labels and the acknowledgements of a click.
    pub helpful: String,
    pub not_helpful: String,
    pub voted_helpful: String,
    pub voted_not_helpful: String,
    pub vote_too_old: String,
    pub vote_not_counted: String,
    pub cooldown_one: String,
    /// With `{seconds}`.
    pub cooldown_many: String,
    pub browse: String,
    pub gone: String,
}

impl Interface {
    /// Every text with its name and the placeholders it must hold (and may hold).
    pub fn texts(&self) -> [(&'static str, &str, &'static [&'static str]); 24] {
        [
            ("greeting", &self.greeting, &[]),
            ("ask_hint", &self.ask_hint, &[]),
            ("ask_hint_after", &self.ask_hint_after, &[]),
            ("help_title", &self.help_title, &[]),
            ("help", &self.help, &[]),
            ("help_auto_answer", &self.help_auto_answer, &["channels"]),
            ("help_after", &self.help_after, &[]),
            ("examples", &self.examples, &[]),
            ("about_title", &self.about_title, &[]),
            ("about", &self.about, &["kept", "unanswered"]),
            ("kept_nothing", &self.kept_nothing, &[]),
            ("kept_cooldown", &self.kept_cooldown, &["seconds"]),
            ("unanswered_on", &self.unanswered_on, &["days"]),
            ("unanswered_off", &self.unanswered_off, &[]),
            ("helpful", &self.helpful, &[]),
            ("not_helpful", &self.not_helpful, &[]),
            ("voted_helpful", &self.voted_helpful, &[]),
            ("voted_not_helpful", &self.voted_not_helpful, &[]),
            ("vote_too_old", &self.vote_too_old, &[]),
            ("vote_not_counted", &self.vote_not_counted, &[]),
            ("cooldown_one", &self.cooldown_one, &[]),
            ("cooldown_many", &self.cooldown_many, &["seconds"]),
            ("browse", &self.browse, &[]),
            ("gone", &self.gone, &[]),
        ]
    }
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.trim().to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}
