//! Reading a message as a nurse reads a forum post (issue 8): the asking sentences decide what
//! is asked, the whole message what it is about; two questions get one answer and an offer;
//! questions about the bot get the bot's own answer; out-of-scope questions are declined; and
//! urgent advice carries an entry only when the message clearly asks its question.

use std::process::Command;

use calcibot::{Bot, KnowledgeBase, Reply, ReplyKind};

fn bot() -> Bot {
    Bot::new(KnowledgeBase::builtin().expect("valid base")).expect("bot builds")
}

fn id<'a>(reply: &Reply<'a>) -> Option<&'a str> {
    reply.entry().map(|e| e.id.as_str())
}

fn assert_answers(bot: &Bot, message: &str, expected: &str) {
    let reply = bot.ask(message);
    assert_eq!(
        (reply.kind(), id(&reply)),
        (ReplyKind::Answer, Some(expected)),
        "{message:?}"
    );
}

#[test]
fn the_question_decides_not_the_loudest_words_of_the_story() {
    let bot = bot();
    for (message, expected) in [
        (
            "I have these hard white bumps on my elbows, my rheumy says its calcinosis from my scleroderma. what can be done?",
            "treatment-overview",
        ),
        (
            "I tried to pop one of the bumps last week and it bled a lot. why would calcium appear on my face anyway?",
            "face",
        ),
        (
            "My mum takes her phosphate pills with every meal, the nurse said it is for the calcium in her skin. How does this medicine work?",
            "med-phosphate-binders",
        ),
        (
            "I was diagnosed with lupus years ago and my kidneys are fine. Now hard lumps on my knees. Why do people with lupus get these?",
            "cause-autoimmune",
        ),
    ] {
        assert_answers(&bot, message, expected);
    }
}

#[test]
fn plain_questions_and_text_speak_are_answered() {
    let bot = bot();
    for (message, expected) in [
        ("how is it categorised", "types-overview"),
        ("what is this condition called", "what-is"),
        ("how is calcinosis diagnosed", "diagnosis-overview"),
        ("cn u get them on ur elbos n knes", "locations"),
        (
            "Bonjour, my dermatologue say I have calcinose idiopathique on my arm. What it want to say idiopathic?",
            "type-idiopathic",
        ),
    ] {
        assert_answers(&bot, message, expected);
    }
}

#[test]
fn two_questions_get_one_answer_and_an_offer_of_the_other() {
    let bot = bot();
    let reply = bot.ask(
        "what scan is best for seeing how deep the calcium goes? and will they still need to biopsie it after",
    );
    assert_eq!(reply.kind(), ReplyKind::Answer);
    assert_eq!(id(&reply), Some("imaging"), "the first question asked");
    let also: Vec<&str> = reply.also().iter().map(|e| e.id.as_str()).collect();
    assert_eq!(also, ["biopsy"]);
    let text = calcibot::render::text(&reply);
    assert!(text.contains("You also asked about:\n  1. "), "{text}");

    // Both questions clear: the first answered, the second offered, not a clarify.
    let reply = bot.ask(
        "How can I tell when a lump needs a doctor? Also which specialist deals with calcinosis?",
    );
    assert_eq!(id(&reply), Some("when-to-see-doctor"));
    let also: Vec<&str> = reply.also().iter().map(|e| e.id.as_str()).collect();
    assert_eq!(also, ["which-specialist"]);

    let one = bot.ask("what scan is best for seeing how deep the calcium goes?");
    assert!(one.also().is_empty(), "one question, nothing else offered");
}

