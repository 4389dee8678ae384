//! The per-user cooldown: one notice, then silence; urgent advice is never held back.

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cooldown_holds() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    expect_kind(URGENT, ReplyKind::Urgent);
    let bot = start(&[("COOLDOWN_SECONDS", "60")]).await;
    let first = bot.mention(ASKER, ANSWERED).await;
    let answer = bot.reply_to(first).await;
    assert!(!answer.body["embeds"].as_array().unwrap().is_empty());

    // Inside the cooldown: one short notice, then silence.
    let second = bot.mention(ASKER, ANSWERED).await;
    let notice = bot.reply_to(second).await;
    assert!(
        notice.body["embeds"].as_array().is_none_or(Vec::is_empty),
        "a notice, not an answer"
    );
    let content = notice.body["content"].as_str().expect("the notice's text");
    assert!(content.contains("second"), "{content}");
    assert!(content.chars().count() <= limits::CONTENT);
    assert_pings_no_one(&notice.body);
    let third = bot.mention(ASKER, ANSWERED).await;

    // Someone else is answered meanwhile.
    let other = bot.mention(ASKER + 1, ANSWERED).await;
    bot.reply_to(other).await;
    tokio::time::sleep(SETTLE).await;
    assert!(
        bot.replies_to(third).is_empty(),
        "a third reply inside the cooldown"
    );

    // Urgent advice is never held back.
    let urgent = bot.mention(ASKER, URGENT).await;
    let reply = bot.reply_to(urgent).await;
    assert_eq!(reply.body["embeds"][0]["color"], json!(URGENT_COLOUR));
    bot.stop().await;
}
