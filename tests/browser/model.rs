//! An admin retrains the models from the moderators' decisions on the admin page: the
//! button starts the job, its progress shows, and the offered change carries its report
//! (the live version against the retrained one on the held-back decisions), in Arabic and
//! in English on a phone.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_retrains_the_models_and_reads_the_report() {
    let Some(driver) = start_driver() else { return };
    let raqib = start_raqib().await;
    let base = raqib.base.clone();
    for i in 0..120 {
        let (body, to) = match i % 4 {
            0 => (format!("اسكت يا زقطوط انت والفريق {i}"), Status::Rejected),
            _ => (
                format!("المنتخب قدم أداء رائعا في المباراة رقم {i}"),
                Status::Approved,
            ),
        };
        decided(&raqib.state, &body, to).await;
    }
    let client = browser(&driver, true).await;
    log_in(&client, &format!("{base}/admin"), "adel").await;
    click(&client, "[data-tab=versions]").await;
    click(&client, "[data-raqib=model-train]").await;
    let report = until(
        &client,
        "the retrained models' report",
        "const r = document.querySelector('[data-raqib=candidate] [data-raqib=model-report]'); return r && r.textContent;",
    )
    .await;
    let report = report.as_str().unwrap();
    assert!(report.contains("الإساءة المكتشفة"), "{report}");
    assert!(report.contains("بعد التدريب"), "{report}");
    let stage = script(
        &client,
        "return document.querySelector('[data-raqib=model-stage]').textContent;",
    )
    .await;
    assert_eq!(stage, json!("انتهى"));
    screenshot(&client, "21-model-report-ar").await;
    let candidates = raqib
        .state
        .store()
        .list_filter_candidates(10)
        .await
        .unwrap();
    assert_eq!(candidates[0].source, "model");
    assert!(candidates[0].report.is_some());

    // In English on a phone: the same report, in English, fitting the screen.
    client.set_window_size(390, 844).await.unwrap();
    script(
        &client,
        "if (document.documentElement.lang !== 'en') document.querySelector('[data-raqib=lang]').click();",
    )
    .await;
    let english = until(
        &client,
        "the report in English",
        "const r = document.querySelector('[data-raqib=model-report]'); return r && r.textContent.includes('Abuse caught') && r.textContent;",
    )
    .await;
    assert!(
        english.as_str().unwrap().contains("Trained on"),
        "{english}"
    );
    let faults = super::pages::layout_faults(&client, ".topbar").await;
    assert!(faults.is_empty(), "{faults:?}");
    screenshot(&client, "21-model-report-en-phone").await;
    client.close().await.ok();
}
