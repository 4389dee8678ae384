//! The binary: `calcibot serve` as a user runs it, against the fake Discord.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;

pub(crate) fn serve_command(fake: Option<&FakeDiscord>) -> (Command, tempfile::TempDir) {
    // An empty working directory, so no `.env` of the checkout is read.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut command = Command::new(env!("CARGO_BIN_EXE_calcibot"));
    command
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("KNOWLEDGE_DIR")
        .env_remove("AUTO_ANSWER_CHANNELS")
        .env_remove("DISCORD_GUILD_ID")
        .env_remove("DATABASE_URL")
        .env_remove("SHARDS")
        .env_remove("REGISTER_COMMANDS")
        .env("RUST_LOG", "calcibot=info,warn")
        .env("COOLDOWN_SECONDS", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match fake {
        Some(fake) => {
            command
                .env("DISCORD_TOKEN", TOKEN)
                .env("DISCORD_HTTP_PROXY", &fake.rest_url);
        }
        None => {
            command
                .env_remove("DISCORD_TOKEN")
                .env_remove("DISCORD_HTTP_PROXY");
        }
    }
    (command, dir)
}

/// Waits for the child to exit, up to `timeout`; kills it if it does not.
async fn wait_exit(child: std::process::Child, timeout: Duration) -> std::process::Output {
    let pid = child.id();
    let waiting = tokio::task::spawn_blocking(move || child.wait_with_output());
    match tokio::time::timeout(timeout, waiting).await {
        Ok(output) => output.expect("no panic").expect("the child's output"),
        Err(_) => {
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg(pid.to_string())
                .status();
            panic!("calcibot serve did not exit within {timeout:?}");
        }
    }
}

/// `calcibot register` registers the commands once and exits, for several processes that run
/// with REGISTER_COMMANDS=off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_registers_the_commands_and_exits() {
    let fake = FakeDiscord::start(Options::default()).await;
    // The environment `serve` gets, for `register`.
    let (command, _dir) = serve_command(Some(&fake));
    let mut register = Command::new(env!("CARGO_BIN_EXE_calcibot"));
    register.arg("register");
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => register.env(key, value),
            None => register.env_remove(key),
        };
    }
    register
        .current_dir(command.get_current_dir().expect("a working directory"))
        .env("DISCORD_GUILD_ID", GUILD.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = register.spawn().expect("calcibot runs");
    let output = wait_exit(child, WAIT).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let puts: Vec<Request> = fake
        .requests()
        .into_iter()
        .filter(Request::registers_commands)
        .collect();
    assert_eq!(puts.len(), 1, "one registration");
    assert!(puts[0].path.ends_with(&format!("/guilds/{GUILD}/commands")));
    let names: Vec<&str> = puts[0]
        .body
        .as_array()
        .expect("commands")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(
        names.contains(&"ask") && names.contains(&"settings"),
        "{names:?}"
    );
    // It never connected to the gateway.
    assert!(fake.identifies().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_without_a_token_says_what_to_do() {
    let (mut command, _dir) = serve_command(None);
    let child = command.spawn().expect("calcibot runs");
    let output = wait_exit(child, WAIT).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DISCORD_TOKEN is not set") && stderr.contains("Developer Portal"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_a_malformed_value_names_it() {
    let (mut command, _dir) = serve_command(None);
    command
        .env("DISCORD_TOKEN", TOKEN)
        .env("AUTO_ANSWER_CHANNELS", "#help");
    let output = wait_exit(command.spawn().expect("calcibot runs"), WAIT).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("AUTO_ANSWER_CHANNELS"), "{stderr}");
    assert!(!stderr.contains(TOKEN), "the token must never be shown");
}

async fn serve_stops_on(signal: &str) {
    let fake = FakeDiscord::start(Options::default()).await;
    let (mut command, dir) = serve_command(Some(&fake));
    let child = command.spawn().expect("calcibot runs");
    let registered = fake.wait_for(WAIT, Request::registers_commands).await;
    if registered.is_none() {
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(child.id().to_string())
            .status();
        let output = wait_exit(child, WAIT).await;
        panic!(
            "calcibot serve never registered its commands:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // It answers, too: the binary runs the same layer as the tests above.
    let d = events::message(
        1_200_000_000_000_000_001,
        CHANNEL,
        Some(GUILD),
        ASKER,
        &format!("{} {ANSWERED}", mention()),
    );
    fake.dispatch("MESSAGE_CREATE", events::mentioning(d, &bot_user()))
        .await;
    fake.wait_for(WAIT, |r| r.replies_to(1_200_000_000_000_000_001))
        .await
        .expect("calcibot serve answered a mention");
    // With DATABASE_URL unset, the SQLite file is made in the working directory on first start.
    assert!(
        dir.path().join("calcibot.db").is_file(),
        "no calcibot.db in the working directory"
    );

    let started = Instant::now();
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(status.success());
    let output = wait_exit(child, WAIT).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}:\n{stderr}",
        output.status
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(stderr.contains("disconnected from Discord"), "{stderr}");
    assert!(!stderr.contains(TOKEN), "the token must never be logged");
    assert!(
        !stderr.contains(ANSWERED),
        "message text must not be logged at info"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_cleanly_on_sigterm() {
    serve_stops_on("TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_cleanly_on_sigint() {
    serve_stops_on("INT").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_reports_a_disallowed_intent() {
    let fake = FakeDiscord::start(Options {
        close_on_identify: Some(4014),
        ..Options::default()
    })
    .await;
    let (mut command, _dir) = serve_command(Some(&fake));
    command.env("AUTO_ANSWER_CHANNELS", CHANNEL.to_string());
    let output = wait_exit(command.spawn().expect("calcibot runs"), WAIT).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Privileged Gateway Intents"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_reply_is_logged_once_with_its_route_and_status_never_its_text() {
    let fake = FakeDiscord::start(Options::default()).await;
    let (mut command, _dir) = serve_command(Some(&fake));
    let child = command.spawn().expect("calcibot runs");
    if fake
        .wait_for(WAIT, Request::registers_commands)
        .await
        .is_none()
    {
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(child.id().to_string())
            .status();
        panic!("calcibot serve never registered its commands");
    }
    let id = 1_200_000_000_000_000_002;
    fake.fail_replies_to(id, &[crate::fake_discord::Fault::ServerError; 3]);
    let d = events::message(
        id,
        CHANNEL,
        Some(GUILD),
        ASKER,
        &format!("{} {ANSWERED}", mention()),
    );
    fake.dispatch("MESSAGE_CREATE", events::mentioning(d, &bot_user()))
        .await;
    // Two tries at least, then a moment for the bot to give up.
    let deadline = tokio::time::Instant::now() + WAIT;
    while fake
        .requests()
        .iter()
        .filter(|r| r.tries_to_reply_to(id))
        .count()
        < 2
    {
        assert!(tokio::time::Instant::now() < deadline, "no second try");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(SETTLE).await;
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let output = wait_exit(child, WAIT).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lost: Vec<&str> = stderr.lines().filter(|l| l.contains("giving up")).collect();
    assert_eq!(lost.len(), 1, "{stderr}");
    assert!(lost[0].contains("WARN"), "{}", lost[0]);
    assert!(
        lost[0].contains(&format!("/channels/{CHANNEL}/messages")),
        "{}",
        lost[0]
    );
    assert!(lost[0].contains("500"), "{}", lost[0]);
    assert!(
        !stderr.contains(ANSWERED),
        "message text must not be logged:\n{stderr}"
    );
}
