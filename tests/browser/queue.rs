//! The queue on a phone in English: the filters fold away under their summary, and a
//! moderator narrows the queue to the comments held for one reason.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_on_a_phone_narrows_the_queue_by_reason_in_english() {
    let Some(driver) = start_driver() else { return };
    let raqib = start_raqib().await;
    let base = raqib.base.clone();
    let store = raqib.state.store();
    let held = store
        .insert_comment(raqib::domain::NewComment {
            class: Class::Hold,
            hits: r#"[{"rule":"list:ar/insult:حمار","category":"insult","weight":3.0,"action":"score","field":"body","span":null,"explanation":"","shadow":false}]"#.into(),
            ..stored_comment("قارئ", "يا حمار", Status::Pending)
        })
        .await
        .unwrap();
    store
        .insert_comment(stored_comment("قارئة", "تعليق عادي ينتظر", Status::Pending))
        .await
        .unwrap();
    let client = browser(&driver, true).await;
    client.set_window_size(390, 844).await.unwrap();
    log_in(&client, &format!("{base}/moderate"), "mona").await;
    until(
        &client,
        "the queue",
        "return document.querySelectorAll('[data-raqib=item]').length === 2;",
    )
    .await;
    script(
        &client,
        "if (document.documentElement.lang !== 'en') document.querySelector('[data-raqib=lang]').click();",
    )
    .await;
    let folded = script(
        &client,
        "return document.querySelector('[data-raqib=filters-box]').open;",
    )
    .await;
    assert_eq!(folded, json!(false), "the filters are folded on a phone");
    click(&client, "[data-raqib=filters-box] summary").await;
    let reasons = script(
        &client,
        "const s = document.querySelector('[data-raqib=filter-reason]'); \
         return [...s.options].map(o => o.value + '=' + o.textContent);",
    )
    .await;
    let reasons: Vec<String> = serde_json::from_value(reasons).unwrap();
    let insult = reasons
        .iter()
        .find(|r| r.starts_with("insult="))
        .expect("insult is a reason to filter by");
    assert!(
        insult.chars().any(|c| c.is_ascii_alphabetic()) && !insult.contains('ا'),
        "the reason in English: {insult}"
    );
    script(
        &client,
        "const s = document.querySelector('[data-raqib=filter-reason]'); s.value = 'insult'; \
         s.dispatchEvent(new Event('change', {bubbles: true}));",
    )
    .await;
    let listed = until(
        &client,
        "only the comment held for an insult",
        &format!(
            "const ids = [...document.querySelectorAll('[data-raqib=item]')].map(i => Number(i.getAttribute('data-id'))); \
             return ids.length === 1 && ids[0] === {held} && ids;"
        ),
    )
    .await;
    assert_eq!(listed, json!([held]));
    screenshot(&client, "20-queue-reason-en-phone").await;
    client.close().await.ok();
}
