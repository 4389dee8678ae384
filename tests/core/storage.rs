//! Storage against real databases: every test runs on a SQLite file in a temporary directory
//! and on a real PostgreSQL.
//!
//! PostgreSQL: `.ci/run` starts a throwaway cluster and sets `CALCIBOT_TEST_POSTGRES_URL`.
//! Run without it (`cargo test --test core storage::`), these tests start one the same way, with
//! `.ci/postgres`, and it stops when the test process exits. Either way a PostgreSQL test that
//! cannot reach its database fails; it never skips.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use calcibot::storage::{
    chart, spawn_writer, Day, Defaults, Open, Record, RecordError, Scope, Store, WriterOptions,
};
use calcibot::ReplyKind;
use sqlx::Row;

use crate::postgres::{cluster, cluster_dir, start_cluster, OwnCluster, POSTGRES_VAR};

/// A server id no other test (or earlier run on the same database) uses.
fn server() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_micros() as u64;
    (micros << 8) + NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The id of a Discord message sent `days_ago` days ago.
fn message(days_ago: u64) -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as u64
        - days_ago * 86_400_000;
    ((ms - 1_420_070_400_000) << 22) + NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Taken by the tests that purge, for as long as they look at what a purge leaves: on the
/// shared PostgreSQL one test's purge deletes the other's rows too (a server marked removed 40
/// days ago, just before it is marked present again, is forgotten), so they take turns.
async fn purge_turn() -> tokio::sync::MutexGuard<'static, ()> {
    static TURN: OnceLock<tokio::sync::Mutex<()>> = OnceLock::new();
    TURN.get_or_init(|| tokio::sync::Mutex::new(()))
        .lock()
        .await
}

/// The shared PostgreSQL of this test run: `CALCIBOT_TEST_POSTGRES_URL`, or one started here.
fn postgres_url() -> String {
    static URL: OnceLock<(String, Option<PathBuf>)> = OnceLock::new();
    URL.get_or_init(|| match std::env::var(POSTGRES_VAR) {
        Ok(url) if !url.is_empty() => (url, None),
        _ => {
            // Kept for the whole run; the cluster removes its directory when we exit.
            let dir = cluster_dir().keep();
            (start_cluster(&dir), Some(dir))
        }
    })
    .0
    .clone()
}

async fn open(url: &str) -> Store {
    Store::open(url, Open::CreateIfMissing)
        .await
        .unwrap_or_else(|err| {
            panic!("cannot open {url} ({POSTGRES_VAR} names the PostgreSQL of the tests): {err}")
        })
}

fn defaults() -> Defaults {
    Defaults {
        auto_answer: vec![111, 222],
        cooldown_seconds: 10,
        support_line: Some("Ask a moderator".to_string()),
    }
}

/// Each test body runs twice: `sqlite::NAME` on a file in a temporary directory, and
/// `postgres::NAME` on the test run's PostgreSQL.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let dir = tempfile::tempdir().expect("a temporary directory");
                    let url = format!("sqlite://{}", dir.path().join("calcibot.db").display());
                    super::$name(&url).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(&super::postgres_url()).await;
                }
            )*
        }
    };
}

on_both!(
    settings_persist_across_reopening,
    settings_refuse_what_cannot_be_stored,
    one_vote_per_person_changeable,
    forget_leaves_nothing_of_the_server,
    no_user_id_is_stored,
    unanswered_questions_only_when_opted_in_and_purged_by_retention,
    removed_servers_are_deleted_after_30_days,
    stats_count_what_was_recorded,
    chart_png_decodes_and_is_not_blank,
);

