//! Holding one vote per person per answer without storing who voted.
//!
//! A vote is stored under a keyed hash of (message id, user id): HMAC-SHA256 with a secret made
//! once per install and kept in the database. The same person clicking again on the same answer
//! finds their earlier vote and changes it; nobody reading the database can tell who voted, or
//! test a guessed user id against the hashes, without the secret. The hashes are dropped after
//! [`RETENTION_DAYS`](super::RETENTION_DAYS), and votes on answers older than that are refused,
//! so that a dropped hash can never let one person vote twice.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::AnyPool;

use super::{Day, StorageError, RETENTION_DAYS};

/// The `install` row that holds the secret.
const SECRET_NAME: &str = "vote_secret";
const SECRET_LEN: usize = 32;

/// Discord's epoch (2015-01-01) in Unix milliseconds: a snowflake's top 42 bits count from it.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// The per-install key of the vote hashes. Never logged.
pub struct Secret([u8; SECRET_LEN]);

impl Secret {
    /// The install's secret, made on first start. Two processes starting at once on a new
    /// PostgreSQL database both try to insert one; the first wins and both read it back.
    pub(super) async fn load_or_create(pool: &AnyPool) -> Result<Secret, StorageError> {
        if let Some(secret) = Secret::load(pool).await? {
            return Ok(secret);
        }
        let mut fresh = [0u8; SECRET_LEN];
        getrandom::getrandom(&mut fresh).map_err(|err| StorageError::Random(err.to_string()))?;
        sqlx::query(
            "INSERT INTO install (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(SECRET_NAME)
        .bind(fresh.to_vec())
        .execute(pool)
        .await?;
        Secret::load(pool)
            .await?
            .ok_or_else(|| StorageError::Corrupt("the vote secret vanished as it was made".into()))
    }

    async fn load(pool: &AnyPool) -> Result<Option<Secret>, StorageError> {
        let value: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT value FROM install WHERE name = $1")
                .bind(SECRET_NAME)
                .fetch_optional(pool)
                .await?;
        match value {
            None => Ok(None),
            Some(bytes) => <[u8; SECRET_LEN]>::try_from(bytes.as_slice())
                .map(|b| Some(Secret(b)))
                .map_err(|_| StorageError::Corrupt("the vote secret has the wrong length".into())),
        }
    }

    /// The key under which `user`'s vote on `message` is held.
    pub fn vote_key(&self, message: u64, user: u64) -> VoteKey {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(b"calcibot vote v1");
        mac.update(&message.to_be_bytes());
        mac.update(&user.to_be_bytes());
        VoteKey(mac.finalize().into_bytes().into())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

/// A keyed hash of (message, user): what is stored instead of either id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VoteKey([u8; 32]);

impl VoteKey {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for VoteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VoteKey({:02x}{:02x}..)", self.0[0], self.0[1])
    }
}

/// The day a Discord message was sent, read from its id.
pub fn message_day(message: u64) -> Day {
    let ms = (message >> 22) + DISCORD_EPOCH_MS;
    Day::from_unix_seconds((ms / 1_000) as i64)
}

/// Whether a vote on `message` can still be held to one per person on `today`: its hash would
/// be dropped after [`RETENTION_DAYS`], so older answers take no votes.
pub fn votable(message: u64, today: Day) -> bool {
    message_day(message) > today.minus(RETENTION_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_per_person_and_answer() {
        let secret = Secret([7; SECRET_LEN]);
        let a = secret.vote_key(1, 2);
        assert_eq!(a, secret.vote_key(1, 2));
        assert_ne!(a, secret.vote_key(1, 3));
        assert_ne!(a, secret.vote_key(2, 2));
        assert_ne!(a, Secret([8; SECRET_LEN]).vote_key(1, 2));
        assert!(!format!("{secret:?}").contains('7'));
    }

    #[test]
    fn reads_the_day_from_a_message_id() {
        // Discord's documentation example: 175928847299117063 is 2016-04-30 11:18:25.796 UTC.
        assert_eq!(
            message_day(175_928_847_299_117_063).to_string(),
            "2016-04-30"
        );
        let sent = message_day(175_928_847_299_117_063);
        assert!(votable(175_928_847_299_117_063, sent.plus(29)));
        assert!(!votable(175_928_847_299_117_063, sent.plus(30)));
    }
}
