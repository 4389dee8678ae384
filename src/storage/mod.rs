//! What calcibot keeps for moderators and curators: per-server settings, feedback counts, opted-in
//! unanswered questions and usage counts, in SQLite by default and PostgreSQL for several
//! processes.
//!
//! One code path serves both databases: sqlx's `Any` driver runs the same runtime queries on
//! either (`$1` placeholders and `INSERT ... ON CONFLICT` mean the same to both). The other road,
//! an enum over a `SqlitePool` and a `PgPool`, would write every query twice or hide it behind a
//! macro, for typed columns we do not need: everything stored here is a 64-bit integer, a text or
//! a byte string. Only the table definitions differ (identity columns, `BLOB` against `BYTEA`),
//! so each database has its own migration folder, embedded at build time by `sqlx::migrate!`.
//! No database is needed to build.
//!
//! Nothing here knows Discord: ids are plain `u64`s, days are [`Day`]s.
//!
//! - `settings`: what a server chose, over the operator's `.env` defaults; `forget`.
//! - `cache`: every server's settings in memory, for the reply path that must not wait.
//! - `feedback`: the keyed hash that holds one vote per person without storing who voted.
//! - `records`: what the bot records as it answers, and how a batch of them is written.
//! - `writer`: the single task that writes records, so that a reply never waits on the database.
//! - `unanswered`: the opted-in questions the bot could not answer: listing, deleting, cleaning.
//! - `stats`: the figures of `/stats` and `calcibot report`.
//! - `chart`: those figures as a PNG.
//! - `day`: calendar days in UTC, the only unit of time stored.

mod cache;
pub mod chart;
mod day;
pub mod feedback;
mod records;
pub mod settings;
pub mod stats;
pub mod unanswered;
mod writer;

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::AnyPool;

pub use cache::SettingsCache;
pub use day::Day;
pub use feedback::{Secret, VoteKey};
pub use records::{Record, RecordError};
pub use settings::{Chosen, Defaults, SettingError, Settings};
pub use stats::{Scope, Stats};
pub use unanswered::{Question, QuestionPage};
pub use writer::{spawn_writer, Recorder, WriterHandle, WriterOptions};

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!("calcibot needs a database driver: build with the `sqlite` or `postgres` feature (both are on by default).");

/// The database `serve` uses when `DATABASE_URL` is unset: a file in the working directory.
pub const DEFAULT_DATABASE: &str = "sqlite://calcibot.db";

/// How long anything tied to one person is kept at most, and how long a server's data outlives
/// the bot's removal from it: 30 days, as the README's privacy section promises.
pub const RETENTION_DAYS: u32 = 30;

/// How long a query waits for a connection: a database that is down must fail fast enough for
/// the writer to hold its records, and for a moderator to be told, not to hang a command.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(feature = "sqlite")]
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
#[cfg(feature = "postgres")]
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Why the database could not be used, said so that an operator knows what to do.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("the database URL {value:?} (DATABASE_URL, or --database) names no database calcibot knows. Leave DATABASE_URL empty for a SQLite file calcibot.db in the working directory, or put sqlite://PATH, or postgres://USER:PASSWORD@HOST:PORT/DATABASE for PostgreSQL.")]
    Url { value: String },
    #[error("this calcibot was built without the {backend} driver, which {url} needs. Build it with `cargo build --release --features {feature}`, or use the other database.")]
    NoDriver {
        backend: &'static str,
        feature: &'static str,
        url: String,
    },
    #[error("there is no database at {url}. Start `calcibot serve` once to create it, or pass the right one with --database (or DATABASE_URL).")]
    Missing { url: String },
    #[error("cannot open the database at {url}: {source}. Check that the file's folder is writable, or that PostgreSQL is running and the user, password and database in the URL are right.")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot bring the database at {url} up to date: {source}. If another calcibot version wrote it, run that version, or start from a new database.")]
    Migrate {
        url: String,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error("the database failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("the database holds a value calcibot did not write ({0}); was it edited by hand?")]
    Corrupt(String),
    #[error("the system gave no random bytes for the install's vote secret ({0}); check that /dev/urandom is readable")]
    Random(String),
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The database `url` names, or an error that says what a URL looks like.
    pub fn of(url: &str) -> Result<Backend, StorageError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StorageError::Url { value: redact(url) })
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }

    #[cfg_attr(all(feature = "sqlite", feature = "postgres"), allow(unused_variables))]
    fn migrator(self, url: &str) -> Result<&'static Migrator, StorageError> {
        match self {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite => Ok(&SQLITE_MIGRATIONS),
            #[cfg(not(feature = "sqlite"))]
            Backend::Sqlite => Err(self.no_driver("sqlite", url)),
            #[cfg(feature = "postgres")]
            Backend::Postgres => Ok(&POSTGRES_MIGRATIONS),
            #[cfg(not(feature = "postgres"))]
            Backend::Postgres => Err(self.no_driver("postgres", url)),
        }
    }

    #[cfg_attr(all(feature = "sqlite", feature = "postgres"), allow(dead_code))]
    fn no_driver(self, feature: &'static str, url: &str) -> StorageError {
        StorageError::NoDriver {
            backend: self.name(),
            feature,
            url: redact(url),
        }
    }
}

