//! Auto-answer channels: sure answers and safety advice only, silence otherwise.

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auto_answer_channel_answers_sure_questions_only() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let core = bot();
    assert!(
        core.ask(ANSWERED).is_sure(),
        "pick a question the core is sure of"
    );
    for chatter in CHATTER {
        let reply = core.ask(chatter);
        assert!(
            !reply.is_sure() && !reply.is_alert(),
            "{chatter:?} is a sure {:?} now; pick other chatter for this test",
            reply.kind()
        );
    }
    let channel = CHANNEL.to_string();
    let bot = start(&[("AUTO_ANSWER_CHANNELS", &channel)]).await;
    let identify = bot.fake.identifies().pop().expect("an IDENTIFY");
    assert_ne!(
        identify["intents"].as_u64().unwrap() & (1 << 15),
        0,
        "message content intent"
    );

    let mut quiet = Vec::new();
    for (n, chatter) in CHATTER.iter().enumerate() {
        let d = bot.guild_message(CHANNEL, ASKER + 10 + n as u64, chatter, false);
        quiet.push(bot.send(d).await);
    }
    // A question without a mention elsewhere is not for the bot.
    let d = bot.guild_message(OTHER_CHANNEL, ASKER + 20, ANSWERED, false);
    quiet.push(bot.send(d).await);

    let d = bot.guild_message(CHANNEL, ASKER, ANSWERED, false);
    let asked = bot.send(d).await;
    let reply = bot.reply_to(asked).await;
    assert_answer_embeds(&reply.body, ANSWERED);
    assert_pings_no_one(&reply.body);
    tokio::time::sleep(SETTLE).await;
    for id in quiet {
        assert!(bot.replies_to(id).is_empty(), "message {id} got a reply");
    }
    bot.stop().await;
}