async fn settings_persist_across_reopening(url: &str) {
    let (a, untouched) = (server(), server());
    let defaults = defaults();
    let store = open(url).await;
    let fresh = store.settings(a, &defaults).await.unwrap();
    assert_eq!(fresh.auto_answer.value, vec![111, 222]);
    assert!(!fresh.auto_answer.by_server);
    assert_eq!(fresh.cooldown_seconds.value, 10);
    assert!(!fresh.unanswered);

    store
        .set_auto_answer(a, 333, true, &defaults)
        .await
        .unwrap();
    store
        .set_auto_answer(a, 111, false, &defaults)
        .await
        .unwrap();
    store.set_cooldown(a, Some(30), &defaults).await.unwrap();
    store
        .set_support_line(a, Some("  Call Jo on 555 0100  "), &defaults)
        .await
        .unwrap();
    store
        .set_unanswered(a, true, Some(7), &defaults)
        .await
        .unwrap();
    store.close().await;

    let store = open(url).await;
    let s = store.settings(a, &defaults).await.unwrap();
    // The first change started from the operator's list: 222 stays, 111 was removed.
    assert_eq!(s.auto_answer.value, vec![222, 333]);
    assert!(s.auto_answer.by_server);
    assert_eq!(
        (s.cooldown_seconds.value, s.cooldown_seconds.by_server),
        (30, true)
    );
    assert_eq!(s.support_line.value.as_deref(), Some("Call Jo on 555 0100"));
    assert!(s.unanswered);
    assert_eq!(s.retention_days, 7);

    // Back to the operator's values, and a server that set nothing still has them.
    let s = store.set_cooldown(a, None, &defaults).await.unwrap();
    assert_eq!(
        (s.cooldown_seconds.value, s.cooldown_seconds.by_server),
        (10, false)
    );
    let s = store
        .set_support_line(a, Some("  "), &defaults)
        .await
        .unwrap();
    assert_eq!(s.support_line.value.as_deref(), Some("Ask a moderator"));
    let s = store
        .set_unanswered(a, false, None, &defaults)
        .await
        .unwrap();
    assert_eq!((s.unanswered, s.retention_days), (false, 7));
    assert_eq!(
        store.settings(untouched, &defaults).await.unwrap(),
        calcibot::storage::Settings::defaults(&defaults)
    );
}

async fn settings_refuse_what_cannot_be_stored(url: &str) {
    let a = server();
    let defaults = defaults();
    let store = open(url).await;
    let err = store
        .set_cooldown(a, Some(3_601), &defaults)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("3600"), "{err}");
    let err = store
        .set_unanswered(a, true, Some(31), &defaults)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("1 to 30 days"), "{err}");
    assert!(store
        .set_unanswered(a, true, Some(0), &defaults)
        .await
        .is_err());
    let err = store
        .set_support_line(a, Some(&"x".repeat(301)), &defaults)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("300"), "{err}");
    // Nothing of the refused values was kept.
    assert_eq!(
        store.settings(a, &defaults).await.unwrap(),
        calcibot::storage::Settings::defaults(&defaults)
    );
}

/// Writes `records` through a writer and waits until they are in the database.
async fn write(store: &Store, records: Vec<Record>) {
    let (recorder, handle) = spawn_writer(store.clone(), WriterOptions::default());
    for record in records {
        assert!(recorder.record(record));
    }
    tokio::time::timeout(Duration::from_secs(30), recorder.flush())
        .await
        .expect("the writer wrote within 30 seconds");
    drop(recorder);
    handle.finished().await;
}

async fn feedback(store: &Store, server: u64, entry: &str) -> (u64, u64) {
    let stats = store
        .stats(Scope::Server(server), 60, Day::today())
        .await
        .unwrap();
    stats
        .feedback
        .iter()
        .find(|f| f.entry == entry)
        .map(|f| (f.helpful, f.not_helpful))
        .unwrap_or((0, 0))
}

async fn one_vote_per_person_changeable(url: &str) {
    let s = server();
    let store = open(url).await;
    let today = Day::today();
    let answer = message(2);
    let vote = |user, helpful| {
        Record::vote(
            &store,
            s,
            answer,
            user,
            "what-is-calcinosis",
            helpful,
            today,
        )
        .unwrap()
    };
    write(&store, vec![vote(7, true), vote(7, true), vote(8, false)]).await;
    assert_eq!(feedback(&store, s, "what-is-calcinosis").await, (1, 1));
    // Changing one's mind moves the vote; clicking the same again changes nothing.
    write(&store, vec![vote(7, false), vote(7, false)]).await;
    assert_eq!(feedback(&store, s, "what-is-calcinosis").await, (0, 2));
    write(&store, vec![vote(7, true)]).await;
    assert_eq!(feedback(&store, s, "what-is-calcinosis").await, (1, 1));
    // The same person on another answer is another vote.
    write(
        &store,
        vec![Record::vote(&store, s, message(1), 7, "what-is-calcinosis", true, today).unwrap()],
    )
    .await;
    assert_eq!(feedback(&store, s, "what-is-calcinosis").await, (2, 1));
    // Reopening keeps the secret, so the hash still finds the earlier vote.
    store.close().await;
    let store = open(url).await;
    write(
        &store,
        vec![Record::vote(&store, s, answer, 8, "what-is-calcinosis", false, today).unwrap()],
    )
    .await;
    assert_eq!(feedback(&store, s, "what-is-calcinosis").await, (2, 1));
    // An answer older than the hashes are kept takes no votes.
    assert_eq!(
        Record::vote(&store, s, message(31), 7, "what-is-calcinosis", true, today),
        Err(RecordError::TooOldToVote)
    );
}

