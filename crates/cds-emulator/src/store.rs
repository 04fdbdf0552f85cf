//! The emulator's resources: records per partition (tenant) and family, asynchronous changes
//! waiting for their task, deterministic ids, and the versioned JSON state file.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

/// The `format` of a state file.
pub const STATE_FORMAT: &str = "cds-emulator-state";
/// The version of the state file format written (and the only one read).
pub const STATE_VERSION: u64 = 1;

/// A change that becomes visible when its task finishes.
#[derive(Debug, Clone)]
pub enum Change {
    /// Add a record.
    Insert(Value),
    /// Remove the records with these ids.
    Remove(Vec<String>),
    /// Set fields of the records with these ids.
    Patch(Vec<String>, Map<String, Value>),
}

/// An asynchronous task started by a stateful operation.
#[derive(Debug, Clone)]
pub struct Task {
    /// Tenant.
    pub partition: String,
    /// `line/family`.
    pub family: String,
    /// Field holding the id in the family's records.
    pub id_field: String,
    /// What happens when it finishes.
    pub change: Change,
    /// When it finishes.
    pub due: Instant,
    /// The resource it concerns (reported by the poller).
    pub resource: String,
    /// Applied already.
    pub done: bool,
}

/// Records of one tenant: `line/family` → records in creation order.
pub type Partition = BTreeMap<String, Vec<Value>>;

/// Every resource of one emulator.
#[derive(Debug)]
pub struct Store {
    /// Tenant → records.
    pub partitions: HashMap<String, Partition>,
    /// Task id → task.
    pub tasks: HashMap<String, Task>,
    /// Seed of the id generator.
    pub seed: u64,
    /// Ids generated so far.
    pub counter: u64,
    /// How long an asynchronous change takes.
    pub latency: Duration,
}

impl Store {
    /// An empty store.
    pub fn new(seed: u64, latency: Duration) -> Store {
        Store {
            partitions: HashMap::new(),
            tasks: HashMap::new(),
            seed,
            counter: 0,
            latency,
        }
    }

