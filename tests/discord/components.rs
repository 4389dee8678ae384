//! Buttons and menus: related topics, clarify choices, and browsing `/topics` by theme.

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicking_a_related_topic_shows_that_entry() {
    expect_kind(ANSWERED, ReplyKind::Answer);
    let core = bot();
    let related = core
        .ask(ANSWERED)
        .related()
        .first()
        .copied()
        .expect("the answered entry has related topics; pick a question whose entry has some");
    let bot = start(&[]).await;
    let id = bot.mention(ASKER, ANSWERED).await;
    let reply = bot.reply_to(id).await;
    // The button as the bot sent it.
    let button = reply.body["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().into_iter().flatten())
        .find(|c| c["label"] == json!(fit(&related.title, limits::BUTTON_LABEL)))
        .unwrap_or_else(|| {
            panic!(
                "no button for {} in {:#}",
                related.id, reply.body["components"]
            )
        })
        .clone();
    let custom_id = button["custom_id"].as_str().expect("a custom id");
    let click = bot
        .interact(events::button(bot.ids.next(), ASKER, custom_id))
        .await;
    assert_eq!(click.body["type"], json!(4));
    assert_eq!(
        click.body["data"]["flags"],
        json!(64),
        "shown to the one who clicked"
    );
    let shown = core.show(&related.id).expect("the related entry");
    let title = shown.entry().unwrap().title.clone();
    assert_eq!(
        click.body["data"]["embeds"][0]["title"],
        json!(fit(&title, limits::TITLE))
    );
    assert_eq!(
        click.body["data"]["embeds"][0]["description"],
        json!(fit(&shown.entry().unwrap().answer, limits::DESCRIPTION))
    );
    assert_pings_no_one(&click.body["data"]);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_browses_by_theme() {
    let core = bot();
    let kb = core.knowledge();
    let themes = kb.themes();
    let (theme, entries) = themes.first().expect("a theme");
    let bot = start(&[]).await;

    let overview = bot.command("topics", json!([])).await;
    assert_eq!(overview.body["data"]["flags"], json!(64));
    let select = &overview.body["data"]["components"][0]["components"][0];
    assert_eq!(select["custom_id"], json!(ComponentId::Theme.to_string()));
    let values: Vec<&str> = select["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = themes.iter().map(|(t, _)| t.id.as_str()).collect();
    assert_eq!(values, expected);

    let page = bot
        .interact(events::select(
            bot.ids.next(),
            ASKER,
            &ComponentId::Theme.to_string(),
            &theme.id,
        ))
        .await;
    assert_eq!(page.body["type"], json!(7), "the browser updates in place");
    let pick = &page.body["data"]["components"][1]["components"][0];
    let pick_id = pick["custom_id"].as_str().unwrap();
    assert!(matches!(
        ComponentId::parse(pick_id),
        Some(ComponentId::Pick(_))
    ));
    let options = pick["options"].as_array().unwrap();
    assert_eq!(options.len(), entries.len().min(limits::SELECT_OPTIONS));

    let entry = entries.first().unwrap();
    let shown = bot
        .interact(events::select(bot.ids.next(), ASKER, pick_id, &entry.id))
        .await;
    assert_eq!(shown.body["type"], json!(7));
    assert_eq!(
        shown.body["data"]["embeds"][0]["title"],
        json!(fit(&entry.title, limits::TITLE))
    );
    bot.stop().await;
}
