//! The one answer path: mentions, direct messages, auto-answer channels, `/ask` and `/topic`
//! all come here, so the answer policy is written once:
//!
//! cut the question -> `Bot::ask` (or `Bot::show` for a picked topic) -> the auto-answer gate
//! -> the cooldown (urgent and crisis advice bypass it) -> render -> send.
//!
//! Deciding (`decide`) is a plain function of the question and the state, tested without a
//! connection; only sending waits. A user's cooldown starts once their reply was delivered: a
//! reply that is lost (every try failed) leaves them free to ask again at once.

use std::time::{Duration, Instant};

use super::cooldown::Key;
use super::cooldown::Verdict;
use super::events::clean;
use super::message::{fit_total, Card, Rendered};
use super::send::{Body, Priority, Response, Sender, Target};
use super::{feedback, pages, reply, State};
use crate::question::{truncate, QuestionError, MAX_QUESTION_CHARS};
use crate::search;
use crate::storage::{Day, Record};
use crate::ReplyKind;

/// Where a question came from, which decides how it may be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A message mentioning the bot.
    Mention,
    /// A direct message.
    Direct,
    /// A message in an auto-answer channel, not addressed to the bot.
    Auto,
    /// `/ask` or `/topic`; a private one is seen by the asker only.
    Command { private: bool },
}

impl Place {
    pub fn name(self) -> &'static str {
        match self {
            Place::Mention => "mention",
            Place::Direct => "direct message",
            Place::Auto => "auto-answer channel",
            Place::Command { .. } => "command",
        }
    }

    /// Whether the reply is seen by others, so the cooldown applies.
    fn public(self) -> bool {
        !matches!(self, Place::Command { private: true })
    }

    /// Whether the asker waits for a response: Discord shows a command that gets none as
    /// failed, so a command is always answered, if only with a note.
    fn must_answer(self) -> bool {
        matches!(self, Place::Command { .. })
    }
}

/// What was asked.
#[derive(Debug, Clone, Copy)]
pub enum Query<'a> {
    /// A question in the asker's words.
    Ask(&'a str),
    /// A topic picked from `/topic`'s list (an entry id) or typed (looked up, then asked).
    Topic(&'a str),
}

/// One question to answer: who asked, where, what, and where the answer goes.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    pub user: u64,
    /// The server asked in; `None` in a direct message, where nothing is recorded.
    pub server: Option<u64>,
    pub place: Place,
    pub query: Query<'a>,
    pub target: Target<'a>,
}