/// Every record kind for `server`, with the unanswered list on.
async fn fill(store: &Store, server: u64) {
    let defaults = defaults();
    let today = Day::today();
    store
        .set_unanswered(server, true, Some(30), &defaults)
        .await
        .unwrap();
    store
        .set_auto_answer(server, 999, true, &defaults)
        .await
        .unwrap();
    write(
        store,
        vec![
            Record::Usage {
                server,
                day: today,
                kind: ReplyKind::Answer,
                entry: Some("what-is-calcinosis".into()),
            },
            Record::vote(
                store,
                server,
                message(0),
                42,
                "what-is-calcinosis",
                true,
                today,
            )
            .unwrap(),
            Record::unanswered(
                server,
                today,
                ReplyKind::NoMatch,
                "can my cat get it?",
                None,
            )
            .unwrap(),
        ],
    )
    .await;
}

/// The tables of the database, and which of them have a `server_id` column.
async fn tables(store: &Store, url: &str) -> (Vec<String>, Vec<String>) {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let (all, with_server) = if url.starts_with("sqlite") {
        (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND p.name = 'server_id' ORDER BY m.name",
        )
    } else {
        (
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
             WHERE table_schema = current_schema() ORDER BY 1",
            "SELECT CAST(table_name AS TEXT) FROM information_schema.columns
             WHERE table_schema = current_schema() AND column_name = 'server_id' ORDER BY 1",
        )
    };
    let all: Vec<String> = sqlx::query_scalar(all).fetch_all(&pool).await.unwrap();
    let with_server: Vec<String> = sqlx::query_scalar(with_server)
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    let _ = store;
    (all, with_server)
}

async fn rows_of(url: &str, table: &str, server: u64) -> i64 {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let n: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {table} WHERE server_id = $1"
    ))
    .bind(server as i64)
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    n
}

async fn forget_leaves_nothing_of_the_server(url: &str) {
    let (gone, kept) = (server(), server());
    let store = open(url).await;
    fill(&store, gone).await;
    fill(&store, kept).await;
    let (all, with_server) = tables(&store, url).await;
    // Every table holds either a server's data (and `forget` knows it) or none at all.
    let mut expected: Vec<String> = Store::SERVER_TABLES.iter().map(|t| t.to_string()).collect();
    expected.sort();
    assert_eq!(with_server, expected);
    let mut others: Vec<&str> = all
        .iter()
        .map(String::as_str)
        .filter(|t| !expected.iter().any(|e| e == t))
        .collect();
    others.sort();
    assert_eq!(others, ["_sqlx_migrations", "install"]);
    for table in &with_server {
        assert!(
            rows_of(url, table, gone).await > 0,
            "{table} was not filled"
        );
    }

    let (recorder, handle) = spawn_writer(store.clone(), WriterOptions::default());
    recorder.forget(gone).await.unwrap();
    drop(recorder);
    handle.finished().await;
    for table in &with_server {
        assert_eq!(
            rows_of(url, table, gone).await,
            0,
            "{table} still holds the server"
        );
        assert!(
            rows_of(url, table, kept).await > 0,
            "{table} lost another server"
        );
    }
}

async fn no_user_id_is_stored(url: &str) {
    const USER: u64 = 987_654_321_098_765_432;
    let s = server();
    let store = open(url).await;
    let today = Day::today();
    let answer = message(0);
    write(
        &store,
        vec![
            Record::vote(&store, s, answer, USER, "what-is-calcinosis", true, today).unwrap(),
            Record::unanswered(
                s,
                today,
                ReplyKind::NoMatch,
                &format!("<@{USER}> what about <@!{USER}> in <#{USER}>?"),
                None,
            )
            .unwrap(),
        ],
    )
    .await;
    let (all, _) = tables(&store, url).await;
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let digits = USER.to_string();
    for table in all.iter().filter(|t| !t.starts_with('_')) {
        for row in sqlx::query(&format!("SELECT * FROM {table}"))
            .fetch_all(&pool)
            .await
            .unwrap()
        {
            for i in 0..row.len() {
                if let Ok(n) = row.try_get::<i64, _>(i) {
                    assert_ne!(n as u64, USER, "{table} holds the user id");
                } else if let Ok(text) = row.try_get::<String, _>(i) {
                    assert!(!text.contains(&digits), "{table} holds the user id: {text}");
                } else if let Ok(bytes) = row.try_get::<Vec<u8>, _>(i) {
                    assert!(
                        !bytes
                            .windows(8)
                            .any(|w| w == USER.to_be_bytes() || w == USER.to_le_bytes()),
                        "{table} holds the user id"
                    );
                }
            }
        }
    }
    pool.close().await;
}

