//! "Helpful" and "Not helpful" under an answer: the buttons, and what a click does.
//!
//! A click becomes a vote record keyed by a hash of (answer message, user) with the install's
//! secret (`storage::feedback`): one vote per person per answer, changeable, and no user id
//! stored. The click is acknowledged privately, so votes never show in the channel.

use super::ids::ComponentId;
use super::message::{Button, Row};
use super::State;
use crate::knowledge::KnowledgeBase;
use crate::storage::{Day, Record, RecordError};

/// The feedback row for an answer showing `entry_id`; `None` if its ids would not fit.
pub fn row(kb: &KnowledgeBase, entry_id: &str) -> Option<Row> {
    let texts = &kb.interface;
    Some(Row::Buttons(vec![
        Button {
            id: ComponentId::vote(entry_id, true)?,
            label: texts.helpful.trim().to_string(),
            primary: false,
        },
        Button {
            id: ComponentId::vote(entry_id, false)?,
            label: texts.not_helpful.trim().to_string(),
            primary: false,
        },
    ]))
}

/// A click on a vote button of the answer `message` in `server`, by `user`: records the vote
/// (without waiting) and returns the private acknowledgement.
pub fn vote<'s>(
    state: &'s State,
    server: Option<u64>,
    message: u64,
    user: u64,
    entry: &str,
    helpful: bool,
) -> &'s str {
    let texts = &state.bot.knowledge().interface;
    let (Some(server), Some(storage)) = (server, state.storage()) else {
        return texts.vote_not_counted.trim();
    };
    match Record::vote(
        &storage.store,
        server,
        message,
        user,
        entry,
        helpful,
        Day::today(),
    ) {
        Ok(record) => {
            state.record(record);
            if helpful {
                texts.voted_helpful.trim()
            } else {
                texts.voted_not_helpful.trim()
            }
        }
        Err(RecordError::TooOldToVote) => texts.vote_too_old.trim(),
        Err(_) => texts.vote_not_counted.trim(),
    }
}
