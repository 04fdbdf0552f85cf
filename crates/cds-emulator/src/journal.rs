//! The journal of a state file: every change of the store, appended and synced before the
//! request that made it is answered, so that an acknowledged write survives a crash; replayed
//! over the last snapshot at start, then compacted into a new snapshot.

use crate::store::{Change, Task};
use serde::{Deserialize, Serialize};

/// One change of the store.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum Entry {
    /// A change applied to a partition.
    Apply {
        /// Tenant.
        partition: String,
        /// The change.
        change: Change,
    },
    /// A task started.
    Task {
        /// Task id.
        id: String,
        /// The task.
        task: Task,
    },
    /// A task finished (its changes applied).
    Finish {
        /// Task id.
        id: String,
    },
    /// A task failed.
    Fail {
        /// Task id.
        id: String,
        /// Why.
        reason: String,
    },
    /// Every resource forgotten.
    Reset,
    /// The generators' counters after a request.
    Counters {
        /// Ids generated.
        counter: u64,
        /// Addresses generated.
        addresses: u64,
    },
}