async fn unanswered_questions_only_when_opted_in_and_purged_by_retention(url: &str) {
    let _turn = purge_turn().await;
    let (on, off) = (server(), server());
    let defaults = defaults();
    let store = open(url).await;
    let today = Day::today();
    store
        .set_unanswered(on, true, Some(7), &defaults)
        .await
        .unwrap();
    let q = |server, ago, text: &str| {
        Record::unanswered(
            server,
            today.minus(ago),
            ReplyKind::NoMatch,
            text,
            Some("diet"),
        )
        .unwrap()
    };
    write(
        &store,
        vec![
            q(on, 10, "ten days ago"),
            q(on, 7, "seven days ago"),
            q(on, 6, "six days ago"),
            q(on, 0, "today"),
            q(off, 0, "never kept"),
        ],
    )
    .await;
    assert!(matches!(
        Record::unanswered(on, today, ReplyKind::Answer, "answered", None),
        Err(RecordError::NotUnanswered("answer"))
    ));
    assert_eq!(store.unanswered_page(off, 0, 10).await.unwrap().total, 0);
    assert_eq!(store.unanswered_page(on, 0, 10).await.unwrap().total, 4);

    // The purge is shown by what is left, not by the count it reports.
    store.purge(today).await.unwrap();
    let page = store.unanswered_page(on, 0, 1).await.unwrap();
    assert_eq!((page.total, page.pages), (2, 2));
    assert_eq!(page.questions[0].text, "today");
    assert_eq!(page.questions[0].closest.as_deref(), Some("diet"));
    assert_eq!(page.questions[0].kind, ReplyKind::NoMatch);
    let second = store.unanswered_page(on, 1, 1).await.unwrap();
    assert_eq!(second.questions[0].text, "six days ago");

    // A moderator deletes one, and cannot delete another server's.
    assert!(!store
        .delete_unanswered(off, second.questions[0].id)
        .await
        .unwrap());
    assert!(store
        .delete_unanswered(on, second.questions[0].id)
        .await
        .unwrap());
    assert_eq!(store.unanswered_page(on, 0, 10).await.unwrap().total, 1);
    // Turning the list off deletes what it kept.
    store
        .set_unanswered(on, false, None, &defaults)
        .await
        .unwrap();
    assert_eq!(store.unanswered_page(on, 0, 10).await.unwrap().total, 0);
}

async fn removed_servers_are_deleted_after_30_days(url: &str) {
    let _turn = purge_turn().await;
    let (long_gone, recently_gone, back) = (server(), server(), server());
    let store = open(url).await;
    let today = Day::today();
    for s in [long_gone, recently_gone, back] {
        fill(&store, s).await;
    }
    store
        .server_removed(long_gone, today.minus(30))
        .await
        .unwrap();
    store
        .server_removed(recently_gone, today.minus(29))
        .await
        .unwrap();
    store.server_removed(back, today.minus(40)).await.unwrap();
    store.server_present(back).await.unwrap();
    store.purge(today).await.unwrap();
    for table in Store::SERVER_TABLES {
        assert_eq!(rows_of(url, table, long_gone).await, 0, "{table}");
        assert!(rows_of(url, table, recently_gone).await > 0, "{table}");
        assert!(rows_of(url, table, back).await > 0, "{table}");
    }
}

