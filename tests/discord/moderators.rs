//! The moderators' side, end to end: settings that hold over a restart, feedback votes counted
//! once per person, `/stats` with its chart, `/unanswered`, and `/settings forget` leaving
//! nothing behind. The database is the SQLite file the bot writes, read back by the test.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use calcibot::storage::{Day, Open, Scope, Store};

use crate::harness::*;

/// `/settings SUB` with `options`, as Discord sends a subcommand.
fn settings(sub: &str, options: Value) -> Value {
    json!([{"name": sub, "type": 1, "options": options}])
}

/// A message id for an answer sent now (a vote on an answer older than 30 days is refused).
fn sent_now() -> u64 {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_millis() as u64;
    (ms - 1_420_070_400_000) << 22
}

/// The text of a callback: its content and embeds.
fn text(request: &Request) -> String {
    request.body["data"].to_string()
}

fn assert_private(request: &Request) {
    assert_eq!(
        request.body["data"]["flags"].as_u64().unwrap_or(0) & 64,
        64,
        "not private: {}",
        request.body
    );
}

async fn open(dir: &std::path::Path) -> Store {
    Store::open(&sqlite_url(dir), Open::MustExist)
        .await
        .expect("the bot created its database")
}

/// Waits, within the bounded wait, until `check` holds of the bot's database.
async fn eventually<F, Fut>(store: &Store, what: &str, check: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check(store.clone()).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not in the database within the wait"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_setting_changed_by_command_holds_after_a_restart() {
    let bot = start(&[]).await;
    let saved = bot
        .command(
            "settings",
            settings(
                "cooldown",
                json!([{"name": "seconds", "type": 4, "value": 42}]),
            ),
        )
        .await;
    assert_private(&saved);
    assert!(text(&saved).contains("42 seconds"), "{}", text(&saved));
    let line = "Moderators: ask <@&123> or call 0800 000 000";
    let saved = bot
        .command(
            "settings",
            settings(
                "support-line",
                json!([{"name": "text", "type": 3, "value": line}]),
            ),
        )
        .await;
    assert!(text(&saved).contains("0800 000 000"), "{}", text(&saved));
    let too_long = bot
        .command(
            "settings",
            settings(
                "cooldown",
                json!([{"name": "seconds", "type": 4, "value": 99999}]),
            ),
        )
        .await;
    assert!(!text(&too_long).contains("99999 seconds (set here)"));

    // The same database, a new process.
    let (fake, dir) = bot.stop_keeping().await;
    let url = sqlite_url(dir.path());
    let bot = launch_on(fake, &[("DATABASE_URL", &url)]).await;
    let shown = bot.command("settings", settings("show", json!([]))).await;
    assert_private(&shown);
    let shown = text(&shown);
    assert!(shown.contains("(set here): 42 seconds"), "{shown}");
    assert!(shown.contains(line), "{shown}");

    // The support line goes under urgent advice, pinging no one.
    expect_kind(URGENT, ReplyKind::Urgent);
    let asked = bot.mention(ASKER, URGENT).await;
    let reply = bot.reply_to(asked).await;
    assert!(
        reply.body.to_string().contains("0800 000 000"),
        "{}",
        reply.body
    );
    assert_pings_no_one(&reply.body);
    // Urgent advice carries no feedback buttons.
    assert!(
        !reply.body.to_string().contains("calcibot:vote:"),
        "{}",
        reply.body
    );
    // The cooldown is the server's: a second answer within 42 s is held back.
    let first = bot.mention(ASKER + 1, ANSWERED).await;
    bot.reply_to(first).await;
    let second = bot.mention(ASKER + 1, ANSWERED).await;
    let notice = bot.reply_to(second).await;
    assert!(
        notice.body["content"]
            .as_str()
            .is_some_and(|c| c.contains("seconds")),
        "{}",
        notice.body
    );
    let (_fake, _dir) = bot.stop_keeping().await;
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feedback_click_is_counted_once_per_person() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let bot = start(&[]).await;
    let asked = bot.mention(ASKER, ANSWERED).await;
    let reply = bot.reply_to(asked).await;
    let entry = crate::harness::bot()
        .ask(ANSWERED)
        .entry()
        .expect("an entry")
        .id
        .clone();
    let helpful = ComponentId::Vote {
        helpful: true,
        entry: entry.clone(),
    }
    .to_string();
    let unhelpful = ComponentId::Vote {
        helpful: false,
        entry: entry.clone(),
    }
    .to_string();
    let body = reply.body.to_string();
    assert!(
        body.contains(&helpful) && body.contains(&unhelpful),
        "{body}"
    );

    let answer = sent_now();
    let click = |user: u64, id: &str| {
        let mut d = events::button(bot.ids.next(), user, id);
        d["message"]["id"] = json!(answer.to_string());
        d
    };
    // One person clicks Helpful twice; another clicks Not helpful, then changes their mind.
    for (user, id) in [
        (ASKER, &helpful),
        (ASKER, &helpful),
        (ASKER + 1, &unhelpful),
        (ASKER + 1, &helpful),
    ] {
        let ack = bot.interact(click(user, id)).await;
        assert_private(&ack);
        assert!(text(&ack).contains("Thank you"), "{}", text(&ack));
    }
    let store = open(bot.dir.path()).await;
    let today = Day::today();
    eventually(&store, "two helpful votes", |store| {
        let entry = entry.clone();
        async move {
            let stats = store.stats(Scope::Server(GUILD), 30, today).await.unwrap();
            stats
                .feedback
                .iter()
                .any(|f| f.entry == entry && f.helpful == 2 && f.not_helpful == 0)
        }
    })
    .await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_come_as_an_embed_with_a_png_chart() {
    let bot = start(&[]).await;
    let asked = bot.mention(ASKER, ANSWERED).await;
    bot.reply_to(asked).await;
    let store = open(bot.dir.path()).await;
    let today = Day::today();
    eventually(&store, "one question", |store| async move {
        store
            .stats(Scope::Server(GUILD), 7, today)
            .await
            .unwrap()
            .questions()
            == 1
    })
    .await;
    let stats = bot
        .command("stats", json!([{"name": "days", "type": 4, "value": 7}]))
        .await;
    assert_private(&stats);
    let embed = &stats.body["data"]["embeds"][0];
    assert_eq!(
        embed["image"]["url"],
        json!("attachment://stats.png"),
        "{}",
        stats.body
    );
    assert!(embed.to_string().contains("1 questions"), "{embed}");
    let (name, png) = stats.files.first().expect("an attachment");
    assert_eq!(name, "stats.png");
    let decoder = png::Decoder::new(png.as_slice());
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("its pixels decode");
    assert!(frame.width > 100 && frame.height > 100);
    let pixels = &pixels[..frame.buffer_size()];
    let bytes_per_pixel = frame.line_size / frame.width as usize;
    let first = &pixels[..bytes_per_pixel];
    let different = pixels.chunks(first.len()).filter(|p| *p != first).count();
    assert!(
        different > 1_000,
        "the chart is blank ({different} pixels differ)"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_questions_are_listed_and_forget_leaves_nothing() {
    let question = "can my cat's whiskers grow back after a trim";
    expect_kind(question, ReplyKind::NoMatch);
    let bot = start(&[]).await;
    let on = bot
        .command("settings", settings("unanswered", json!([{"name": "keep", "type": 4, "value": 0}, {"name": "days", "type": 4, "value": 7}])))
        .await;
    assert!(text(&on).contains("kept for 7 days"), "{}", text(&on));
    let asked = bot
        .mention(ASKER, &format!("{question} <@{}>", ASKER + 5))
        .await;
    bot.reply_to(asked).await;
    // A DM is never kept.
    let dm = events::message(
        bot.ids.next(),
        DM_CHANNEL,
        None,
        ASKER,
        "why do giraffes hum at night",
    );
    let dm = bot.send(dm).await;
    bot.reply_to(dm).await;

    let store = open(bot.dir.path()).await;
    eventually(&store, "the unanswered question", |store| async move {
        store.unanswered_page(GUILD, 0, 5).await.unwrap().total == 1
    })
    .await;
    let listed = bot.command("unanswered", json!([])).await;
    assert_private(&listed);
    let listed_text = text(&listed);
    assert!(listed_text.contains("1 kept"), "{listed_text}");
    assert!(listed_text.contains(question), "{listed_text}");
    assert!(
        !listed_text.contains(&(ASKER + 5).to_string()),
        "a mention was kept: {listed_text}"
    );
    assert!(
        !listed_text.contains("giraffes"),
        "a DM was kept: {listed_text}"
    );
    assert!(
        listed_text.contains("calcibot:unanswered:delete:"),
        "{listed_text}"
    );
    // Asked again, and one of the two deleted with its button: one is left.
    let again = bot
        .mention(ASKER + 1, &format!("{question} <@{}>", ASKER + 5))
        .await;
    bot.reply_to(again).await;
    eventually(&store, "the second question", |store| async move {
        store.unanswered_page(GUILD, 0, 5).await.unwrap().total == 2
    })
    .await;
    let page = store.unanswered_page(GUILD, 0, 5).await.unwrap();
    let delete = ComponentId::UnansweredDelete(page.questions[0].id).to_string();
    let deleted = bot
        .interact(events::button(bot.ids.next(), ASKER, &delete))
        .await;
    assert_eq!(deleted.body["type"], json!(7), "{}", deleted.body);
    assert!(text(&deleted).contains("1 kept"), "{}", text(&deleted));
    assert!(!text(&deleted).contains(&delete), "{}", text(&deleted));

    let confirm = bot.command("settings", settings("forget", json!([]))).await;
    let forget = ComponentId::Forget.to_string();
    assert!(text(&confirm).contains(&forget), "{}", text(&confirm));
    let done = bot
        .interact(events::button(bot.ids.next(), ASKER, &forget))
        .await;
    assert_eq!(done.body["type"], json!(7), "{}", done.body);
    assert!(
        text(&done).contains("nothing of this server is stored"),
        "{}",
        text(&done)
    );
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&sqlite_url(bot.dir.path()))
        .await
        .expect("the database opens");
    for table in Store::SERVER_TABLES {
        let count: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {table} WHERE server_id = $1"
        ))
        .bind(GUILD as i64)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(count, 0, "{table} still holds the server's rows");
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removal_from_a_server_schedules_its_deletion_and_an_outage_does_not() {
    let bot = start(&[]).await;
    let saved = bot
        .command(
            "settings",
            settings(
                "cooldown",
                json!([{"name": "seconds", "type": 4, "value": 5}]),
            ),
        )
        .await;
    assert!(text(&saved).contains("Saved"), "{}", text(&saved));
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&sqlite_url(bot.dir.path()))
        .await
        .expect("the database opens");
    let removed_day = || async {
        let day: Option<i64> =
            sqlx::query_scalar("SELECT removed_day FROM server_settings WHERE server_id = $1")
                .bind(GUILD as i64)
                .fetch_one(&pool)
                .await
                .unwrap();
        day
    };
    // A server outage: Discord marks the server unavailable; nothing is scheduled.
    bot.fake
        .dispatch(
            "GUILD_DELETE",
            json!({"id": GUILD.to_string(), "unavailable": true}),
        )
        .await;
    bot.command("settings", settings("show", json!([]))).await;
    tokio::time::sleep(SETTLE).await;
    assert_eq!(
        removed_day().await,
        None,
        "an outage scheduled the deletion"
    );
    // Removal: the day is noted, for the purge 30 days on.
    bot.fake
        .dispatch("GUILD_DELETE", json!({"id": GUILD.to_string()}))
        .await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while removed_day().await.is_none() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the removal was not noted within the wait"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(removed_day().await, Some(Day::today().number()));
    // Back in the server: no longer due for deletion, and its settings are still there.
    let mut guild = fixture("guild_create.json")["d"].clone();
    guild["id"] = json!(GUILD.to_string());
    bot.fake.dispatch("GUILD_CREATE", guild).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while removed_day().await.is_some() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the return was not noted within the wait"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let shown = bot.command("settings", settings("show", json!([]))).await;
    assert!(
        text(&shown).contains("(set here): 5 seconds"),
        "{}",
        text(&shown)
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auto_answer_channel_added_by_command_is_answered_and_told_in_help() {
    let bot = start(&[("MESSAGE_CONTENT", "on")]).await;
    let add = json!([{"name": "add", "type": 1, "options": [
        {"name": "channel", "type": 7, "value": OTHER_CHANNEL.to_string()}
    ]}]);
    let mut d = events::command(
        bot.ids.next(),
        CHANNEL,
        GUILD,
        ASKER,
        "settings",
        json!([{"name": "auto-answer", "type": 2, "options": add}]),
    );
    d["data"]["resolved"] = json!({"channels": {OTHER_CHANNEL.to_string(): {
        "id": OTHER_CHANNEL.to_string(), "name": "questions", "type": 0, "permissions": "0"
    }}});
    let saved = bot.interact(d).await;
    assert!(
        text(&saved).contains(&format!("<#{OTHER_CHANNEL}>")),
        "{}",
        text(&saved)
    );
    let help = bot.command("help", json!([])).await;
    assert!(
        text(&help).contains(&format!("<#{OTHER_CHANNEL}>")),
        "{}",
        text(&help)
    );
    let d = bot.guild_message(OTHER_CHANNEL, ASKER, ANSWERED, false);
    let asked = bot.send(d).await;
    assert_answer_embeds(&bot.reply_to(asked).await.body, ANSWERED);
    bot.stop().await;
}

/// The custom ids of a callback's buttons, row by row.
fn buttons(request: &Request) -> Vec<String> {
    request.body["data"]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .filter_map(|c| c["custom_id"].as_str().map(str::to_string))
        .collect()
}

/// Puts a kept question straight into the bot's database, as the writer would have: `ago`
/// days old. Returns its id.
async fn keep_question(pool: &sqlx::AnyPool, text: &str, ago: u32) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO unanswered (server_id, day, kind, text, closest) VALUES ($1, $2, $3, $4, '')
         RETURNING id",
    )
    .bind(GUILD as i64)
    .bind(Day::today().minus(ago).number())
    .bind(ReplyKind::NoMatch.as_str())
    .bind(text)
    .fetch_one(pool)
    .await
    .expect("a question is stored")
}

/// The ids of the server's kept questions, as the database has them.
async fn kept_ids(pool: &sqlx::AnyPool) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM unanswered WHERE server_id = $1 ORDER BY id")
        .bind(GUILD as i64)
        .fetch_all(pool)
        .await
        .expect("the kept questions are read")
}