/// Whether opening may create the database: `serve` creates it on first start, while `report`
/// reading a mistyped path should say so rather than report on a new, empty file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    CreateIfMissing,
    MustExist,
}

/// The database URL from `DATABASE_URL`; empty counts as unset, as for every variable.
pub fn url_from_env() -> Result<String, StorageError> {
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Ok(url.trim().to_string()),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(DEFAULT_DATABASE.to_string()),
        Err(std::env::VarError::NotUnicode(_)) => Err(StorageError::Url {
            value: "(not UTF-8 text)".to_string(),
        }),
    }
}

/// `url` with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// An open database: a connection pool, which database it is, and the install's secret.
/// Cloning is cheap and shares the pool.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    secret: Arc<Secret>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the database at `url` and brings its tables up to date.
    pub async fn open(url: &str, open: Open) -> Result<Store, StorageError> {
        let backend = Backend::of(url)?;
        let migrator = backend.migrator(url)?;
        sqlx::any::install_default_drivers();
        let (connect_url, max_connections) = match backend {
            // One writer at a time is all SQLite allows; a few readers serve the commands.
            Backend::Sqlite => (sqlite_url(url, open), 4),
            Backend::Postgres => (url.to_string(), 8),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(&connect_url)
            .await
            .map_err(|source| match (open, backend) {
                (Open::MustExist, Backend::Sqlite) => StorageError::Missing { url: redact(url) },
                _ => StorageError::Connect {
                    url: redact(url),
                    source,
                },
            })?;
        if backend == Backend::Sqlite {
            // Readers (commands, reports) then never wait for the writer, nor it for them.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        migrator
            .run(&pool)
            .await
            .map_err(|source| StorageError::Migrate {
                url: redact(url),
                source,
            })?;
        let secret = Arc::new(Secret::load_or_create(&pool).await?);
        Ok(Store {
            pool,
            backend,
            secret,
        })
    }

    /// Opens the database at `url`, trying again until it can be reached: for `serve`, which
    /// answers with the defaults meanwhile. Says once that it is waiting, and once that it got
    /// through. A URL that can never work (a typo, a driver not built in, a failed migration)
    /// is returned at once as an error.
    pub async fn open_retrying(url: &str, open: Open) -> Result<Store, StorageError> {
        let mut wait = Duration::from_secs(1);
        let mut waiting = false;
        loop {
            match Store::open(url, open).await {
                Ok(store) => {
                    if waiting {
                        tracing::info!(url = %redact(url), "the database is reachable; settings and records are stored again");
                    }
                    return Ok(store);
                }
                Err(err @ StorageError::Connect { .. }) => {
                    if !waiting {
                        tracing::warn!(%err, "answering with the default settings and storing nothing until the database can be reached");
                        waiting = true;
                    }
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(30));
                }
                Err(err) => return Err(err),
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The install's secret, which keys the vote hashes.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// Closes every connection; later queries fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Every table that holds something of a server, with its server column: what `forget`
    /// deletes and what the tests check is gone. A new table must be added here.
    pub const SERVER_TABLES: &'static [&'static str] = &[
        "server_settings",
        "auto_answer_channels",
        "usage_counts",
        "feedback_counts",
        "votes",
        "unanswered",
    ];

    /// Deletes what has outlived its time, as of `today`:
    /// - unanswered questions older than their server's retention (all of them where the
    ///   server has turned the list off);
    /// - vote hashes older than [`RETENTION_DAYS`];
    /// - everything of a server the bot was removed from [`RETENTION_DAYS`] ago or more.
    ///
    /// A background task of `serve` calls it at start and every few hours; it is safe to call at any time, from any process.
    pub async fn purge(&self, today: Day) -> Result<Purged, StorageError> {
        let questions = unanswered::purge(self, today).await?;
        let votes = sqlx::query("DELETE FROM votes WHERE day <= $1")
            .bind(today.minus(RETENTION_DAYS).number())
            .execute(&self.pool)
            .await?
            .rows_affected();
        let removed: Vec<i64> = sqlx::query_scalar(
            "SELECT server_id FROM server_settings WHERE removed_day IS NOT NULL AND removed_day <= $1",
        )
        .bind(today.minus(RETENTION_DAYS).number())
        .fetch_all(&self.pool)
        .await?;
        for &server in &removed {
            self.forget(from_db_id(server)).await?;
        }
        Ok(Purged {
            questions,
            votes,
            servers: removed.len() as u64,
        })
    }
}

/// How often `serve` purges unless `PURGE_EVERY_SECONDS` says otherwise: daily is what "kept N
/// days" needs, since days are the unit; every 6 hours deletes a day's due rows within a
/// quarter of a day of their time.
pub const DEFAULT_PURGE_EVERY: Duration = Duration::from_secs(6 * 60 * 60);

/// Runs [`Store::purge`] now and then `every` (see [`DEFAULT_PURGE_EVERY`]) until the runtime
/// stops. Several processes
/// may each run one: a purge deletes what is due and nothing else, so running it twice is
/// harmless. Failures are logged (the next run tries again); what was purged is logged as
/// counts only.
pub fn spawn_purge(store: Store, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match store.purge(Day::today()).await {
                Ok(purged) if purged != Purged::default() => tracing::info!(
                    questions = purged.questions,
                    votes = purged.votes,
                    servers = purged.servers,
                    "purged what outlived its retention"
                ),
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(%err, "the purge failed; it runs again at its next turn")
                }
            }
        }
    })
}