async fn stats_count_what_was_recorded(url: &str) {
    let s = server();
    let store = open(url).await;
    let today = Day::today();
    let usage = |ago, kind, entry: Option<&str>| Record::Usage {
        server: s,
        day: today.minus(ago),
        kind,
        entry: entry.map(str::to_string),
    };
    let mut records = Vec::new();
    for _ in 0..3 {
        records.push(usage(0, ReplyKind::Answer, Some("diet")));
    }
    records.push(usage(1, ReplyKind::Answer, Some("causes")));
    records.push(usage(1, ReplyKind::Urgent, Some("diet")));
    records.push(usage(1, ReplyKind::Crisis, None));
    records.push(usage(2, ReplyKind::NoMatch, None));
    records.push(usage(2, ReplyKind::Clarify, None));
    records.push(usage(2, ReplyKind::Smalltalk, None));
    records.push(usage(20, ReplyKind::Answer, Some("causes")));
    for (user, helpful) in [(1, true), (2, true), (3, false)] {
        records.push(Record::vote(&store, s, message(0), user, "diet", helpful, today).unwrap());
    }
    write(&store, records).await;

    let stats = store.stats(Scope::Server(s), 7, today).await.unwrap();
    assert_eq!((stats.from, stats.to), (today.minus(6), today));
    assert_eq!(stats.per_day.len(), 7);
    let per_day: Vec<u64> = stats.per_day.iter().map(|d| d.questions).collect();
    // Small talk is not a question; the answer of 20 days ago is outside the span.
    assert_eq!(per_day, [0, 0, 0, 0, 2, 3, 3]);
    assert_eq!(stats.questions(), 8);
    let k = stats.kinds;
    assert_eq!(
        (
            k.answer,
            k.clarify,
            k.no_match,
            k.urgent,
            k.crisis,
            k.smalltalk
        ),
        (4, 1, 1, 1, 1, 1)
    );
    let top: Vec<(&str, u64)> = stats
        .top_entries
        .iter()
        .map(|e| (e.entry.as_str(), e.answers))
        .collect();
    assert_eq!(top, [("diet", 4), ("causes", 1)]);
    assert_eq!(stats.feedback.len(), 1);
    assert!((stats.feedback[0].helpful_share() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(stats.servers, 1);

    // Across servers the figures include this one's.
    let all = store.stats(Scope::All, 7, today).await.unwrap();
    assert!(all.kinds.crisis >= 1 && all.servers >= 1);
}

async fn chart_png_decodes_and_is_not_blank(url: &str) {
    let s = server();
    let store = open(url).await;
    let today = Day::today();
    let records = (0..14u32)
        .flat_map(|ago| {
            (0..=ago % 5).map(move |_| Record::Usage {
                server: s,
                day: today.minus(ago),
                kind: ReplyKind::Answer,
                entry: Some("diet".into()),
            })
        })
        .collect();
    write(&store, records).await;
    let stats = store.stats(Scope::Server(s), 14, today).await.unwrap();
    let png = chart::questions_per_day(&stats).unwrap();

    let decoder = png::Decoder::new(png.as_slice());
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader
        .next_frame(&mut pixels)
        .expect("PNG data that decodes");
    assert_eq!((info.width, info.height), (chart::WIDTH, chart::HEIGHT));
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let rgb: Vec<[u8; 3]> = pixels[..info.buffer_size()]
        .chunks(3)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    let white = rgb.iter().filter(|p| **p == [255, 255, 255]).count();
    let bars = rgb.iter().filter(|p| **p == [88, 101, 242]).count();
    let ink = rgb
        .iter()
        .filter(|p| p[0] < 100 && p[1] < 100 && p[2] < 100)
        .count();
    assert!(white > rgb.len() / 3, "the background is white");
    assert!(bars > 2_000, "the bars are drawn ({bars} pixels)");
    assert!(
        ink > 500,
        "the caption and labels are drawn ({ink} dark pixels)"
    );
}

/// A database that is locked by another process holds the records back; they are written once
/// it is free. SQLite: another connection holds the write lock (the busy timeout runs out).
// One thread, so that the writer's log lines reach this test's own log (see `Log`).
#[tokio::test]
async fn sqlite_writer_holds_records_while_the_database_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("calcibot.db").display());
    let store = open(&url).await;
    let locker = sqlx::AnyPool::connect(&url).await.unwrap();
    let mut lock = locker.acquire().await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut *lock)
        .await
        .unwrap();
    writer_survives_an_outage(&store, || async {
        sqlx::query("ROLLBACK").execute(&mut *lock).await.unwrap();
    })
    .await;
}

/// PostgreSQL: a cluster of this test's own is stopped mid-run and started again.
#[tokio::test]
async fn postgres_writer_holds_records_while_the_server_is_stopped() {
    let own = OwnCluster::start();
    let store = open(&own.url).await;
    let pg = own.path();
    cluster(&["stop", &pg]);
    writer_survives_an_outage(&store, || async {
        cluster(&["start", &pg]);
    })
    .await;
}

