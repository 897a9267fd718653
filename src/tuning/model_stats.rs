//! How the learned models' holds were decided, per filter version: for each version in
//! force during the window and each model (abuse, spam), the comments the model fired on
//! and what moderators made of them. A comment belongs to the version that was the newest
//! when it came (replicas switch within a second of a new version).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::Status;
use crate::store::filters::{FilterVersion, ReplayComment};

/// One model under one filter version.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ModelStats {
    pub version: i64,
    /// `abuse` or `spam`.
    pub model: String,
    /// Comments it fired on.
    pub fired: u64,
    /// Of those, decided by a person: approved, rejected, spam.
    pub approved: u64,
    pub rejected: u64,
    pub spam: u64,
    /// Not decided yet.
    pub pending: u64,
}

#[derive(Deserialize)]
struct StoredHit {
    rule: String,
}

/// The model figures of `comments` under `versions` (any order); newest version first.
pub fn collect(comments: &[ReplayComment], versions: &[FilterVersion]) -> Vec<ModelStats> {
    let mut starts: Vec<(i64, i64)> = versions.iter().map(|v| (v.created_at, v.version)).collect();
    starts.sort_unstable();
    let version_at = |at: i64| {
        let i = starts.partition_point(|&(created, _)| created <= at);
        (i > 0).then(|| starts[i - 1].1)
    };
    let mut out: BTreeMap<(i64, String), ModelStats> = BTreeMap::new();
    for c in comments {
        let Ok(hits) = serde_json::from_str::<Vec<StoredHit>>(&c.hits) else {
            continue;
        };
        let Some(version) = version_at(c.created_at) else {
            continue;
        };
        let mut models: Vec<&str> = hits
            .iter()
            .filter_map(|h| h.rule.strip_prefix("model:"))
            .collect();
        models.sort_unstable();
        models.dedup();
        for model in models {
            let stats = out
                .entry((version, model.to_string()))
                .or_insert_with(|| ModelStats {
                    version,
                    model: model.to_string(),
                    ..Default::default()
                });
            stats.fired += 1;
            match (c.decided, c.status) {
                (true, Status::Approved) => stats.approved += 1,
                (true, Status::Rejected) => stats.rejected += 1,
                (true, Status::Spam) => stats.spam += 1,
                (_, Status::Pending) => stats.pending += 1,
                _ => {}
            }
        }
    }
    let mut list: Vec<ModelStats> = out.into_values().collect();
    list.sort_by(|a, b| b.version.cmp(&a.version).then(a.model.cmp(&b.model)));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Class;

    fn version(version: i64, created_at: i64) -> FilterVersion {
        FilterVersion {
            version,
            created_at,
            created_by: "adel".into(),
            summary: String::new(),
            opened: 0,
            closed: 0,
        }
    }

    fn comment(id: i64, at: i64, rule: &str, status: Status, decided: bool) -> ReplayComment {
        ReplayComment {
            id,
            article: "a".into(),
            name: String::new(),
            email: String::new(),
            body: String::new(),
            status,
            class: Class::Hold,
            decided,
            hits: format!(r#"[{{"rule":"{rule}"}},{{"rule":"{rule}"}}]"#),
            created_at: at,
        }
    }

    #[test]
    fn each_models_holds_are_counted_under_the_version_then_in_force() {
        let versions = [version(1, 0), version(2, 100)];
        let comments = [
            comment(1, 50, "model:abuse", Status::Approved, true),
            comment(2, 150, "model:abuse", Status::Rejected, true),
            comment(3, 160, "model:abuse", Status::Pending, false),
            comment(4, 170, "model:spam", Status::Spam, true),
            comment(5, 180, "list:ar/insult:x", Status::Rejected, true),
        ];
        let stats = collect(&comments, &versions);
        assert_eq!(stats.len(), 3, "{stats:?}");
        assert_eq!((stats[0].version, stats[0].model.as_str()), (2, "abuse"));
        assert_eq!(
            (stats[0].fired, stats[0].rejected, stats[0].pending),
            (2, 1, 1)
        );
        assert_eq!(
            (stats[1].version, stats[1].model.as_str(), stats[1].spam),
            (2, "spam", 1)
        );
        assert_eq!(
            (stats[2].version, stats[2].fired, stats[2].approved),
            (1, 1, 1)
        );
    }
}