#[test]
fn questions_about_the_bot_get_the_bots_own_answer() {
    let bot = bot();
    for (message, says) in [
        (
            "does the bot store my messages",
            "I don't keep your messages",
        ),
        (
            "where do your answers come from?",
            "five published articles",
        ),
        ("can I trust you?", "not as your doctor"),
        ("are you a real doctor", "not a doctor"),
        ("what can you help with", "I answer questions about"),
        ("which languages do you speak", "I answer in English"),
        (
            "if I upload a photo of my bump can you tell me what it is?",
            "can't look at photos",
        ),
    ] {
        let reply = bot.ask(message);
        assert_eq!(reply.kind(), ReplyKind::Smalltalk, "{message:?}");
        assert!(
            reply.entry().is_none(),
            "{message:?} carries no medical entry"
        );
        assert!(
            reply.message().is_some_and(|m| m.contains(says)),
            "{message:?} got {:?}",
            reply.message()
        );
    }
}

#[test]
fn out_of_scope_questions_are_declined_with_a_reason() {
    let bot = bot();
    for message in [
        "GP wants me on calcium supplements for my osteoporosis, which brand is best?",
        "my cardiologist found calcium in my arteries, is that calcinosis?",
        "is there calcium in heart valves like in skin",
        "how do i get rid of kidney stones",
        "how do i get rid of a gout flare fast",
        "mammogram showed calcifications, is it the same as calcinosis?",
        "my dog has calcium lumps on his skin",
        "is Dr Okonkwo at the Royal Free any good for calcinosis surgery?",
        "how do I fix my car's brakes",
        "how do i get rid of tonsil stones",
        "I get vertigo from calcium crystals in the ear, how is that treated?",
        "my mammogram showed breast calcifications, what does that mean?",
        "I passed a kidney stone last month. The hospital said it was made of calcium. What should I eat to avoid another one?",
        "how many mg of calcium do I need for my bones at 60?",
        "my vitamin d tablets give me an upset stomach, should I take them with food?",
        "how long do people usually live once they start dialysis?",
        "is allopurinol better than colchicine for my gout attacks?",
    ] {
        let reply = bot.ask(message);
        assert_eq!(
            reply.kind(),
            ReplyKind::NoMatch,
            "{message:?} got {:?}",
            id(&reply)
        );
        assert!(reply.message().is_some(), "{message:?} says why");
    }
}

#[test]
fn a_remedy_the_sources_never_mention_is_named_before_the_home_care_answer() {
    let bot = bot();
    for (message, remedy) in [
        ("does castor oil help calcinosis", "castor oil"),
        (
            "will turmeric paste dissolve my calcium deposit",
            "turmeric",
        ),
        ("can apple cider vinegar shrink calcium lumps?", "vinegar"),
    ] {
        let reply = bot.ask(message);
        assert_eq!(id(&reply), Some("home-remedies"), "{message:?}");
        let note = reply.message().unwrap_or_default();
        assert!(
            note.contains("don't mention") && note.contains(remedy),
            "{message:?}: {note}"
        );
    }
    // A remedy named in passing in a story asking something else is not its question.
    assert_answers(
        &bot,
        "I tried tea tree oil and creams for months with no change. My dermatologist now suggests cutting it out. It has been sore this week. What does the operation involve and will it scar?",
        "surgery",
    );
    let olive = bot.ask("does olive oil massage help calcium bumps");
    assert_eq!(id(&olive), Some("home-remedies"));
    assert!(olive.message().is_none(), "olive oil is in the sources");
}

#[test]
fn a_word_out_of_scope_in_the_story_does_not_decline_its_question() {
    let bot = bot();
    assert_answers(
        &bot,
        "We had a lovely holiday and I walked the dog every day. Since then I've noticed a hard white lump on my shin where I banged it on a table. Can a knock cause calcium deposits in the skin?",
        "cause-injury",
    );
    assert_answers(
        &bot,
        "I had a mammogram last year and it was all clear. Now there's a hard lump on my elbow and my GP says calcinosis. What causes it?",
        "causes-overview",
    );
}