/// Records sent while the database is unavailable are not lost: they are written after
/// `restore`, and nothing is counted twice.
async fn writer_survives_an_outage<F, Fut>(store: &Store, restore: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let log = Log::default();
    let _logging = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_writer(log.clone())
            .with_ansi(false)
            .finish(),
    );
    let s = server();
    let today = Day::today();
    let options = WriterOptions {
        retry_min: Duration::from_millis(200),
        retry_max: Duration::from_secs(1),
        ..WriterOptions::default()
    };
    let (recorder, handle) = spawn_writer(store.clone(), options);
    for _ in 0..100 {
        assert!(recorder.record(Record::Usage {
            server: s,
            day: today,
            kind: ReplyKind::Answer,
            entry: Some("diet".into()),
        }));
    }
    // Nothing can be written while the database is unavailable.
    assert!(
        tokio::time::timeout(Duration::from_secs(7), recorder.flush())
            .await
            .is_err(),
        "the records were written while the database was unavailable"
    );
    // More records arrive during the outage; they are held too.
    for _ in 0..50 {
        assert!(recorder.record(Record::Usage {
            server: s,
            day: today,
            kind: ReplyKind::Urgent,
            entry: None,
        }));
    }
    restore().await;
    tokio::time::timeout(Duration::from_secs(60), recorder.flush())
        .await
        .expect("the held records were written within 60 seconds of the database coming back");
    drop(recorder);
    handle.finished().await;
    let stats = store.stats(Scope::Server(s), 1, today).await.unwrap();
    assert_eq!((stats.kinds.answer, stats.kinds.urgent), (100, 50));
    // The outage is logged once when it begins and once when it ends, whatever the number of
    // failed tries, and never a record.
    let log = log.text();
    assert_eq!(
        log.matches("the database is unavailable").count(),
        1,
        "{log}"
    );
    assert_eq!(log.matches("the database is back").count(), 1, "{log}");
    assert!(!log.contains("diet"), "{log}");
}

/// A log written to memory, for what the writer says.
#[derive(Clone, Default)]
struct Log(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Log {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Log;

    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}

/// `calcibot report` on a SQLite file: the figures across servers, and the unanswered
/// questions grouped by their closest entry, in every format.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_groups_unanswered_questions_by_closest_entry() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("calcibot.db").display());
    let store = open(&url).await;
    let defaults = defaults();
    let today = Day::today();
    let (a, b) = (server(), server());
    for s in [a, b] {
        store
            .set_unanswered(s, true, Some(30), &defaults)
            .await
            .unwrap();
    }
    let q =
        |s, kind, text: &str, closest| Record::unanswered(s, today, kind, text, closest).unwrap();
    write(
        &store,
        vec![
            q(
                a,
                ReplyKind::Clarify,
                "does it hurt when it rains",
                Some("causes-overview"),
            ),
            q(
                b,
                ReplyKind::NoMatch,
                "is it *catching*?",
                Some("causes-overview"),
            ),
            q(a, ReplyKind::NoMatch, "can my cat get it", None),
            q(b, ReplyKind::NoMatch, "best diet?", Some("cause-kidney")),
            Record::Usage {
                server: a,
                day: today,
                kind: ReplyKind::Answer,
                entry: Some("cause-kidney".into()),
            },
            Record::Usage {
                server: b,
                day: today,
                kind: ReplyKind::Crisis,
                entry: None,
            },
        ],
    )
    .await;
    store.close().await;

    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_calcibot"))
            .arg("report")
            .args(["--database", &url])
            .args(args)
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value =
        serde_json::from_str(&run(&["--format", "json", "--days", "7"])).unwrap();
    assert_eq!(json["days"], 7);
    assert_eq!(json["servers"], 2);
    assert_eq!(json["kinds"]["crisis"], 1);
    assert_eq!(json["top_entries"][0]["entry"], "cause-kidney");
    let groups = json["unanswered"].as_array().unwrap();
    let closest: Vec<&serde_json::Value> = groups.iter().map(|g| &g["closest"]).collect();
    assert_eq!(
        closest,
        [
            &serde_json::json!("causes-overview"),
            &serde_json::json!("cause-kidney"),
            &serde_json::Value::Null
        ]
    );
    assert_eq!(groups[0]["questions"].as_array().unwrap().len(), 2);
    assert_eq!(groups[2]["questions"][0]["text"], "can my cat get it");

    let text = run(&[]);
    assert!(
        text.contains("unanswered questions by the closest entry (4)"),
        "{text}"
    );
    assert!(text.contains("close to no entry (1)"), "{text}");
    assert!(
        text.contains("cause-kidney: "),
        "entries are named by title too: {text}"
    );
    let markdown = run(&["--format", "markdown"]);
    assert!(markdown.contains("is it \\*catching\\*?"), "{markdown}");
    let chart = dir.path().join("chart.png");
    run(&["--chart", &chart.to_string_lossy()]);
    assert!(std::fs::read(&chart).unwrap().starts_with(b"\x89PNG"));

    // A mistyped path is an error that says what to do, not a new empty database.
    let missing = format!("sqlite://{}", dir.path().join("nope.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_calcibot"))
        .args(["report", "--database", &missing])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("there is no database at"), "{err}");
    assert!(!dir.path().join("nope.db").exists());
}

