//! No reply lost: a reply POST answered with a 500 or a 429 is sent again and arrives; a reply
//! lost for good (every try failed) does not use up the asker's cooldown.

use std::time::Duration;

use crate::fake_discord::Fault;
use crate::harness::*;

/// A mention of the bot asking `question`, and its message id.
fn mention_of(bot: &Running, question: &str) -> (Value, u64) {
    let d = bot.guild_message(CHANNEL, ASKER, &format!("{} {question}", mention()), true);
    let id = d["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("an id");
    (d, id)
}

/// The tries to reply to `message`, accepted or not, once `n` of them have arrived.
async fn tries_to_reply(bot: &Running, message: u64, n: usize) -> Vec<Request> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let tries: Vec<Request> = bot
            .fake
            .requests()
            .into_iter()
            .filter(|r| r.tries_to_reply_to(message))
            .collect();
        if tries.len() >= n {
            return tries;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} tries to reply to {message} within the wait",
            tries.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_answered_with_500_is_sent_again() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let bot = start(&[]).await;
    let (d, id) = mention_of(&bot, ANSWERED);
    bot.fake.fail_replies_to(id, &[Fault::ServerError]);
    bot.send(d).await;
    let reply = bot.reply_to(id).await;
    assert_answer_embeds(&reply.body, ANSWERED);
    let tries = tries_to_reply(&bot, id, 2).await;
    assert_eq!(tries[0].status, 500);
    assert_eq!(tries.last().map(|r| r.status), Some(200));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_answered_with_429_waits_as_asked_and_is_sent_again() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let bot = start(&[]).await;
    let id = bot.ids.next();
    let retry_after = 0.3;
    bot.fake
        .fail_replies_to(id, &[Fault::RateLimited { retry_after }]);
    // Sent as a DM, the other way a reply goes out.
    let mut d = fixture("message_create_dm.json")["d"].clone();
    d["id"] = json!(id.to_string());
    d["content"] = json!(ANSWERED);
    bot.send(d).await;
    let reply = bot.reply_to(id).await;
    assert_answer_embeds(&reply.body, ANSWERED);
    let tries = tries_to_reply(&bot, id, 2).await;
    assert_eq!(tries[0].status, 429);
    // The retry honoured the server's retry_after (a lower bound, which a slow machine cannot
    // break).
    let waited = tries[1].at.duration_since(tries[0].at);
    assert!(
        waited >= Duration::from_secs_f64(retry_after),
        "retried after {waited:?}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urgent_advice_gets_more_tries_than_an_answer() {
    expect_kind(URGENT, ReplyKind::Urgent);
    let bot = start(&[]).await;
    let (d, id) = mention_of(&bot, URGENT);
    // Two failures lose an ordinary answer, but not urgent advice.
    bot.fake.fail_replies_to(
        id,
        &[Fault::ServerError, Fault::ServerError, Fault::ServerError],
    );
    bot.send(d).await;
    let tries = tries_to_reply(&bot, id, 3).await;
    assert!(tries.iter().all(|r| r.status == 500));
    tokio::time::sleep(SETTLE).await;
    assert_eq!(
        tries_to_reply(&bot, id, 3).await.len(),
        3,
        "at most three tries"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_reply_does_not_start_the_cooldown() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let bot = start(&[("COOLDOWN_SECONDS", "60")]).await;
    let (d, lost) = mention_of(&bot, ANSWERED);
    bot.fake.fail_replies_to(lost, &[Fault::ServerError; 3]);
    bot.send(d).await;
    // Every try fails; then the bot gives up.
    let first = tries_to_reply(&bot, lost, 2).await;
    tokio::time::sleep(SETTLE).await;
    let all = tries_to_reply(&bot, lost, first.len()).await;
    assert!(all.iter().all(|r| r.status == 500), "{all:?}");
    assert!(
        all.len() < 3,
        "an answer gets fewer tries than urgent advice"
    );
    assert!(bot.replies_to(lost).is_empty());

    // Asking again is answered, not told to wait.
    let again = bot.mention(ASKER, ANSWERED).await;
    let reply = bot.reply_to(again).await;
    assert_answer_embeds(&reply.body, ANSWERED);

    // And that delivered answer did start it.
    let third = bot.mention(ASKER, ANSWERED).await;
    let notice = bot.reply_to(third).await;
    assert!(notice.body["content"]
        .as_str()
        .is_some_and(|c| c.contains("second")));
    bot.stop().await;
}
