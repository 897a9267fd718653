//! The optional webhook: a signed POST when a comment enters the queue held or as spam,
//! so a newsroom's chat or ticket system can call a moderator. Delivery runs in the
//! background and never delays a submission; a failed delivery is retried with
//! exponential backoff (1 s, 2 s, 4 s … at most 5 minutes apart) up to `max_attempts`.
//! Pending deliveries live in memory: a restart drops them (the queue itself is durable).
//!
//! Signature: `X-Raqib-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::sync::{Semaphore, mpsc};

use crate::secrets::keys::hex;

/// `[webhook]` in the config.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookConfig {
    /// Where to POST; unset: no webhook.
    pub url: Option<String>,
    /// Key of the signature (required with `url`).
    #[serde(skip_serializing)]
    pub secret: Option<String>,
    /// Deliveries tried per event before giving up (default 8).
    pub max_attempts: Option<u32>,
}

/// What is sent.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Event {
    /// `comment.queued`.
    pub event: String,
    pub id: i64,
    pub article: String,
    pub class: crate::domain::Class,
    pub status: crate::domain::Status,
    pub score: f64,
    pub created_at: String,
}

/// A running webhook.
pub struct Webhook {
    queue: mpsc::Sender<Event>,
}

/// Events waiting to be sent at most; more are dropped (with a warning).
const BACKLOG: usize = 1_000;

impl Webhook {
    /// Starts the delivery task when a URL is configured and a runtime is running.
    pub fn start(config: &WebhookConfig) -> Option<Webhook> {
        let url = config.url.clone().filter(|u| !u.is_empty())?;
        let secret = config.secret.clone().unwrap_or_default();
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .ok()?;
        let (queue, inbox) = mpsc::channel(BACKLOG);
        let attempts = config.max_attempts.unwrap_or(8).max(1);
        runtime.spawn(deliver_all(inbox, client, url, secret, attempts));
        Some(Webhook { queue })
    }

    /// Queues an event without waiting.
    pub fn notify(&self, event: Event) {
        if self.queue.try_send(event).is_err() {
            tracing::warn!("webhook backlog full: an event was dropped");
        }
    }
}

async fn deliver_all(
    mut inbox: mpsc::Receiver<Event>,
    client: reqwest::Client,
    url: String,
    secret: String,
    attempts: u32,
) {
    // A few deliveries in flight, so one slow endpoint call does not hold up the rest.
    let slots = Arc::new(Semaphore::new(8));
    while let Some(event) = inbox.recv().await {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let (client, url, secret) = (client.clone(), url.clone(), secret.clone());
        tokio::spawn(async move {
            deliver(&client, &url, &secret, &event, attempts).await;
            drop(slot);
        });
    }
}

async fn deliver(client: &reqwest::Client, url: &str, secret: &str, event: &Event, attempts: u32) {
    let Ok(body) = serde_json::to_string(event) else {
        return;
    };
    for attempt in 0..attempts {
        let timestamp = chrono::Utc::now().timestamp();
        let sent = client
            .post(url)
            .header("content-type", "application/json")
            .header("x-raqib-signature", signature(secret, timestamp, &body))
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => return,
            Ok(response) => tracing::warn!(
                status = response.status().as_u16(),
                attempt,
                "webhook refused"
            ),
            Err(err) => tracing::warn!(error = %err, attempt, "webhook unreachable"),
        }
        let delay = Duration::from_secs(1u64 << attempt.min(8)).min(Duration::from_secs(300));
        tokio::time::sleep(delay).await;
    }
    tracing::error!(id = event.id, "webhook gave up after {attempts} attempts");
}

/// `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("t={timestamp},v1={}", hex(&mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn signatures_cover_the_timestamp_and_the_body() {
        let a = super::signature("s3cret", 100, "{}");
        assert!(a.starts_with("t=100,v1="));
        assert_ne!(a, super::signature("s3cret", 101, "{}"));
        assert_ne!(a, super::signature("s3cret", 100, "{ }"));
        assert_ne!(a, super::signature("other", 100, "{}"));
    }
}