/// The text of the `n`th seeded question; no one's text is contained in another's.
fn seeded(n: usize) -> String {
    format!("seeded question number {n} about nothing in the base")
}

/// Turns unanswered questions on for 7 days by command, and opens the bot's database.
async fn keep_unanswered_for_a_week(bot: &Running) -> sqlx::AnyPool {
    let on = bot
        .command("settings", settings("unanswered", json!([{"name": "keep", "type": 4, "value": 0}, {"name": "days", "type": 4, "value": 7}])))
        .await;
    assert!(text(&on).contains("kept for 7 days"), "{}", text(&on));
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&sqlite_url(bot.dir.path()))
        .await
        .expect("the database opens")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_pages_turn_with_their_buttons_and_delete_removes_that_question() {
    let bot = start(&[]).await;
    let pool = keep_unanswered_for_a_week(&bot).await;
    // Seven questions, two pages of five; newest (the highest id) first.
    let mut ids = Vec::new();
    for n in 1..=7 {
        ids.push(keep_question(&pool, &seeded(n), 0).await);
    }
    let older = ComponentId::UnansweredPage(1).to_string();
    let newer = ComponentId::UnansweredPage(0).to_string();

    let first = bot.command("unanswered", json!([])).await;
    assert_private(&first);
    assert_page(&text(&first), 1, 3..=7);
    let ids_shown = buttons(&first);
    assert!(ids_shown.contains(&older), "no Older button: {ids_shown:?}");
    assert!(
        !ids_shown.contains(&newer),
        "a Newer button on page 1: {ids_shown:?}"
    );

    // Older: the message is updated in place with the second page.
    let second = bot
        .interact(events::button(bot.ids.next(), ASKER, &older))
        .await;
    assert_eq!(second.body["type"], json!(7), "{}", second.body);
    assert_page(&text(&second), 2, 1..=2);
    let ids_shown = buttons(&second);
    assert!(ids_shown.contains(&newer), "no Newer button: {ids_shown:?}");
    assert!(
        !ids_shown.contains(&older),
        "an Older button on the last page: {ids_shown:?}"
    );
    for id in &ids[..2] {
        let delete = ComponentId::UnansweredDelete(*id).to_string();
        assert!(
            ids_shown.contains(&delete),
            "no {delete} on page 2: {ids_shown:?}"
        );
    }

    // Newer: back to the first page.
    let back = bot
        .interact(events::button(bot.ids.next(), ASKER, &newer))
        .await;
    assert_eq!(back.body["type"], json!(7), "{}", back.body);
    assert!(
        text(&back).contains("7 kept, page 1 of 2"),
        "{}",
        text(&back)
    );
    assert!(text(&back).contains(&seeded(7)), "{}", text(&back));

    // The delete button of the oldest question, from page 2: that question and no other goes.
    let delete = ComponentId::UnansweredDelete(ids[0]).to_string();
    let deleted = bot
        .interact(events::button(bot.ids.next(), ASKER, &delete))
        .await;
    assert_eq!(deleted.body["type"], json!(7), "{}", deleted.body);
    assert!(text(&deleted).contains("6 kept"), "{}", text(&deleted));
    assert!(!buttons(&deleted).contains(&delete), "{}", text(&deleted));
    assert_eq!(kept_ids(&pool).await, ids[1..].to_vec());
    let last = bot
        .interact(events::button(bot.ids.next(), ASKER, &older))
        .await;
    let shown = text(&last);
    assert!(shown.contains("6 kept, page 2 of 2"), "{shown}");
    assert!(shown.contains(&seeded(2)), "{shown}");
    assert!(
        !shown.contains(&seeded(1)),
        "the deleted question is listed: {shown}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_purges_questions_past_their_retention_while_it_runs() {
    // The purge runs at start and then every PURGE_EVERY_SECONDS (6 hours by default).
    let bot = start(&[("PURGE_EVERY_SECONDS", "1")]).await;
    let pool = keep_unanswered_for_a_week(&bot).await;
    // Stored after the start-up purge: only a later run of the running bot can delete them.
    // Kept 7 days: a question from 7 days ago has had its time; one from 6 days ago has not.
    let expired = keep_question(&pool, &seeded(1), 8).await;
    let due = keep_question(&pool, &seeded(2), 7).await;
    let kept = keep_question(&pool, &seeded(3), 6).await;
    let today = keep_question(&pool, &seeded(4), 0).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let ids = kept_ids(&pool).await;
        if !ids.contains(&expired) && !ids.contains(&due) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the questions past their retention were not purged within the wait: {ids:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The same DELETE that took those left these.
    assert_eq!(kept_ids(&pool).await, vec![kept, today]);
    let listed = bot.command("unanswered", json!([])).await;
    assert!(text(&listed).contains("2 kept"), "{}", text(&listed));
    bot.stop().await;
}

/// Page `page` of the seven kept questions shows exactly questions `on` (by their seed number).
fn assert_page(shown: &str, page: usize, on: std::ops::RangeInclusive<usize>) {
    assert!(
        shown.contains(&format!("7 kept, page {page} of 2")),
        "{shown}"
    );
    for n in 1..=7 {
        assert_eq!(
            shown.contains(&seeded(n)),
            on.contains(&n),
            "question {n} on page {page}? {shown}"
        );
    }
}
