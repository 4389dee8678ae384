//! PostgreSQL goes down mid-run: answers keep flowing, the records are held, and they arrive
//! once it is back. The cluster is the tests' throwaway one (`.ci/postgres`), of this test's
//! own so that stopping it disturbs no other test.

use std::time::Duration;

use calcibot::storage::{Day, Open, Scope, Store};

use crate::harness::*;
use crate::postgres::{cluster, OwnCluster};

/// Questions counted in the test server today, by a fresh connection.
async fn counted(url: &str) -> u64 {
    let store = Store::open(url, Open::MustExist)
        .await
        .expect("PostgreSQL is up");
    let stats = store
        .stats(Scope::Server(GUILD), 1, Day::today())
        .await
        .expect("the figures");
    store.close().await;
    stats.questions()
}

async fn until_counted(url: &str, expected: u64, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let n = counted(url).await;
        if n == expected {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{n} questions counted, not {expected}, within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_flow_through_a_postgres_outage_and_the_records_arrive_after() {
    let own = OwnCluster::start();
    let bot = start(&[("DATABASE_URL", &own.url)]).await;
    let asked = bot.mention(ASKER, ANSWERED).await;
    bot.reply_to(asked).await;
    until_counted(&own.url, 1, WAIT).await;

    cluster(&["stop", &own.path()]);
    for n in 0..3 {
        let asked = bot.mention(ASKER + n, ANSWERED).await;
        let reply = bot.reply_to(asked).await;
        assert_answer_embeds(&reply.body, ANSWERED);
    }
    cluster(&["start", &own.path()]);
    // The writer tries again with a growing wait (at most 30 s between tries).
    until_counted(&own.url, 4, Duration::from_secs(60)).await;
    bot.stop().await;
}