#[test]
fn the_narrower_question_wins() {
    let bot = bot();
    for (message, expected) in [
        // How it looks, asked of other things: look-alikes.
        (
            "what else can look like calcinosis and how do doctors tell them apart?",
            "look-alikes",
        ),
        // Passing it on, asked about children: heredity.
        (
            "We're planning a baby and I have PXE with calcium in my skin. Could our kids inherit it?",
            "genetic",
        ),
        // A named type with "because of" in the story: what the type means, not the cause.
        (
            "the nephrologist said my deposits are metastatic because of my CKD?? what does that mean",
            "type-metastatic",
        ),
        // A bare "is that true?" or "is that ok?" asks about what the sentence before says.
        (
            "my aunt says a hot towel and oil will dissolve it. is that true?",
            "home-remedies",
        ),
        (
            "my friend says to push it out with a pin. is that ok?",
            "popping-squeezing",
        ),
        (
            "Which médico treats calcinose, dermatologista or reumatologista?",
            "which-specialist",
        ),
        // Cured, or for life: the outlook.
        ("is calcinosis curable or is it something for life?", "prognosis"),
    ] {
        assert_answers(&bot, message, expected);
    }
}

#[test]
fn urgent_advice_carries_an_entry_only_when_its_question_is_asked() {
    let bot = bot();
    for message in [
        "I have a painful dark sore on my leg and I'm on dialysis",
        "my fingertip with the calcium deposit is turning black",
    ] {
        let reply = bot.ask(message);
        assert_eq!(reply.kind(), ReplyKind::Urgent, "{message:?}");
        assert_eq!(id(&reply), None, "{message:?}: the notice stands alone");
    }
    let reply =
        bot.ask("my fingertip with calcinosis turned black and cold, what is calciphylaxis?");
    assert_eq!(reply.kind(), ReplyKind::Urgent);
    assert_eq!(id(&reply), Some("calciphylaxis"));
}

#[test]
fn real_english_words_are_not_corrected_into_ours() {
    let explain = calcibot_explain("we are flying to paris next week");
    assert!(
        explain.contains("spelled:    we are flying to paris"),
        "{explain}"
    );
    let explain = calcibot_explain("does diltiazim help");
    assert!(
        explain.contains("spelled:    does diltiazem help"),
        "{explain}"
    );
}

#[test]
fn common_words_of_the_other_languages_are_not_corrected_into_ours() {
    // "questo" is one letter from "queso", which the lexicon reads as cheese.
    let explain = calcibot_explain("Questo prurito intorno ai depositi mi uccide.");
    assert!(explain.contains("spelled:    questo prurito"), "{explain}");
    assert!(!explain.contains("cheese"), "{explain}");
}

#[test]
fn ask_json_lists_the_other_questions_asked() {
    let output = Command::new(env!("CARGO_BIN_EXE_calcibot"))
        .args([
            "ask",
            "--json",
            "does shockwave work on fingertip calcinosis? and if it breaks them up do they just come back later",
        ])
        .env_remove("KNOWLEDGE_DIR")
        .env_remove("DISCORD_TOKEN")
        .output()
        .expect("the calcibot binary runs");
    assert!(output.status.success());
    let reply: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(reply["entry"], "laser-and-shockwave");
    assert_eq!(reply["also"], serde_json::json!(["recurrence"]));
    for field in ["kind", "candidates", "score", "flags", "text"] {
        assert!(reply.get(field).is_some(), "{field} stays");
    }
}

#[test]
fn explain_shows_the_focus_aspects_and_subjects() {
    let explain = calcibot_explain(
        "My mum has scleroderma and hard lumps on her fingers. What can be done about them?",
    );
    assert!(
        explain.contains("focus:      what can be done about them"),
        "{explain}"
    );
    assert!(explain.contains("aspects:    treatment"), "{explain}");
    assert!(explain.contains("subjects:   autoimmune"), "{explain}");
}

fn calcibot_explain(message: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_calcibot"))
        .args(["ask", "--explain", message])
        .env_remove("KNOWLEDGE_DIR")
        .env_remove("DISCORD_TOKEN")
        .output()
        .expect("the calcibot binary runs");
    assert!(output.status.success());
    String::from_utf8(output.stdout).expect("UTF-8 output")
}