/// A record the database refuses (here: its table was dropped by hand) is dropped, not held
/// forever, and the records batched with it are still written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writer_drops_a_refused_record_and_writes_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("calcibot.db").display());
    let store = open(&url).await;
    let s = server();
    let today = Day::today();
    store
        .set_unanswered(s, true, Some(7), &defaults())
        .await
        .unwrap();
    sqlx::query("DROP TABLE unanswered")
        .execute(&sqlx::AnyPool::connect(&url).await.unwrap())
        .await
        .unwrap();
    let usage = Record::Usage {
        server: s,
        day: today,
        kind: ReplyKind::NoMatch,
        entry: None,
    };
    let question = Record::unanswered(s, today, ReplyKind::NoMatch, "lost question", None).unwrap();
    write(&store, vec![usage.clone(), question, usage]).await;
    let stats = store.stats(Scope::Server(s), 1, today).await.unwrap();
    assert_eq!(stats.kinds.no_match, 2);
}

/// `serve` starts while PostgreSQL is down: the store opens once the server is up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_opens_once_the_server_is_up() {
    let own = OwnCluster::start();
    cluster(&["stop", &own.path()]);
    let url = own.url.clone();
    let opening =
        tokio::spawn(async move { Store::open_retrying(&url, Open::CreateIfMissing).await });
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(!opening.is_finished(), "opened a database that was down");
    cluster(&["start", &own.path()]);
    let store = tokio::time::timeout(Duration::from_secs(60), opening)
        .await
        .expect("the store opened within 60 seconds of the server starting")
        .unwrap()
        .unwrap();
    assert_eq!(store.backend(), calcibot::storage::Backend::Postgres);
    // A URL that can never work is not retried.
    let err = Store::open_retrying("mysql://db/x", Open::CreateIfMissing)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("DATABASE_URL"), "{err}");
}

/// The hold buffer is bounded: through a long outage the oldest records go, the newest stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writer_holds_at_most_its_bound() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("calcibot.db").display());
    let store = open(&url).await;
    let locker = sqlx::AnyPool::connect(&url).await.unwrap();
    let mut lock = locker.acquire().await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut *lock)
        .await
        .unwrap();
    let s = server();
    let today = Day::today();
    let options = WriterOptions {
        hold: 10,
        retry_min: Duration::from_millis(200),
        retry_max: Duration::from_millis(200),
        ..WriterOptions::default()
    };
    let (recorder, handle) = spawn_writer(store.clone(), options);
    for ago in 0..50 {
        assert!(recorder.record(Record::Usage {
            server: s,
            day: today.minus(49 - ago),
            kind: ReplyKind::Answer,
            entry: None,
        }));
    }
    tokio::time::sleep(Duration::from_secs(6)).await;
    sqlx::query("ROLLBACK").execute(&mut *lock).await.unwrap();
    tokio::time::timeout(Duration::from_secs(30), recorder.flush())
        .await
        .expect("the held records were written");
    drop(recorder);
    handle.finished().await;
    let stats = store.stats(Scope::Server(s), 50, today).await.unwrap();
    let kept: Vec<u64> = stats.per_day.iter().map(|d| d.questions).collect();
    assert_eq!(kept.iter().sum::<u64>(), 10, "{kept:?}");
    // The ten kept are the newest.
    assert!(kept[40..].iter().all(|&n| n == 1), "{kept:?}");
}