    /// Forgets every record and task; ids start again from the seed. The old records are
    /// freed on another thread, so a reset costs the caller next to nothing.
    pub fn reset(&mut self) {
        let old = std::mem::take(&mut self.partitions);
        self.tasks.clear();
        self.counter = 0;
        free_later(old);
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        splitmix64(self.seed ^ self.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// A fresh id: `prefix` + 16 lower-case letters and digits, or UUID-shaped without prefix.
    pub fn new_id(&mut self, prefix: &str) -> String {
        let a = self.next();
        let b = self.next();
        if prefix.is_empty() {
            format!(
                "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xfff,
                b >> 52,
                b & 0xffff_ffff_ffff
            )
        } else {
            const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
            let mut out = String::from(prefix);
            let mut x = (u128::from(a) << 64) | u128::from(b);
            for _ in 0..16 {
                out.push(ALPHABET[(x % 36) as usize] as char);
                x /= 36;
            }
            out
        }
    }

    /// The records of `family` in `partition`.
    pub fn records(&self, partition: &str, family: &str) -> &[Value] {
        self.partitions
            .get(partition)
            .and_then(|p| p.get(family))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The records of `family` in `partition`, for changing.
    pub fn records_mut(&mut self, partition: &str, family: &str) -> &mut Vec<Value> {
        self.partitions
            .entry(partition.to_string())
            .or_default()
            .entry(family.to_string())
            .or_default()
    }

    /// Applies `change` now.
    pub fn apply(&mut self, partition: &str, family: &str, id_field: &str, change: Change) {
        let records = self.records_mut(partition, family);
        match change {
            Change::Insert(v) => records.push(v),
            Change::Remove(ids) => {
                records.retain(|r| !ids.iter().any(|id| id_of(r, id_field) == Some(id)))
            }
            Change::Patch(ids, fields) => {
                for r in records
                    .iter_mut()
                    .filter(|r| ids.iter().any(|id| id_of(r, id_field) == Some(id)))
                {
                    if let Value::Object(map) = r {
                        for (k, v) in &fields {
                            map.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
        }
    }

    /// Applies every task whose time has come.
    pub fn settle(&mut self, now: Instant) {
        let due: Vec<String> = self
            .tasks
            .iter()
            .filter(|(_, t)| !t.done && t.due <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for id in due {
            let Some(task) = self.tasks.get_mut(&id) else {
                continue;
            };
            task.done = true;
            let task = task.clone();
            self.apply(&task.partition, &task.family, &task.id_field, task.change);
        }
    }

    /// Number of records in every partition.
    pub fn len(&self) -> usize {
        self.partitions
            .values()
            .flat_map(|p| p.values())
            .map(Vec::len)
            .sum()
    }

    /// Finishes every running task (a saved state holds no running task).
    pub fn settle_all(&mut self) {
        self.settle(Instant::now() + Duration::from_secs(365 * 24 * 3600));
    }

    /// The state document, borrowed, for serializing (call [`Store::settle_all`] first).
    pub fn document(&self) -> StateRef<'_> {
        StateRef {
            format: STATE_FORMAT,
            version: STATE_VERSION,
            seed: self.seed,
            counter: self.counter,
            partitions: &self.partitions,
        }
    }

    /// The state as a versioned JSON document (running tasks are finished first).
    pub fn export(&mut self) -> Value {
        self.settle_all();
        serde_json::to_value(self.document()).unwrap_or(Value::Null)
    }

    /// Replaces the records (and id counter) by those of a state document.
    pub fn import(&mut self, doc: Value) -> Result<(), String> {
        let text = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
        self.import_bytes(&text)
    }

    /// Replaces the records (and id counter) by those of a state document's JSON text.
    pub fn import_bytes(&mut self, bytes: &[u8]) -> Result<(), String> {
        let doc = parse(bytes)?;
        self.replace(doc);
        Ok(())
    }

    /// Replaces the records (and id counter) by those of a parsed state document.
    pub fn replace(&mut self, doc: StateDoc) {
        let old = std::mem::replace(&mut self.partitions, doc.partitions);
        free_later(old);
        self.tasks.clear();
        self.seed = doc.seed.unwrap_or(self.seed);
        self.counter = doc.counter;
    }
}

/// Parses a state document's JSON text (checking its format and version), without touching
/// any store: callers parse before they lock.
pub fn parse(bytes: &[u8]) -> Result<StateDoc, String> {
    {
        // One pass in the usual case; the header alone is read again only to explain a
        // document that does not parse (another format version may have another shape).
        let check = |format: Option<&str>, version: Option<u64>| {
            if format != Some(STATE_FORMAT) {
                return Err(format!("not a {STATE_FORMAT} document"));
            }
            if version != Some(STATE_VERSION) {
                return Err(format!(
                    "state version {version:?} is not supported (this emulator reads version {STATE_VERSION})"
                ));
            }
            Ok(())
        };
        let doc: StateDoc = match serde_json::from_slice(bytes) {
            Ok(doc) => doc,
            Err(e) => {
                let head: Header = serde_json::from_slice(bytes)
                    .map_err(|_| format!("not a state document: {e}"))?;
                check(head.format.as_deref(), head.version)?;
                return Err(format!("bad state document: {e}"));
            }
        };
        check(doc.format.as_deref(), doc.version)?;
        Ok(doc)
    }
}

/// The versioned state document, borrowed from a store.
#[derive(Debug, Serialize)]
pub struct StateRef<'a> {
    format: &'static str,
    version: u64,
    seed: u64,
    counter: u64,
    partitions: &'a HashMap<String, Partition>,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
}

/// A parsed state document.
#[derive(Debug, Deserialize)]
pub struct StateDoc {
    format: Option<String>,
    version: Option<u64>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    counter: u64,
    #[serde(default)]
    partitions: HashMap<String, Partition>,
}

/// Frees many records on another thread (freeing 10,000 JSON records takes tens of ms).
fn free_later(old: HashMap<String, Partition>) {
    if old.is_empty() {
        return;
    }
    // Without a thread to spare, `spawn` fails and the records are freed here instead.
    let _ = std::thread::Builder::new()
        .name("cds-emulator-free".into())
        .spawn(move || drop(old));
}

/// The id of a record (text, or a number's text compared as such).
pub fn id_of<'a>(record: &'a Value, field: &str) -> Option<&'a str> {
    record.get(field).and_then(Value::as_str)
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Writes `doc` to `path` atomically: a temporary file in the same folder, flushed and synced,
/// then renamed over `path`.
pub fn write_atomically<T: Serialize>(path: &Path, doc: &T) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let file = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        serde_json::to_writer(&mut w, doc)?;
        w.flush()?;
        w.get_ref().sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_deterministic_and_distinct() {
        let mut a = Store::new(7, Duration::ZERO);
        let mut b = Store::new(7, Duration::ZERO);
        let ids: Vec<String> = (0..100).map(|_| a.new_id("ins-")).collect();
        let again: Vec<String> = (0..100).map(|_| b.new_id("ins-")).collect();
        assert_eq!(ids, again);
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 100);
        assert!(ids[0].starts_with("ins-") && ids[0].len() == 20);
        let uuid = Store::new(8, Duration::ZERO).new_id("");
        assert_eq!(uuid.len(), 36);
        assert_ne!(uuid, Store::new(9, Duration::ZERO).new_id(""));
    }

    #[test]
    fn export_import_round_trip_and_version_check() {
        let mut s = Store::new(1, Duration::from_secs(60));
        s.records_mut("", "ccs/instance")
            .push(json!({"InstanceId": "a"}));
        s.tasks.insert(
            "t".into(),
            Task {
                partition: "".into(),
                family: "ccs/instance".into(),
                id_field: "InstanceId".into(),
                change: Change::Insert(json!({"InstanceId": "b"})),
                due: Instant::now() + Duration::from_secs(60),
                resource: "b".into(),
                done: false,
            },
        );
        let doc = s.export();
        let mut t = Store::new(2, Duration::ZERO);
        t.import(doc.clone()).unwrap();
        assert_eq!(t.records("", "ccs/instance").len(), 2);
        let mut bad = doc;
        bad["version"] = json!(99);
        assert!(t.import(bad).unwrap_err().contains("99"));
    }
}
