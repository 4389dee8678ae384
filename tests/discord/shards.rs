//! Several processes: each runs its range of shards (`SHARDS=first-last/total`), identifies
//! as those shards, and answers the servers Discord routes to them; none registers the
//! commands when told not to (`calcibot register` does that once). The processes are real
//! `calcibot serve` processes, as an operator runs them, sharing one fake Discord.

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use calcibot::storage::{Day, Open, Scope, Store};

use crate::harness::*;

/// Servers on shard 0 and shard 1 of 2: Discord routes a server to `(id >> 22) % shards`.
const ON_SHARD_0: u64 = 1_000 << 22;
const ON_SHARD_1: u64 = 1_001 << 22;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_each_run_their_shard_and_answer_their_servers() {
    init_logs();
    let fake = FakeDiscord::start(Options {
        shards: Some(2),
        ..Options::default()
    })
    .await;
    let first = ServeProcess::spawn(&fake, "0-0/2");
    let second = ServeProcess::spawn(&fake, "1-1/2");

    let deadline = tokio::time::Instant::now() + WAIT;
    while fake.identifies().len() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "two shards did not identify within the wait"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let shards: BTreeSet<String> = fake
        .identifies()
        .iter()
        .map(|d| d["shard"].to_string())
        .collect();
    assert_eq!(shards, BTreeSet::from(["[0,2]".into(), "[1,2]".into()]));

    let ids = events::Ids::new();
    let mut asked = Vec::new();
    for (shard, guild) in [(0, ON_SHARD_0), (1, ON_SHARD_1)] {
        let id = ids.next();
        let d = events::message(
            id,
            CHANNEL,
            Some(guild),
            ASKER,
            &format!("{} {ANSWERED}", mention()),
        );
        fake.dispatch_to_shard(shard, "MESSAGE_CREATE", events::mentioning(d, &bot_user()))
            .await;
        asked.push(id);
    }
    for id in asked {
        fake.wait_for(WAIT, |r| r.replies_to(id))
            .await
            .unwrap_or_else(|| panic!("no reply to {id}"));
    }
    assert!(
        !fake.requests().iter().any(Request::registers_commands),
        "a process registered the commands although REGISTER_COMMANDS=off"
    );

    // Each process counted its own server's question, and only that one.
    let today = Day::today();
    for (process, mine, other) in [
        (&first, ON_SHARD_0, ON_SHARD_1),
        (&second, ON_SHARD_1, ON_SHARD_0),
    ] {
        let store = Store::open(&sqlite_url(process.dir.path()), Open::MustExist)
            .await
            .expect("the process's database");
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let counted = store.stats(Scope::Server(mine), 1, today).await.unwrap();
            if counted.questions() == 1 {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the question in {mine} was not counted by its shard's process"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let elsewhere = store.stats(Scope::Server(other), 1, today).await.unwrap();
        assert_eq!(
            elsewhere.questions(),
            0,
            "a process answered another shard's server"
        );
        store.close().await;
    }
    first.stop();
    second.stop();
}

/// `calcibot serve` in a process of its own, with its shard range and its own SQLite file.
struct ServeProcess {
    child: Child,
    dir: tempfile::TempDir,
}

impl ServeProcess {
    fn spawn(fake: &FakeDiscord, shards: &str) -> ServeProcess {
        let (mut command, dir) = crate::serve::serve_command(Some(fake));
        let child = command
            .env("SHARDS", shards)
            .env("REGISTER_COMMANDS", "off")
            .env("DISCORD_GUILD_ID", GUILD.to_string())
            .env("DATABASE_URL", sqlite_url(dir.path()))
            // Nobody reads its output here: a full pipe must not stall it.
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("calcibot serve starts");
        ServeProcess { child, dir }
    }

    /// SIGTERM, as an operator's service manager stops it, then its exit.
    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let status = self.child.wait().expect("calcibot serve exits");
        assert!(status.success(), "calcibot serve exited with {status}");
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        // A failed assertion must not leave a bot running.
        let _ = self.child.kill();
    }
}
