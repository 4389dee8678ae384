//! The Discord layer's latency and memory, measured on `calcibot serve` as a user runs it.
//!
//! Starts the fake Discord of the end-to-end tests (`tests/discord/fake_discord.rs`), runs the
//! release binary against it through `DISCORD_HTTP_PROXY`, with its storage on as `serve` has
//! it by default (SQLite, `calcibot.db` in a temporary working directory: every reply is
//! counted after it is sent), and then:
//! - reads the resident memory of the bot process (VmRSS in /proc) after start-up;
//! - sends 200 mentions one at a time, each waited for, and reports the time from the fake
//!   gateway writing the MESSAGE_CREATE to the reply's POST arriving at the fake REST server
//!   (median, p90, p99, max), after 20 warm-up messages that are not counted;
//! - reads the memory again, and stops the bot with SIGTERM.
//!
//! Run it with `cargo bench --bench discord`. It is a measuring tool, not a test: nothing is
//! asserted about the figures. (Under `cargo test --benches` it sends 5 messages as a smoke test.)

#[path = "../tests/discord/fake_discord.rs"]
mod fake_discord;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fake_discord::{events, FakeDiscord, Options, Request};

const TOKEN: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.fake-token-for-the-fake-discord_0123";
const GUILD: u64 = 800_000_000_000_000_001;
const CHANNEL: u64 = 700_000_000_000_000_001;
const ASKER: u64 = 600_000_000_000_000_001;

/// A mix of what people send: answers, an urgent message, a clarify, small talk, a no-match.
const FIXED: [&str; 6] = [
    "what is calcinosis cutis?",
    "my fingertip has turned black and I can't feel it",
    "can calcium deposits on my face be removed",
    "thanks!",
    "what's the weather",
    "do calcium deposits hurt",
];

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (warm_up, measured) = if full { (20, 200) } else { (1, 5) };
    // `-- --messages N` measures N messages instead (e.g. to see whether memory levels off).
    let args: Vec<String> = std::env::args().collect();
    let measured = args
        .iter()
        .position(|a| a == "--messages")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(measured);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the fake Discord");
    if !full {
        println!("smoke run of the Discord measuring tool; `cargo bench --bench discord` measures");
    }
    runtime.block_on(measure(warm_up, measured));
}

async fn measure(warm_up: usize, measured: usize) {
    let kb = calcibot::KnowledgeBase::builtin().expect("the built-in knowledge base loads");
    let mut questions: Vec<String> = FIXED.iter().map(|q| q.to_string()).collect();
    questions.extend(kb.entries.iter().map(|e| e.title.clone()));

    let fake = FakeDiscord::start(Options::default()).await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut child = Command::new(env!("CARGO_BIN_EXE_calcibot"))
        .arg("serve")
        .current_dir(dir.path())
        .env("DISCORD_TOKEN", TOKEN)
        .env("DISCORD_GUILD_ID", GUILD.to_string())
        .env("DISCORD_HTTP_PROXY", &fake.rest_url)
        .env("COOLDOWN_SECONDS", "0")
        .env("RUST_LOG", "warn")
        .env_remove("AUTO_ANSWER_CHANNELS")
        .env_remove("KNOWLEDGE_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("calcibot serve starts");

    if fake
        .wait_for(Duration::from_secs(30), Request::registers_commands)
        .await
        .is_none()
    {
        stop(&mut child, "KILL");
        panic!("calcibot serve did not register its commands within 30 s");
    }
    // Let start-up allocations settle before reading memory.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let started = memory(child.id());

    let bot_user = fake.ready()["user"].clone();
    let mention = format!("<@{}>", bot_user["id"].as_str().unwrap_or_default());
    let mut latencies = Vec::with_capacity(measured);
    for i in 0..warm_up + measured {
        let id = 1_500_000_000_000_000_000 + i as u64;
        let question = &questions[i % questions.len()];
        let d = events::message(
            id,
            CHANNEL,
            Some(GUILD),
            ASKER,
            &format!("{mention} {question}"),
        );
        let sent = fake
            .dispatch("MESSAGE_CREATE", events::mentioning(d, &bot_user))
            .await;
        let Some(reply) = fake
            .wait_for(Duration::from_secs(10), |r| r.replies_to(id))
            .await
        else {
            stop(&mut child, "KILL");
            panic!("no reply to message {i} ({question:?}) within 10 s");
        };
        if i >= warm_up {
            latencies.push(reply.at.duration_since(sent));
        }
    }
    let after = memory(child.id());
    stop(&mut child, "TERM");
    // Wait without blocking the runtime: the fake must answer the gateway's close handshake.
    let stopping = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("calcibot serve's status") {
            break status;
        }
        if stopping.elapsed() > Duration::from_secs(15) {
            stop(&mut child, "KILL");
            panic!("calcibot serve did not stop within 15 s of SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let stopped_in = stopping.elapsed();

    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "discord latency, gateway MESSAGE_CREATE -> reply POST, {} messages: median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(at(0.99)),
        ms(at(1.0)),
    );
    println!(
        "calcibot serve memory: VmRSS {} after start-up, {} after the messages (peak VmHWM {})",
        started.rss, after.rss, after.peak
    );
    println!(
        "calcibot serve after SIGTERM: {status} in {:.0} ms",
        ms(stopped_in)
    );
}

struct Memory {
    rss: String,
    peak: String,
}

/// VmRSS and VmHWM of a process, as /proc reports them (e.g. "14236 kB").
fn memory(pid: u32) -> Memory {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| "unknown (no /proc)".to_string())
    };
    Memory {
        rss: field("VmRSS:"),
        peak: field("VmHWM:"),
    }
}

fn stop(child: &mut Child, signal: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status();
}
