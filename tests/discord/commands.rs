//! The slash commands: `/ask`, `/topic` with its autocomplete, `/about` and `/help`.

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_ask_replies_through_the_interaction_callback() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let bot = start(&[]).await;

    let public = bot
        .command(
            "ask",
            json!([{"name": "question", "type": 3, "value": ANSWERED}]),
        )
        .await;
    assert_eq!(public.body["type"], json!(4), "a message reply");
    let flags = public.body["data"]["flags"].as_u64().unwrap_or(0);
    assert_eq!(flags & 64, 0, "a public reply is not ephemeral");
    assert_answer_embeds(&public.body["data"], ANSWERED);
    assert_pings_no_one(&public.body["data"]);

    let private = bot
        .command(
            "ask",
            json!([
                {"name": "question", "type": 3, "value": ANSWERED},
                {"name": "private", "type": 5, "value": true}
            ]),
        )
        .await;
    assert_eq!(private.body["type"], json!(4));
    assert_eq!(
        private.body["data"]["flags"],
        json!(64),
        "private means ephemeral"
    );
    assert_answer_embeds(&private.body["data"], ANSWERED);
    // Nothing went to the channel itself.
    assert!(!bot
        .fake
        .requests()
        .iter()
        .any(|r| r.path.ends_with("/messages")));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topic_autocompletes_over_the_entries() {
    let core = bot();
    let kb = core.knowledge();
    let bot = start(&[]).await;

    let all = bot
        .interact(events::autocomplete(bot.ids.next(), "topic", "name", ""))
        .await;
    assert_eq!(all.body["type"], json!(8), "an autocomplete result");
    let choices = all.body["data"]["choices"].as_array().expect("choices");
    assert!(!choices.is_empty());
    assert!(
        choices.len() <= limits::AUTOCOMPLETE_CHOICES,
        "{} choices",
        choices.len()
    );
    for choice in choices {
        let id = choice["value"].as_str().unwrap();
        assert!(kb.entry(id).is_some(), "{id} is not an entry");
        assert!(choice["name"].as_str().unwrap().chars().count() <= limits::CHOICE_NAME);
    }

    let entry = kb.entries.last().expect("an entry");
    let typed = bot
        .interact(events::autocomplete(
            bot.ids.next(),
            "topic",
            "name",
            &entry.title,
        ))
        .await;
    assert_eq!(typed.body["data"]["choices"][0]["value"], json!(entry.id));

    // Picking it shows it.
    let shown = bot
        .command(
            "topic",
            json!([{"name": "name", "type": 3, "value": entry.id}]),
        )
        .await;
    assert_eq!(
        shown.body["data"]["embeds"][0]["title"],
        json!(fit(&entry.title, limits::TITLE))
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn about_and_help() {
    let core = bot();
    let kb = core.knowledge();
    let bot = start(&[]).await;
    let about = bot.command("about", json!([])).await;
    let text = about.body["data"].to_string();
    assert!(
        text.contains(&format!("{} entries", kb.entries.len())),
        "{text}"
    );
    assert!(text.contains(kb.reviewed()), "{text}");
    assert!(text.contains("answered in memory and forgotten"), "{text}");
    // What a server stores, and how to delete it, as the code does.
    for told in [
        "no message text, no user ids",
        "30 days",
        "/settings forget",
        &kb.interface.unanswered_off.trim()[..30],
    ] {
        assert!(text.contains(told), "/about does not say {told:?}: {text}");
    }
    for reviewer in kb.reviewers() {
        assert!(
            text.contains(reviewer),
            "the reviewer {reviewer:?} is not named"
        );
    }
    for source in &kb.sources {
        assert!(
            text.contains(source.title.trim()),
            "{} missing",
            source.title
        );
    }
    let help = bot.command("help", json!([])).await;
    let text = help.body["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap();
    assert!(text.contains("/ask") && text.contains("private"), "{text}");
    bot.stop().await;
}

/// `/help` tells each server about its own auto-answer channels, and no other server about
/// them: the bot learns which server a channel belongs to from GUILD_CREATE.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_names_only_this_servers_auto_answer_channels() {
    let channel = CHANNEL.to_string();
    let bot = start(&[("AUTO_ANSWER_CHANNELS", &channel)]).await;
    let guild = fixture("guild_create.json")["d"].clone();
    assert_eq!(guild["id"], json!(GUILD.to_string()));
    bot.fake.dispatch("GUILD_CREATE", guild).await;
    let tag = format!("<#{CHANNEL}>");
    let help_text = |reply: &Request| {
        reply.body["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    // The handler for GUILD_CREATE runs alongside the command's: ask until it has run.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let text = help_text(&bot.command("help", json!([])).await);
        if text.contains(&tag) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{text}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    const ELSEWHERE: u64 = 800_000_000_000_000_002;
    let d = events::command(bot.ids.next(), 1, ELSEWHERE, ASKER, "help", json!([]));
    let text = help_text(&bot.interact(d).await);
    assert!(!text.contains("without a mention"), "{text}");
    assert!(text.contains("/ask"), "{text}");
    bot.stop().await;
}
