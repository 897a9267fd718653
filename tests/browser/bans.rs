//! Bans in the console, as a moderator meets them: the dialog bans the email only unless
//! the address is ticked, lists exactly the comments a sweep would mark and says who else
//! shares the address; the bans screen shows what a ban caught and lifts it with its
//! sweep undone.

use super::*;

/// A pending comment by `email` from the shared test address.
async fn pending_from(state: &AppState, email: &str, body: &str) -> i64 {
    let email_hash = state.secrets().email_hash(email);
    state
        .store()
        .insert_comment(raqib::domain::NewComment {
            author_email: email.into(),
            email_hash,
            ip_hash: Some("a".repeat(64)),
            ip_net_hash: Some("b".repeat(64)),
            ip_prefix: Some("203.0.113.0/24".into()),
            ..stored_comment("قارئ", body, Status::Pending)
        })
        .await
        .unwrap()
}

async fn status_of(state: &AppState, id: i64) -> Status {
    state.store().get_comment(id).await.unwrap().unwrap().status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ban_touches_only_its_author_and_is_lifted_with_its_sweep_undone() {
    let Some(driver) = start_driver() else { return };
    let raqib = start_raqib().await;
    let base = raqib.base.clone();
    let state = &raqib.state;
    let troll = pending_from(state, "troll@example.com", "إعلان أول").await;
    let troll_again = pending_from(state, "troll@example.com", "إعلان ثان").await;
    let colleague = pending_from(state, "colleague@example.com", "تعليق زميل").await;
    let client = browser(&driver, true).await;
    log_in(&client, &format!("{base}/moderate"), "mona").await;
    let item = format!("[data-raqib=item][data-id=\"{troll}\"]");
    click(&client, &format!("{item} [data-op=ban]")).await;
    until(
        &client,
        "the ban preview",
        "const d = document.querySelector('[data-raqib=ban-dialog]'); return d && d.getAttribute('data-ready') === 'true';",
    )
    .await;
    let shown = script(
        &client,
        "return Array.from(document.querySelectorAll('[data-raqib=ban-pending-item]')).map(n => Number(n.getAttribute('data-id')));",
    )
    .await;
    assert_eq!(
        shown,
        json!([troll, troll_again]),
        "exactly the author's own"
    );
    let defaults = script(
        &client,
        "const f = document.querySelector('[data-raqib=ban-dialog] form'); return [f.elements.mark_pending_spam.checked, f.elements.ip.checked];",
    )
    .await;
    assert_eq!(
        defaults,
        json!([false, false]),
        "nothing beyond the email unless chosen"
    );
    let others = script(
        &client,
        "return document.querySelector('[data-raqib=ban-address-others]').textContent;",
    )
    .await;
    assert!(
        others.as_str().unwrap().contains("شخص آخر"),
        "says who else shares the address: {others}"
    );
    screenshot(&client, "15-console-ban-dialog").await;
    click(&client, "[data-raqib=ban-dialog] [name=mark_pending_spam]").await;
    click(&client, "[data-raqib=ban-confirm]").await;
    eventually("the author's comments were not swept", || async {
        status_of(state, troll).await == Status::Spam
            && status_of(state, troll_again).await == Status::Spam
    })
    .await;
    assert_eq!(status_of(state, colleague).await, Status::Pending);
    let bans = state
        .store()
        .list_bans(raqib::store::now_ms())
        .await
        .unwrap();
    assert_eq!(bans.len(), 1, "the email only: {bans:?}");

    // The bans screen: what it caught, then lifted with its sweep undone.
    click(&client, "[data-raqib=show-bans]").await;
    let ban = format!("[data-raqib=ban-item][data-id=\"{}\"]", bans[0].id);
    click(&client, &format!("{ban} [data-op=ban-details]")).await;
    let swept = until(
        &client,
        "the swept comments",
        "return document.querySelectorAll('[data-raqib=ban-swept-item]').length;",
    )
    .await;
    assert_eq!(swept, json!(2));
    screenshot(&client, "16-console-bans").await;
    click(&client, &format!("{ban} [data-op=ban-lift]")).await;
    click(&client, "[data-raqib=lift-dialog] [name=restore]").await;
    click(&client, "[data-raqib=lift-confirm]").await;
    eventually("the swept comments did not come back", || async {
        status_of(state, troll).await == Status::Pending
            && status_of(state, troll_again).await == Status::Pending
    })
    .await;
    let lifted = state.store().get_ban(bans[0].id).await.unwrap().unwrap();
    assert!(lifted.lifted_at.is_some());

    // The same dialog in English on a phone: it says what it will touch and fits.
    let other = pending_from(state, "spammer@example.com", "another ad").await;
    client.set_window_size(390, 844).await.unwrap();
    client.goto(&format!("{base}/moderate")).await.unwrap();
    script(
        &client,
        "if (document.documentElement.lang !== 'en') document.querySelector('[data-raqib=lang]').click();",
    )
    .await;
    click(&client, "[data-raqib=show-queue]").await;
    click(
        &client,
        &format!("[data-raqib=item][data-id=\"{other}\"] [data-op=ban]"),
    )
    .await;
    until(
        &client,
        "the ban preview in English",
        "const d = document.querySelector('[data-raqib=ban-dialog]'); return d && d.getAttribute('data-ready') === 'true';",
    )
    .await;
    let said = script(
        &client,
        "const d = document.querySelector('[data-raqib=ban-dialog]'); const r = d.getBoundingClientRect(); \
         return [document.querySelector('[data-raqib=ban-sweep-label]').textContent, \
                 document.querySelector('[data-raqib=ban-address-others]').textContent, \
                 r.left >= 0 && r.right <= window.innerWidth];",
    )
    .await;
    assert!(
        said[0].as_str().unwrap().contains("pending comment spam"),
        "{said}"
    );
    assert!(said[1].as_str().unwrap().contains("other people"), "{said}");
    assert_eq!(said[2], json!(true), "the dialog fits the phone: {said}");
    screenshot(&client, "15-console-ban-dialog-en-phone").await;
    client.close().await.ok();
}
