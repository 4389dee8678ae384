//! The `calcibot` command: `serve` (Discord), `chat`, `ask`, `eval`, `check`, `export` and
//! `report`.
//!
//! This is the binary's edge: it reads arguments and environment, loads the knowledge base once,
//! and turns every error into a message that says what to do next and a non-zero exit.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use calcibot::{eval, export, question, render, Bot, KnowledgeBase};

#[derive(Parser)]
#[command(
    name = "calcibot",
    version,
    about = "Answers questions about calcium deposits in the skin (calcinosis cutis) from a curated, sourced knowledge base.",
    after_help = "With no command: `serve` when DISCORD_TOKEN is set, otherwise `chat`."
)]
struct Cli {
    /// Load the knowledge base from DIR instead of the built-in one [env: KNOWLEDGE_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    knowledge: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the Discord bot (needs DISCORD_TOKEN).
    Serve,
    /// Talk to the bot in the terminal.
    Chat,
    /// Ask one question and print the reply (reads stdin when no question is given).
    Ask {
        /// Print the reply as one JSON object.
        #[arg(long)]
        json: bool,
        /// Also show how the message was read and the best-scoring entries (for curators).
        #[arg(long, conflicts_with = "json")]
        explain: bool,
        /// The question.
        question: Vec<String>,
    },
    /// Measure the matcher on a labelled JSONL file.
    Eval {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Lines of {"q": "...", "expect": "id|urgent|crisis|dosing|none", "also": [...]}.
        file: PathBuf,
    },
    /// Validate the knowledge base and report every problem.
    Check,
    /// Print the whole knowledge base.
    Export {
        #[arg(long, value_enum, default_value = "json")]
        format: ExportFormat,
    },
    /// Register the slash commands once (for several `serve` processes with
    /// REGISTER_COMMANDS=off); in DISCORD_GUILD_ID when set, otherwise globally.
    Register,
    /// For curators: usage, feedback and the unanswered questions across servers.
    Report {
        /// The database to read [env: DATABASE_URL; default: sqlite://calcibot.db]
        #[arg(long, value_name = "URL")]
        database: Option<String>,
        /// How many days, up to today, to report on (1 to 366).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=366))]
        days: u32,
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        /// Also draw the questions per day as a PNG in FILE.
        #[arg(long, value_name = "FILE")]
        chart: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Json,
    Markdown,
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("calcibot: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    // `.env` is optional; a broken one is worth saying so rather than half-reading it.
    match dotenvy::dotenv() {
        Ok(_) => {}
        Err(err) if err.not_found() => {}
        Err(err) => bail!("could not read .env: {err}. Fix the line it names, or remove the file."),
    }
    let cli = Cli::parse();
    let command = cli.command.unwrap_or_else(|| {
        if std::env::var_os("DISCORD_TOKEN").is_some_and(|t| !t.is_empty()) {
            Command::Serve
        } else {
            eprintln!("calcibot: DISCORD_TOKEN is not set, so starting the terminal chat (`calcibot serve` runs the Discord bot).");
            Command::Chat
        }
    });
    init_logging(matches!(command, Command::Serve | Command::Register));
    // KNOWLEDGE_DIR is read here rather than by clap so that an empty value (as a copied
    // .env.example has) means "unset", like every other variable.
    let knowledge = cli.knowledge.or_else(|| {
        std::env::var_os("KNOWLEDGE_DIR")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
    });
    let knowledge = knowledge.as_deref();

    match command {
        Command::Check => check(knowledge),
        Command::Export { format } => {
            let kb = load(knowledge)?;
            let text = match format {
                ExportFormat::Json => serde_json::to_string_pretty(&export::json(&kb))?,
                ExportFormat::Markdown => export::markdown(&kb),
            };
            write_stdout(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ask {
            json,
            explain,
            question,
        } => {
            let bot = bot(knowledge)?;
            let text = if question.is_empty() {
                read_stdin_question()?
            } else {
                question.join(" ")
            };
            let q = question::validate(&text)?;
            let reply = bot.ask(q);
            if explain {
                write_stdout(&bot.explain(q).to_string())?;
            }
            if json {
                write_stdout(&render::json(&reply).to_string())?;
            } else {
                write_stdout(&render::styled(&reply, &render::Style::for_stdout()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { json, file } => {
            let bot = bot(knowledge)?;
            let bytes = std::fs::read(&file)
                .with_context(|| format!("cannot read the eval file {}", file.display()))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", file.display()))?;
            let cases =
                eval::parse(&text, &bot).with_context(|| format!("in {}", file.display()))?;
            let report = eval::run(&bot, &cases);
            if json {
                write_stdout(&serde_json::to_string_pretty(&report.json())?)?;
            } else {
                write_stdout(&report.text())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Chat => {
            let bot = bot(knowledge)?;
            let stdin = std::io::stdin();
            let interactive = stdin.is_terminal();
            let style = render::Style::for_stdout();
            let output = std::io::stdout().lock();
            calcibot::chat::run(&bot, stdin.lock(), output, interactive, &style)
                .context("the terminal chat stopped")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve => serve(knowledge),
        Command::Register => register(),
        Command::Report {
            database,
            days,
            format,
            chart,
        } => report(knowledge, database, days, format, chart.as_deref()),
    }
}

/// Prints the curators' report from the database `serve` writes. Reading only: a database
/// that is not there is an error, not a new empty one.
fn report(
    knowledge: Option<&Path>,
    database: Option<String>,
    days: u32,
    format: ReportFormat,
    chart: Option<&Path>,
) -> Result<ExitCode> {
    use calcibot::storage::{self, Day, Open, Store};

    let kb = load(knowledge)?;
    let url = match database {
        Some(url) => url,
        None => storage::url_from_env()?,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let report = runtime.block_on(async {
        let store = Store::open(&url, Open::MustExist).await?;
        let report = calcibot::report::Report::gather(&store, days, Day::today()).await;
        store.close().await;
        report
    })?;
    if let Some(path) = chart {
        let png = storage::chart::questions_per_day(&report.stats)?;
        std::fs::write(path, png)
            .with_context(|| format!("cannot write the chart to {}", path.display()))?;
    }
    let text = match format {
        ReportFormat::Text => report.text(&kb),
        ReportFormat::Markdown => report.markdown(&kb),
        ReportFormat::Json => serde_json::to_string_pretty(&report.json())?,
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs the Discord bot until SIGINT or SIGTERM. The settings are checked before the knowledge
/// base is loaded, so a missing token is reported at once.
fn serve(knowledge: Option<&Path>) -> Result<ExitCode> {
    let config = calcibot::discord::Config::from_env()?;
    let bot = std::sync::Arc::new(bot(knowledge)?);
    release_freed_memory();
    // The core is synchronous; only the Discord layer needs a runtime, and only here. One
    // thread serves a bot of this size with replies in about a millisecond; more threads would
    // each grow their own allocator arena and regex caches for no gain in speed.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(calcibot::discord::run(bot, config));
    // Handlers still sending a reply get a moment to finish; nothing else is left to wait for.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    result?;
    Ok(ExitCode::SUCCESS)
}

/// Hands the pages that building the bot used and freed back to the system.
///
/// Building the indexes (the safety layer's Aho-Corasick automaton above all) allocates a few
/// megabytes of temporaries that are freed before `serve` answers anything. glibc's allocator
/// keeps freed memory below the top of its heap resident; `malloc_trim` returns those pages, so
/// a long-running `serve` does not carry its start-up peak for ever.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only reads and updates the allocator's own state, under its lock.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Registers the commands and exits.
fn register() -> Result<ExitCode> {
    let config = calcibot::discord::Config::from_env()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(calcibot::discord::register(&config))?;
    Ok(ExitCode::SUCCESS)
}

fn load(knowledge: Option<&Path>) -> Result<KnowledgeBase> {
    let clock = std::time::Instant::now();
    let kb = calcibot::check::load(knowledge)?;
    tracing::debug!(took = ?clock.elapsed(), "knowledge base read and checked");
    Ok(kb)
}

/// The bot on `knowledge`, or on the built-in base. The built-in base passes every check in the
/// test that guards it (`the_real_knowledge_base_passes_check`), so it starts without the
/// readers' checks, which compile every pattern a second time and spell out every safety term:
/// they took as long as the rest of start-up. A directory, which anyone may have edited, gets
/// them all.
fn bot(knowledge: Option<&Path>) -> Result<Bot> {
    let kb = match knowledge {
        Some(_) => load(knowledge)?,
        None => {
            let clock = std::time::Instant::now();
            let kb = KnowledgeBase::builtin()?;
            tracing::debug!(took = ?clock.elapsed(), "built-in knowledge base read");
            kb
        }
    };
    Ok(Bot::new(kb)?)
}

fn check(knowledge: Option<&Path>) -> Result<ExitCode> {
    match load(knowledge).map(Bot::new) {
        Ok(Ok(bot)) => {
            let kb = bot.knowledge();
            let editorial = kb.editorial_problems();
            if !editorial.is_empty() {
                eprintln!("the knowledge base has {} problems:", editorial.len());
                for problem in &editorial {
                    eprintln!("  {problem}");
                }
                eprintln!("Fix them and run `calcibot check` again.");
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "ok: {} ({} entries, {} sources, reviewed {})",
                kb.origin,
                kb.entries.len(),
                kb.sources.len(),
                kb.reviewed()
            );
            Ok(ExitCode::SUCCESS)
        }
        Ok(Err(err)) => {
            eprintln!("{err}");
            Ok(ExitCode::FAILURE)
        }
        Err(err) => {
            eprintln!("{err:#}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn read_stdin_question() -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .context("cannot read the question from standard input")?;
    String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!("standard input is not UTF-8 text; pass the question as UTF-8")
    })
}

/// Writes `text` and a newline; a closed pipe (`calcibot export | head`) is not an error.
fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|_| out.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn init_logging(serving: bool) {
    let default = if serving {
        "calcibot=info,warn"
    } else {
        "warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