/// What to do about a question.
#[derive(Debug, PartialEq)]
pub enum Decision {
    /// Send this message. `alert`: safety advice (most tries, no cooldown check). `reserved`:
    /// the cooldown was taken for this reply and is given back if it is lost.
    Send {
        rendered: Rendered,
        alert: bool,
        reserved: bool,
        kind: &'static str,
        /// What is counted once the reply is delivered (`None` for the bot's own pages).
        usage: Option<Usage>,
    },
    /// Send a short note, privately where that is possible: the cooldown notice, an empty
    /// command.
    Note(String),
    /// Say nothing; the reason is for the debug log.
    Quiet(&'static str),
}

/// What a delivered reply adds to the counts: never the question, except an opted-in
/// unanswered one.
#[derive(Debug, PartialEq)]
pub struct Usage {
    pub kind: ReplyKind,
    pub entry: Option<String>,
    /// For no-match and clarify: the entry the question came closest to.
    pub closest: Option<String>,
}

impl<'a> Asked<'a> {
    /// Whose cooldown this is: (server, user), server 0 in a DM.
    fn key(&self) -> Key {
        (self.server.unwrap_or(0), self.user)
    }
}

/// The cooldown in `asked`'s server.
fn period(state: &State, asked: &Asked<'_>) -> Duration {
    let seconds = state.settings_in(asked.server).cooldown_seconds.value;
    Duration::from_secs(u64::from(seconds))
}

/// Answers one question, start to end.
pub async fn respond(state: &State, sender: &Sender, asked: Asked<'_>) {
    let decision = decide(state, &asked, Instant::now());
    let place = asked.place.name();
    match decision {
        Decision::Quiet(why) => tracing::debug!(place, why, "staying quiet"),
        Decision::Note(text) => {
            let response = Response::New { ephemeral: true };
            let body = Body::Text(&text);
            // A note is a courtesy: if it is lost, nothing else depends on it.
            let _ = sender
                .deliver(asked.target, body, response, Priority::Normal)
                .await;
        }
        Decision::Send {
            rendered,
            alert,
            reserved,
            kind,
            usage,
        } => {
            let priority = if alert {
                Priority::Alert
            } else {
                Priority::Normal
            };
            let response = Response::New {
                ephemeral: !asked.place.public(),
            };
            let sent = sender
                .deliver(asked.target, Body::Rendered(&rendered), response, priority)
                .await;
            let cooldown = &state.cooldown;
            match sent {
                Ok(()) => {
                    tracing::debug!(place, kind, "answered");
                    if asked.place.public() {
                        cooldown.delivered_in(asked.key(), period(state, &asked), Instant::now());
                    }
                    if let (Some(server), Some(usage)) = (asked.server, usage) {
                        record(state, server, &asked, usage);
                    }
                }
                Err(_) if reserved => cooldown.release_in(asked.key()),
                Err(_) => {}
            }
        }
    }
}

/// Counts a delivered reply in `server`, and keeps the question when the reply could not
/// answer it and the server's moderators asked for those. Never waits.
fn record(state: &State, server: u64, asked: &Asked<'_>, usage: Usage) {
    let day = Day::today();
    if matches!(usage.kind, ReplyKind::NoMatch | ReplyKind::Clarify)
        && state.settings.get(server).unanswered
    {
        if let Query::Ask(text) = asked.query {
            let text = truncate(text, MAX_QUESTION_CHARS);
            if let Ok(question) =
                Record::unanswered(server, day, usage.kind, text, usage.closest.as_deref())
            {
                state.record(question);
            }
        }
    }
    state.record(Record::Usage {
        server,
        day,
        kind: usage.kind,
        entry: usage.entry,
    });
}

/// What to say to `asked` at `now`, and whether it may be said: the whole answer policy.
pub fn decide(state: &State, asked: &Asked<'_>, now: Instant) -> Decision {
    let bot = &state.bot;
    let kb = bot.knowledge();
    let place = asked.place;
    let reply = match asked.query {
        Query::Ask(text) => {
            let text = clean(text);
            let question = truncate(&text, MAX_QUESTION_CHARS);
            if question.is_empty() {
                return empty(state, asked, now);
            }
            tracing::debug!(place = place.name(), question, "question");
            bot.ask(question)
        }
        Query::Topic(name) => {
            let name = truncate(name, MAX_QUESTION_CHARS);
            if name.is_empty() {
                return empty(state, asked, now);
            }
            search::exact(kb, name)
                .and_then(|entry| bot.show(&entry.id))
                .unwrap_or_else(|| bot.ask(name))
        }
    };
    // The auto-answer gate: unasked, the bot speaks only when sure, or to give safety advice.
    if place == Place::Auto && !(reply.is_alert() || reply.is_sure()) {
        return Decision::Quiet("not sure enough to answer unasked");
    }
    let alert = reply.is_alert();
    let reserved = if !place.public() || alert {
        // Private replies fill no channel; safety advice is never held back.
        false
    } else {
        match held_back(state, asked, now) {
            Some(decision) => return decision,
            None => true,
        }
    };
    let settings = state.settings_in(asked.server);
    let mut rendered = reply::reply(&reply, kb);
    if alert {
        // The server's own line (a moderator, a local helpline) under the safety advice; every
        // message goes out with mentions disabled, so a role in it pings no one.
        if let (Some(_), Some(line)) = (asked.server, &settings.support_line.value) {
            rendered.cards.push(Card::info(None, line));
            fit_total(&mut rendered.cards);
        }
    } else if let (Some(_), ReplyKind::Answer, Some(entry)) =
        (asked.server, reply.kind(), reply.entry())
    {
        if let Some(row) = feedback::row(kb, &entry.id) {
            rendered.push_row(row);
        }
    }
    let entry = reply.entry().map(|e| e.id.clone());
    let closest = entry
        .clone()
        .or_else(|| reply.candidates().first().map(|e| e.id.clone()));
    Decision::Send {
        rendered,
        alert,
        reserved,
        kind: reply.kind().as_str(),
        usage: Some(Usage {
            kind: reply.kind(),
            entry,
            closest,
        }),
    }
}

/// The cooldown's verdict as a decision, or `None` to go ahead (the cooldown is then taken).
fn held_back(state: &State, asked: &Asked<'_>, now: Instant) -> Option<Decision> {
    let cooldown = &state.cooldown;
    let kb = state.bot.knowledge();
    match cooldown.check_in(asked.key(), period(state, asked), now) {
        Verdict::Go => None,
        Verdict::Notice { .. } if asked.place == Place::Auto => {
            Some(Decision::Quiet("cooling down"))
        }
        Verdict::Notice { wait } => Some(Decision::Note(pages::cooldown_notice(kb, wait))),
        Verdict::Quiet if asked.place.must_answer() => {
            let wait = cooldown.remaining_in(asked.key(), now);
            Some(Decision::Note(pages::cooldown_notice(kb, wait)))
        }
        Verdict::Quiet => Some(Decision::Quiet("cooling down, already told")),
    }
}

/// A message or command with no question in it.
fn empty(state: &State, asked: &Asked<'_>, now: Instant) -> Decision {
    match asked.place {
        Place::Auto => Decision::Quiet("nothing to answer"),
        Place::Command { .. } => Decision::Note(QuestionError::Empty.to_string()),
        // A bare mention (or a DM with only an attachment): say how to ask, within the
        // cooldown, and once.
        Place::Mention | Place::Direct => {
            match state
                .cooldown
                .check_in(asked.key(), period(state, asked), now)
            {
                Verdict::Go => Decision::Send {
                    rendered: pages::empty_mention(state.bot.knowledge()),
                    alert: false,
                    reserved: true,
                    kind: "help",
                    usage: None,
                },
                Verdict::Notice { .. } | Verdict::Quiet => Decision::Quiet("cooling down"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use serenity::all::{ChannelId, MessageId};

    use super::*;
    use crate::discord::Config;
    use crate::{Bot, KnowledgeBase};

    const TOKEN: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";

    fn state(cooldown: &str) -> State {
        let bot = Bot::new(KnowledgeBase::builtin().expect("loads")).expect("compiles");
        let vars = [("DISCORD_TOKEN", TOKEN), ("COOLDOWN_SECONDS", cooldown)];
        let config = Config::from_lookup(|var| {
            Ok(vars
                .iter()
                .find(|(k, _)| *k == var)
                .map(|(_, v)| v.to_string()))
        })
        .expect("valid settings");
        State::new(Arc::new(bot), &config, None)
    }

    fn asked(place: Place, text: &str) -> Asked<'_> {
        Asked {
            user: 7,
            server: None,
            place,
            query: Query::Ask(text),
            target: Target::Reply {
                channel: ChannelId::new(1),
                message: MessageId::new(2),
            },
        }
    }

    const ANSWERED: &str = "what is calcinosis cutis?";
    const URGENT: &str = "my fingertip has turned black and I can't feel it";

    fn sent(decision: &Decision) -> bool {
        matches!(decision, Decision::Send { .. })
    }

    #[test]
    fn one_answer_one_note_then_quiet_and_urgent_always() {
        let state = state("60");
        let t = Instant::now();
        assert!(sent(&decide(&state, &asked(Place::Mention, ANSWERED), t)));
        state.cooldown.delivered(7, t);
        let note = decide(&state, &asked(Place::Mention, ANSWERED), t);
        assert!(matches!(note, Decision::Note(_)), "{note:?}");
        let quiet = decide(&state, &asked(Place::Mention, ANSWERED), t);
        assert!(matches!(quiet, Decision::Quiet(_)), "{quiet:?}");
        // A command is always answered, if only with the note.
        let command = decide(
            &state,
            &asked(Place::Command { private: false }, ANSWERED),
            t,
        );
        assert!(matches!(command, Decision::Note(_)), "{command:?}");
        // Private replies and urgent advice are never held back.
        assert!(sent(&decide(
            &state,
            &asked(Place::Command { private: true }, ANSWERED),
            t
        )));
        let urgent = decide(&state, &asked(Place::Mention, URGENT), t);
        assert!(
            matches!(
                urgent,
                Decision::Send {
                    alert: true,
                    reserved: false,
                    ..
                }
            ),
            "{urgent:?}"
        );
    }

    #[test]
    fn a_lost_reply_gives_the_cooldown_back() {
        let state = state("60");
        let t = Instant::now();
        assert!(sent(&decide(&state, &asked(Place::Direct, ANSWERED), t)));
        // Every try failed: `respond` releases what `decide` took.
        state.cooldown.release(7);
        assert!(sent(&decide(
            &state,
            &asked(Place::Direct, ANSWERED),
            t + Duration::from_secs(1)
        )));
    }

    #[test]
    fn auto_answer_channels_hear_only_sure_answers_and_safety_advice() {
        let state = state("0");
        let t = Instant::now();
        assert!(sent(&decide(&state, &asked(Place::Auto, ANSWERED), t)));
        assert!(sent(&decide(&state, &asked(Place::Auto, URGENT), t)));
        for chatter in ["lol", "what's the weather like today", ""] {
            let decision = decide(&state, &asked(Place::Auto, chatter), t);
            assert!(
                matches!(decision, Decision::Quiet(_)),
                "{chatter:?}: {decision:?}"
            );
        }
    }

    /// The rendered message of a decision to send.
    fn rendered(decision: Decision) -> Rendered {
        match decision {
            Decision::Send { rendered, .. } => rendered,
            other => panic!("not sent: {other:?}"),
        }
    }

    fn has_votes(rendered: &Rendered) -> bool {
        format!("{:?}", rendered.rows).contains("Vote")
    }

    #[test]
    fn answers_in_a_server_take_votes_and_safety_advice_gets_its_support_line() {
        use crate::storage::{Chosen, Settings};
        let state = state("0");
        let mut own = Settings::defaults(state.settings.defaults());
        own.support_line = Chosen {
            value: Some("Call Sam on 0800".into()),
            by_server: true,
        };
        state.settings.put(9, own);
        let t = Instant::now();
        let in_server = |text| Asked {
            server: Some(9),
            ..asked(Place::Mention, text)
        };
        let answer = rendered(decide(&state, &in_server(ANSWERED), t));
        assert!(has_votes(&answer));
        assert!(!format!("{answer:?}").contains("Call Sam"));
        let urgent = rendered(decide(&state, &in_server(URGENT), t));
        assert!(!has_votes(&urgent));
        assert!(format!("{urgent:?}").contains("Call Sam on 0800"));
        assert!(urgent.problems().is_empty(), "{:?}", urgent.problems());
        // In a DM nothing is counted, so there is nothing to vote with, and no server line.
        let direct = rendered(decide(&state, &asked(Place::Direct, ANSWERED), t));
        assert!(!has_votes(&direct));
        let direct = rendered(decide(&state, &asked(Place::Direct, URGENT), t));
        assert!(!format!("{direct:?}").contains("Call Sam"));
    }

    #[test]
    fn an_empty_question_gets_how_to_ask() {
        let state = state("0");
        let t = Instant::now();
        let decision = decide(&state, &asked(Place::Mention, " <@123> "), t);
        assert!(
            matches!(decision, Decision::Send { kind: "help", .. }),
            "{decision:?}"
        );
        let decision = decide(&state, &asked(Place::Command { private: false }, ""), t);
        assert!(matches!(decision, Decision::Note(_)), "{decision:?}");
    }
}