/// What one [`Store::purge`] deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub questions: u64,
    pub votes: u64,
    pub servers: u64,
}

/// `url` with SQLite's open mode set: create the file on first start, or insist it is there.
fn sqlite_url(url: &str, open: Open) -> String {
    if url.contains("mode=") {
        return url.to_string();
    }
    let mode = match open {
        Open::CreateIfMissing => "rwc",
        Open::MustExist => "rw",
    };
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}mode={mode}")
}

/// Discord ids are `u64`s below 2^63 (a millisecond timestamp shifted by 22 bits) and both
/// databases store signed 64-bit integers; the cast is exact both ways.
pub(crate) fn db_id(id: u64) -> i64 {
    id as i64
}

pub(crate) fn from_db_id(id: i64) -> u64 {
    id as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_database_of_a_url() {
        assert_eq!(
            Backend::of("sqlite://calcibot.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(Backend::of("sqlite::memory:").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::of("postgres://bot@db/calcibot").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::of("postgresql://bot@db/calcibot").unwrap(),
            Backend::Postgres
        );
        let err = Backend::of("mysql://root:hunter2@db/x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("DATABASE_URL"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn never_shows_a_password() {
        assert_eq!(
            redact("postgres://bot:hunter2@db:5432/calcibot"),
            "postgres://bot:***@db:5432/calcibot"
        );
        assert_eq!(redact("postgres://db/calcibot"), "postgres://db/calcibot");
        assert_eq!(
            redact("postgres://bot@db/calcibot"),
            "postgres://bot@db/calcibot"
        );
        assert_eq!(redact("sqlite://calcibot.db"), "sqlite://calcibot.db");
    }

    #[test]
    fn sqlite_creates_only_when_asked() {
        assert_eq!(
            sqlite_url("sqlite://a.db", Open::CreateIfMissing),
            "sqlite://a.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url("sqlite://a.db?cache=shared", Open::MustExist),
            "sqlite://a.db?cache=shared&mode=rw"
        );
        assert_eq!(
            sqlite_url("sqlite://a.db?mode=ro", Open::CreateIfMissing),
            "sqlite://a.db?mode=ro"
        );
    }

    #[test]
    fn ids_survive_the_database() {
        for id in [0, 1, 1_234_567_890_123_456_789, u64::MAX] {
            assert_eq!(from_db_id(db_id(id)), id);
        }
    }
}
