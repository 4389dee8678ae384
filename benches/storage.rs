//! The storage writer's throughput: how many feedback clicks a second it keeps up with on
//! SQLite (a file in a temporary directory, as `serve` uses by default).
//!
//! - **Burst:** 20,000 votes (each a different person on one of 200 answers) handed to the
//!   writer at once; the time until the last is in the database gives the clicks a second the
//!   writer sustains at most.
//! - **Paced:** 1,000 clicks a second for 5 seconds, with the writer's default bounds: how many
//!   records the queue dropped (the target is none) and how long after the last click the last
//!   vote was written.
//!
//! A vote is the writer's heaviest record: a look-up of the person's earlier vote, then an
//! insert and an upsert of the day's count. Run it with `cargo bench --bench storage`; it is a
//! measuring tool and asserts nothing about the figures. (Under `cargo test --benches` it runs
//! a small smoke version.) `-- --postgres URL` measures a PostgreSQL database instead.
//!
//! Measured on the 2-core development machine (shared with other builds), 2026-11-22:
//! SQLite burst 21,000 clicks/s; paced 1,000/s for 5 s, none dropped, the last vote written
//! within a millisecond of the last click. PostgreSQL 15 (local, fsync off): burst 6,200
//! clicks/s; paced, the same.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use calcibot::storage::{spawn_writer, Day, Open, Record, Scope, Store, WriterOptions};

const ANSWERS: u64 = 200;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let full = args.iter().any(|a| a == "--bench");
    let postgres = args
        .iter()
        .position(|a| a == "--postgres")
        .and_then(|i| args.get(i + 1).cloned());
    let (burst, rate, seconds) = if full {
        (20_000, 1_000, 5)
    } else {
        (500, 1_000, 1)
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = postgres
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("calcibot.db").display()));
    runtime.block_on(async {
        let store = Store::open(&url, Open::CreateIfMissing)
            .await
            .expect("the database opens");
        println!("storage writer on {}", store.backend().name());
        burst_run(&store, burst).await;
        paced_run(&store, rate, seconds).await;
    });
}

/// A server id no earlier run used (a PostgreSQL database outlives a run).
fn fresh_server() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_micros() as u64
}

/// Message ids of answers sent today, for the votes to be on.
fn answers() -> Vec<u64> {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as u64;
    (0..ANSWERS)
        .map(|i| ((ms - 1_420_070_400_000) << 22) + i)
        .collect()
}

fn vote(store: &Store, server: u64, answers: &[u64], n: u64) -> Record {
    let answer = answers[(n % ANSWERS) as usize];
    Record::vote(
        store,
        server,
        answer,
        1_000_000 + n,
        "diet",
        n % 3 != 0,
        Day::today(),
    )
    .expect("the answer is recent")
}

async fn burst_run(store: &Store, n: u64) {
    let server = fresh_server();
    let answers = answers();
    let options = WriterOptions {
        queue: n as usize + 1,
        ..WriterOptions::default()
    };
    let (recorder, handle) = spawn_writer(store.clone(), options);
    let records: Vec<Record> = (0..n).map(|i| vote(store, server, &answers, i)).collect();
    let start = Instant::now();
    for record in records {
        assert!(recorder.record(record), "the queue holds the burst");
    }
    recorder.flush().await;
    let took = start.elapsed();
    drop(recorder);
    handle.finished().await;
    check(store, server, n).await;
    println!(
        "burst: {n} votes written in {:.2} s: {:.0} clicks/s at most",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
}

async fn paced_run(store: &Store, rate: u64, seconds: u64) {
    let server = fresh_server();
    let answers = answers();
    let (recorder, handle) = spawn_writer(store.clone(), WriterOptions::default());
    let n = rate * seconds;
    let records: Vec<Record> = (0..n).map(|i| vote(store, server, &answers, i)).collect();
    let start = Instant::now();
    let mut dropped = 0;
    let mut ticker = tokio::time::interval(Duration::from_millis(10));
    let per_tick = (rate / 100).max(1) as usize;
    let mut records = records.into_iter();
    loop {
        ticker.tick().await;
        let tick: Vec<Record> = records.by_ref().take(per_tick).collect();
        if tick.is_empty() {
            break;
        }
        for record in tick {
            if !recorder.record(record) {
                dropped += 1;
            }
        }
    }
    let sent = start.elapsed();
    recorder.flush().await;
    let lag = start.elapsed() - sent;
    drop(recorder);
    handle.finished().await;
    check(store, server, n - dropped).await;
    println!(
        "paced: {n} votes at {rate}/s over {:.2} s: {dropped} dropped, the last written {:.0} ms after the last click",
        sent.as_secs_f64(),
        lag.as_secs_f64() * 1_000.0
    );
}

/// Every vote counted once.
async fn check(store: &Store, server: u64, votes: u64) {
    let stats = store
        .stats(Scope::Server(server), 1, Day::today())
        .await
        .expect("the stats read");
    let counted: u64 = stats
        .feedback
        .iter()
        .map(|f| f.helpful + f.not_helpful)
        .sum();
    assert_eq!(counted, votes, "every vote is counted once");
}
