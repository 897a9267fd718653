//! Keyboard only, as a reader or moderator who uses no mouse: every step below is reached
//! with Tab and done with the keys a person would press (typing, Enter, arrows, the
//! console's shortcuts); a step the keyboard cannot reach fails the test.

use fantoccini::key::Key;

use super::*;

/// Presses Tab until the focused element matches `css`.
async fn tab_to(client: &Client, css: &str) {
    let tab: char = Key::Tab.into();
    for _ in 0..80 {
        let here = script(
            client,
            &format!(
                "return !!(document.activeElement && document.activeElement.matches('{css}'));"
            ),
        )
        .await;
        if here == json!(true) {
            return;
        }
        client
            .active_element()
            .await
            .unwrap()
            .send_keys(&tab.to_string())
            .await
            .unwrap();
    }
    screenshot(client, "keyboard-lost").await;
    panic!("Tab never reached {css}");
}

/// Types into whatever has the focus.
async fn type_here(client: &Client, text: &str) {
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

async fn enter(client: &Client) {
    let key: char = Key::Enter.into();
    type_here(client, &key.to_string()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_replies_and_a_moderator_decides_and_an_admin_adds_a_term_by_keyboard() {
    let Some(driver) = start_driver() else { return };
    let raqib = start_raqib().await;
    let base = raqib.base.clone();
    let parent = raqib
        .state
        .store()
        .insert_comment(stored_comment("قارئ", "تعليق منشور", Status::Approved))
        .await
        .unwrap();
    raqib.state.pages().invalidate();
    let client = browser(&driver, true).await;

    // A reader replies to a comment.
    client.goto(&format!("{base}/")).await.unwrap();
    until(
        &client,
        "the comment",
        "return document.querySelectorAll('[data-raqib=comment]').length;",
    )
    .await;
    tab_to(&client, "[data-raqib=reply]").await;
    enter(&client).await;
    let focus = script(&client, "return document.activeElement.name;").await;
    assert_eq!(
        focus,
        json!("body"),
        "the reply form opens with the focus in the text"
    );
    type_here(&client, "رد من لوحة المفاتيح").await;
    tab_to(&client, "[data-raqib=form] [name=name]").await;
    type_here(&client, "سارة").await;
    tab_to(&client, "[data-raqib=form] [name=email]").await;
    type_here(&client, "sara@example.com").await;
    tab_to(&client, "[data-raqib=form] [name=captcha_answer]").await;
    code_loaded(&client).await;
    type_here(&client, KNOWN_ANSWER).await;
    enter(&client).await;
    let status = until(
        &client,
        "the result",
        "const s = document.querySelector('[data-raqib=status]'); return s && s.textContent.trim();",
    )
    .await;
    assert!(
        status.as_str().unwrap().contains("بانتظار المراجعة"),
        "{status}"
    );
    let reply = newest_comment(&raqib.state, "رد من لوحة المفاتيح").await;
    assert_eq!(reply.parent, Some(parent), "posted as a reply");

    // A moderator narrows the queue to comments held for an insult and approves one.
    let held = raqib
        .state
        .store()
        .insert_comment(raqib::domain::NewComment {
            class: Class::Hold,
            hits: r#"[{"rule":"list:ar/insult:حمار","category":"insult","weight":3.0,"action":"score","field":"body","span":null,"explanation":"","shadow":false}]"#.into(),
            ..stored_comment("قارئ", "يا حمار", Status::Pending)
        })
        .await
        .unwrap();
    client.goto(&format!("{base}/moderate")).await.unwrap();
    client.delete_all_cookies().await.unwrap();
    client.goto(&format!("{base}/moderate")).await.unwrap();
    tab_to(&client, "[data-raqib=login] [name=username]").await;
    type_here(&client, "mona").await;
    tab_to(&client, "[data-raqib=login] [name=password]").await;
    type_here(&client, PASSWORD).await;
    enter(&client).await;
    until(
        &client,
        "the queue",
        "return document.querySelectorAll('[data-raqib=item]').length;",
    )
    .await;
    tab_to(&client, "[data-raqib=filter-reason]").await;
    let down: char = Key::Down.into();
    // Chromium moves a focused select's value with the arrows and says so with `change`.
    while script(&client, "return document.activeElement.value;").await != json!("insult") {
        type_here(&client, &down.to_string()).await;
    }
    let listed = until(
        &client,
        "only the comments held for an insult",
        &format!(
            "const ids = [...document.querySelectorAll('[data-raqib=item]')].map(i => Number(i.getAttribute('data-id'))); \
             return ids.length === 1 && ids[0] === {held} && ids;"
        ),
    )
    .await;
    assert_eq!(listed, json!([held]));
    script(&client, "document.activeElement.blur();").await;
    press(&client, 'j').await;
    press(&client, 'a').await;
    eventually("the held comment approved from the keyboard", || async {
        raqib
            .state
            .store()
            .get_comment(held)
            .await
            .unwrap()
            .unwrap()
            .status
            == Status::Approved
    })
    .await;

    // An admin adds a term.
    client.goto(&format!("{base}/admin")).await.unwrap();
    client.delete_all_cookies().await.unwrap();
    client.goto(&format!("{base}/admin")).await.unwrap();
    tab_to(&client, "[data-raqib=login] [name=username]").await;
    type_here(&client, "adel").await;
    tab_to(&client, "[data-raqib=login] [name=password]").await;
    type_here(&client, PASSWORD).await;
    enter(&client).await;
    until(
        &client,
        "the admin page",
        "return !!document.querySelector('[data-raqib=app]:not([hidden])');",
    )
    .await;
    tab_to(&client, "[data-raqib=term-form] [name=term]").await;
    type_here(&client, "زعطوط").await;
    tab_to(&client, "[data-raqib=term-form] [name=weight]").await;
    type_here(&client, "2").await;
    enter(&client).await;
    eventually("the term added from the keyboard is live", || async {
        has_live_term(&raqib.state, "زعطوط").await
    })
    .await;
    client.close().await.ok();
}
