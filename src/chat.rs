//! The terminal conversation: the bot's main job without Discord.
//!
//! It reads a line, replies, and goes on until end of input or "quit". Nothing the user types
//! ends it with an error: an empty line is skipped, a line that is not UTF-8 or is too long is
//! explained and the conversation continues. After a reply that offers choices (a clarify, a
//! no-match or related topics), typing the choice's number shows it.

use std::io::{self, BufRead, Write};

use crate::bot::Bot;
use crate::question::{self, QuestionError};
use crate::render;
use crate::reply::{Reply, ReplyKind};

const GREETING: &str = "calcibot: questions about calcium deposits in the skin (calcinosis cutis).\n\
Type a question and press Enter. \"topics\" lists what I know; a number picks a choice; \"quit\" ends.\n\
I am not a doctor. If something feels urgent, contact a doctor or your local emergency number now.";

/// Runs the conversation until end of input. `interactive` shows the greeting and a prompt.
pub fn run(
    bot: &Bot,
    mut input: impl BufRead,
    mut output: impl Write,
    interactive: bool,
) -> io::Result<()> {
    if interactive {
        writeln!(output, "{GREETING}\n")?;
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
        match text.to_lowercase().as_str() {
            "quit" | "exit" | "/quit" | "/exit" | "bye" => break,
            "topics" | "/topics" => {
                choices = write_topics(bot, &mut output)?;
                continue;
            }
            _ => {}
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
        writeln!(output, "{}\n", render::text(&reply))?;
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
    match reply.kind {
        ReplyKind::Clarify | ReplyKind::NoMatch => {
            reply.candidates.iter().map(|e| e.id.clone()).collect()
        }
        _ if reply.entry.is_some() => reply
            .also
            .iter()
            .chain(&reply.related)
            .map(|e| e.id.clone())
            .collect(),
        _ => Vec::new(),
    }
}

fn write_topics(bot: &Bot, output: &mut impl Write) -> io::Result<Vec<String>> {
    let mut ids = Vec::new();
    for (theme, entries) in bot.knowledge().themes() {
        writeln!(output, "{}:", theme.name)?;
        for entry in entries {
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
