//! The terminal conversation: the bot's main job without Discord.
//!
//! It reads a line, replies, and goes on until end of input or "quit". Nothing the user types
//! ends it with an error: an empty line is skipped, a line that is not UTF-8 or is too long is
//! explained and the conversation continues. After a reply that offers choices (a clarify, a
//! no-match or related topics), typing the choice's number shows it.

use std::io::{self, BufRead, Write};

use crate::bot::Bot;
use crate::question::{self, QuestionError};
use crate::render::{self, Style};
use crate::reply::{Reply, ReplyKind};
use crate::search;

/// Runs the conversation until end of input. `interactive` shows the greeting and a prompt;
/// `style` lays the text out for the terminal (or plainly, for a pipe).
pub fn run(
    bot: &Bot,
    mut input: impl BufRead,
    mut output: impl Write,
    interactive: bool,
    style: &Style,
) -> io::Result<()> {
    if interactive {
        let greeting = &bot.knowledge().interface.greeting;
        writeln!(output, "{}\n", render::words(greeting, style))?;
    }
    let mut choices: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        if interactive {
            write!(output, "> ")?;
            output.flush()?;
        }
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            writeln!(output, "That line was not valid UTF-8 text, so I could not read it. Please type it again.\n")?;
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let lower = text.to_lowercase();
        if matches!(lower.as_str(), "quit" | "exit" | "/quit" | "/exit" | "bye") {
            break;
        }
        if let Some(query) = topics_query(&lower) {
            choices = write_topics(bot, query, &mut output)?;
            continue;
        }
        let reply = match text.parse::<usize>() {
            Ok(n) if (1..=choices.len()).contains(&n) => bot.show(&choices[n - 1]),
            Ok(_) if !choices.is_empty() => {
                writeln!(
                    output,
                    "Pick a number from 1 to {}, or ask a question.\n",
                    choices.len()
                )?;
                continue;
            }
            _ => match question::validate(text) {
                Ok(q) => Some(bot.ask(q)),
                Err(err @ QuestionError::TooLong { .. }) => {
                    writeln!(output, "{err}\n")?;
                    continue;
                }
                Err(QuestionError::Empty) => continue,
            },
        };
        let Some(reply) = reply else { continue };
        writeln!(output, "{}\n", render::styled(&reply, style))?;
        choices = offered(&reply);
        if !choices.is_empty() {
            writeln!(
                output,
                "(Type 1-{} to open one of the topics above.)\n",
                choices.len()
            )?;
        }
        output.flush()?;
    }
    Ok(())
}

/// The entries a reply offers, numbered the way `render::text` lists them: the choices of a
/// clarify or no-match, or the other questions asked and the related topics of an answer.
fn offered(reply: &Reply<'_>) -> Vec<String> {
    match reply.kind() {
        ReplyKind::Clarify | ReplyKind::NoMatch => {
            reply.candidates().iter().map(|e| e.id.clone()).collect()
        }
        _ if reply.entry().is_some() => reply
            .also()
            .iter()
            .chain(reply.related())
            .map(|e| e.id.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// `topics` or `topics WORDS` (also with a slash): the words to look for, possibly none.
fn topics_query(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix('/')
        .unwrap_or(line)
        .strip_prefix("topics")?;
    (rest.is_empty() || rest.starts_with(' ')).then(|| rest.trim())
}

/// Every topic by theme, or those the knowledge base's topic search finds for `query`,
/// numbered so that a number opens one.
fn write_topics(bot: &Bot, query: &str, output: &mut impl Write) -> io::Result<Vec<String>> {
    let kb = bot.knowledge();
    let mut ids = Vec::new();
    if query.is_empty() {
        for (theme, entries) in kb.themes() {
            writeln!(output, "{}:", theme.name)?;
            for entry in entries {
                ids.push(entry.id.clone());
                writeln!(output, "  {:>2}. {}", ids.len(), entry.title)?;
            }
        }
    } else {
        let found = search::topics(kb, query);
        if found.is_empty() {
            writeln!(
                output,
                "No topic's name holds \"{query}\". Type \"topics\" to list them all, or ask in your own words.\n"
            )?;
            return Ok(ids);
        }
        for entry in found {
            ids.push(entry.id.clone());
            writeln!(output, "  {:>2}. {}", ids.len(), entry.title)?;
        }
    }
    writeln!(
        output,
        "\nType a number to read one, or ask in your own words.\n"
    )?;
    Ok(ids)
}
