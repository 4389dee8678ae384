//! What the bot records as it answers, and how a batch of records is written.
//!
//! A record carries no message text except an opted-in unanswered question (mentions already
//! stripped), and no user id at all: a vote arrives as its keyed hash.

use std::collections::HashMap;

use super::feedback::{self, VoteKey};
use super::{db_id, unanswered, Day, StorageError, Store};
use crate::ReplyKind;

/// One thing to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A reply of `kind` was given in `server`, for `entry` if it carried one.
    Usage {
        server: u64,
        day: Day,
        kind: ReplyKind,
        entry: Option<String>,
    },
    /// Someone found the answer for `entry` helpful or not. `day` is the day the answer was
    /// sent, so that a changed vote moves the count it was counted in.
    Vote {
        server: u64,
        key: VoteKey,
        day: Day,
        entry: String,
        helpful: bool,
    },
    /// A question the bot could not answer; written only when the server keeps them.
    Unanswered {
        server: u64,
        day: Day,
        kind: ReplyKind,
        text: String,
        closest: Option<String>,
    },
}

/// A record the caller should not have made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("only no-match and clarify replies leave an unanswered question, not {0}")]
    NotUnanswered(&'static str),
    #[error(
        "the answer is older than 30 days, so a vote on it can no longer be held to one per person"
    )]
    TooOldToVote,
    #[error("the question is empty once mentions are stripped")]
    EmptyQuestion,
}

impl Record {
    /// A vote by `user` on the answer `message`, keyed by the install's secret: the user id goes
    /// no further than this function.
    pub fn vote(
        store: &Store,
        server: u64,
        message: u64,
        user: u64,
        entry: &str,
        helpful: bool,
        today: Day,
    ) -> Result<Record, RecordError> {
        if !feedback::votable(message, today) {
            return Err(RecordError::TooOldToVote);
        }
        Ok(Record::Vote {
            server,
            key: store.secret().vote_key(message, user),
            day: feedback::message_day(message),
            entry: entry.to_string(),
            helpful,
        })
    }

    /// An unanswered question: `text` as asked, stripped of mentions here.
    pub fn unanswered(
        server: u64,
        day: Day,
        kind: ReplyKind,
        text: &str,
        closest: Option<&str>,
    ) -> Result<Record, RecordError> {
        if !matches!(kind, ReplyKind::NoMatch | ReplyKind::Clarify) {
            return Err(RecordError::NotUnanswered(kind.as_str()));
        }
        let text = unanswered::clean(text);
        if text.is_empty() {
            return Err(RecordError::EmptyQuestion);
        }
        Ok(Record::Unanswered {
            server,
            day,
            kind,
            text,
            closest: closest.map(str::to_string),
        })
    }
}

/// Writes `records` in one transaction: all or nothing, so a batch that fails can be retried
/// whole without counting anything twice. Usage is summed in memory first: a busy day's
/// thousand answers for one entry become one upsert.
pub(super) async fn write(store: &Store, records: &[Record]) -> Result<(), StorageError> {
    let mut usage: HashMap<(u64, Day, &'static str, &str), i64> = HashMap::new();
    let mut tx = store.pool().begin().await?;
    for record in records {
        match record {
            Record::Usage {
                server,
                day,
                kind,
                entry,
            } => {
                *usage
                    .entry((*server, *day, kind.as_str(), entry.as_deref().unwrap_or("")))
                    .or_default() += 1;
            }
            Record::Vote {
                server,
                key,
                day,
                entry,
                helpful,
            } => vote(&mut tx, *server, key, *day, entry, *helpful).await?,
            Record::Unanswered {
                server,
                day,
                kind,
                text,
                closest,
            } => {
                // The opt-in is checked here, in the same statement: a question is never stored
                // for a server that has not turned the list on, whatever the caller believed.
                sqlx::query(
                    "INSERT INTO unanswered (server_id, day, kind, text, closest)
                     SELECT $1, $2, $3, $4, $5 WHERE EXISTS
                     (SELECT 1 FROM server_settings WHERE server_id = $1 AND unanswered_on = 1)",
                )
                .bind(db_id(*server))
                .bind(day.number())
                .bind(kind.as_str())
                .bind(text.as_str())
                .bind(closest.as_deref().unwrap_or(""))
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    for ((server, day, kind, entry), count) in usage {
        sqlx::query(
            "INSERT INTO usage_counts (server_id, day, kind, entry, count) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (server_id, day, kind, entry)
             DO UPDATE SET count = usage_counts.count + excluded.count",
        )
        .bind(db_id(server))
        .bind(day.number())
        .bind(kind)
        .bind(entry)
        .bind(count)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// One vote: a first vote counts; the same vote again changes nothing; the other vote moves
/// the person's count from one column to the other.
async fn vote(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    server: u64,
    key: &VoteKey,
    day: Day,
    entry: &str,
    helpful: bool,
) -> Result<(), StorageError> {
    let earlier: Option<(i64, i64, String)> =
        sqlx::query_as("SELECT helpful, day, entry FROM votes WHERE voter = $1")
            .bind(key.as_bytes().to_vec())
            .fetch_optional(&mut **tx)
            .await?;
    let (delta, day, entry) = match earlier {
        None => {
            sqlx::query(
                "INSERT INTO votes (voter, server_id, day, entry, helpful) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(key.as_bytes().to_vec())
            .bind(db_id(server))
            .bind(day.number())
            .bind(entry)
            .bind(i64::from(helpful))
            .execute(&mut **tx)
            .await?;
            (
                if helpful { (1, 0) } else { (0, 1) },
                day,
                entry.to_string(),
            )
        }
        Some((was, _, _)) if (was != 0) == helpful => return Ok(()),
        Some((_, was_day, was_entry)) => {
            sqlx::query("UPDATE votes SET helpful = $2 WHERE voter = $1")
                .bind(key.as_bytes().to_vec())
                .bind(i64::from(helpful))
                .execute(&mut **tx)
                .await?;
            (
                if helpful { (1, -1) } else { (-1, 1) },
                Day::from_number(was_day),
                was_entry,
            )
        }
    };
    sqlx::query(
        "INSERT INTO feedback_counts (server_id, day, entry, helpful, not_helpful)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (server_id, day, entry) DO UPDATE SET
         helpful = feedback_counts.helpful + excluded.helpful,
         not_helpful = feedback_counts.not_helpful + excluded.not_helpful",
    )
    .bind(db_id(server))
    .bind(day.number())
    .bind(entry)
    .bind(delta.0 as i64)
    .bind(delta.1 as i64)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
