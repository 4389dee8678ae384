//! Messages: mentions, direct messages, who is never answered, and what the replies hold.

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_gets_a_reply_embed() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let bot = start(&[]).await;
    let question = bot.mention(ASKER, ANSWERED).await;
    let reply = bot.reply_to(question).await;
    assert_eq!(reply.path, format!("/api/v10/channels/{CHANNEL}/messages"));
    assert_eq!(
        reply.body["message_reference"]["message_id"],
        json!(question.to_string())
    );
    assert_answer_embeds(&reply.body, ANSWERED);
    assert_pings_no_one(&reply.body);
    // Exactly one reply.
    tokio::time::sleep(SETTLE).await;
    assert_eq!(bot.replies_to(question).len(), 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_message_gets_a_reply_embed() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let bot = start(&[]).await;
    let mut d = fixture("message_create_dm.json")["d"].clone();
    let id = bot.ids.next();
    d["id"] = json!(id.to_string());
    d["content"] = json!(ANSWERED);
    bot.send(d).await;
    let reply = bot.reply_to(id).await;
    assert_eq!(
        reply.path,
        format!("/api/v10/channels/{DM_CHANNEL}/messages")
    );
    assert_answer_embeds(&reply.body, ANSWERED);
    assert_pings_no_one(&reply.body);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_in_a_question_pings_no_one() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let bot = start(&[]).await;
    let content = format!(
        "{} @everyone @here <@&123456789> <@555> {ANSWERED}",
        mention()
    );
    let mut d = bot.guild_message(CHANNEL, ASKER, &content, true);
    d["mention_everyone"] = json!(true);
    d["mention_roles"] = json!(["123456789"]);
    let id = bot.send(d).await;
    let reply = bot.reply_to(id).await;
    assert_pings_no_one(&reply.body);
    let text = reply.body.to_string();
    assert!(
        !text.contains("@everyone") && !text.contains("@here"),
        "{text}"
    );
    // The markup was not part of the question: the same answer as without it.
    assert_answer_embeds(&reply.body, ANSWERED);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_answers_bots_webhooks_system_messages_or_itself() {
    let bot = start(&[]).await;
    let mut ignored = Vec::new();
    for name in [
        "message_create_bot.json",
        "message_create_own.json",
        "message_create_webhook.json",
        "message_create_system.json",
    ] {
        let mut d = fixture(name)["d"].clone();
        d["id"] = json!(bot.ids.next().to_string());
        ignored.push((name, bot.send(d).await));
    }
    // The bot's own user, even without the bot flag.
    let mut own = bot.guild_message(
        CHANNEL,
        bot_id(),
        &format!("{} {ANSWERED}", mention()),
        true,
    );
    own["author"]["bot"] = json!(false);
    ignored.push(("own, no bot flag", bot.send(own).await));

    // A person's message after them is answered, so the bot was listening all along.
    let control = bot.mention(ASKER, ANSWERED).await;
    bot.reply_to(control).await;
    tokio::time::sleep(SETTLE).await;
    for (name, id) in ignored {
        assert!(bot.replies_to(id).is_empty(), "{name} got a reply");
    }
    let posts = bot
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .count();
    assert_eq!(posts, 1, "only the person's message is answered");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_urgent_message_gets_the_urgent_embed_first() {
    expect_kind(URGENT, ReplyKind::Urgent);
    let core = bot();
    let alert = core.ask(URGENT).alert().expect("urgent advice").to_string();
    let bot = start(&[]).await;
    let id = bot.mention(ASKER, URGENT).await;
    let reply = bot.reply_to(id).await;
    let first = &reply.body["embeds"][0];
    assert_eq!(first["color"], json!(URGENT_COLOUR), "red");
    assert_eq!(
        first["description"],
        json!(fit(&alert, limits::DESCRIPTION))
    );
    assert!(first["title"]
        .as_str()
        .unwrap_or_default()
        .contains("Urgent"));
    let last = reply.body["embeds"].as_array().unwrap().last().unwrap();
    assert!(
        last["footer"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "disclaimer"
    );
    assert_pings_no_one(&reply.body);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overlong_message_is_cut_not_refused() {
    let bot = start(&[]).await;
    let long = format!("{ANSWERED} {}", "and also more words ".repeat(400));
    assert!(long.chars().count() > calcibot::question::MAX_QUESTION_CHARS);
    let id = bot.mention(ASKER, &long).await;
    let reply = bot.reply_to(id).await;
    assert!(!reply.body["embeds"].as_array().unwrap().is_empty());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bare_mention_says_how_to_ask() {
    let bot = start(&[]).await;
    let d = bot.guild_message(CHANNEL, ASKER, &mention(), true);
    let id = bot.send(d).await;
    let reply = bot.reply_to(id).await;
    let description = reply.body["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains("/help"), "{description}");
    assert_pings_no_one(&reply.body);
    bot.stop().await;
}
