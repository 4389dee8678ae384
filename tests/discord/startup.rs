//! Start-up refusals: a refused token or intent stops the bot with what to do.

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_start_up_with_what_to_do() {
    let bot = launch(
        Options {
            refuse_token: true,
            ..Options::default()
        },
        &[],
    )
    .await;
    let result = tokio::time::timeout(WAIT, bot.task)
        .await
        .expect("start-up did not fail within the wait")
        .expect("no panic");
    let err = result.expect_err("a refused token is an error");
    assert!(matches!(err, DiscordError::TokenRefused(_)), "{err:?}");
    assert!(err.to_string().contains("Reset Token"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_close_4004_is_a_refused_token() {
    let bot = launch(
        Options {
            close_on_identify: Some(4004),
            ..Options::default()
        },
        &[],
    )
    .await;
    let result = tokio::time::timeout(WAIT, bot.task)
        .await
        .expect("in time")
        .expect("no panic");
    assert!(
        matches!(result, Err(DiscordError::TokenRefused(_))),
        "{result:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disallowed_intent_stops_start_up_with_where_to_enable_it() {
    let channel = CHANNEL.to_string();
    let bot = launch(
        Options {
            close_on_identify: Some(4014),
            ..Options::default()
        },
        &[("AUTO_ANSWER_CHANNELS", &channel)],
    )
    .await;
    let result = tokio::time::timeout(WAIT, bot.task)
        .await
        .expect("in time")
        .expect("no panic");
    let err = result.expect_err("4014 is an error");
    assert!(matches!(err, DiscordError::IntentRefused), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("Privileged Gateway Intents") && text.contains("Message Content"),
        "{text}"
    );
}
