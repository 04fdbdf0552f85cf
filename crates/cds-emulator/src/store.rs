//! The emulator's resources: records per partition (tenant) and family, indexed by id and by
//! the fields other families link through; asynchronous changes waiting for their task;
//! deterministic ids, addresses and MACs; the versioned JSON state document.

use crate::model::{self, pointer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

/// The `format` of a state file.
pub const STATE_FORMAT: &str = "cds-emulator-state";
/// The version of the state file format written (and the only one read).
pub const STATE_VERSION: u64 = 1;

/// A change of the records.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// Add records to a family.
    Insert {
        /// `line/family`.
        family: String,
        /// The records.
        records: Vec<Value>,
    },
    /// Remove records (and the records of the families embedded in them that link to them).
    Remove {
        /// `line/family`.
        family: String,
        /// Ids.
        ids: Vec<String>,
        /// Child families: (`line/family`, link field).
        cascade: Vec<(String, String)>,
    },
    /// Set fields (pointers) of records, each record its own values.
    Patch {
        /// `line/family`.
        family: String,
        /// Id → (pointer → value).
        fields: Vec<(String, Vec<(String, Value)>)>,
    },
}

/// An asynchronous task started by a stateful operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    /// Tenant.
    pub partition: String,
    /// The line whose operation started it.
    pub line: String,
    /// What happens when it finishes.
    pub changes: Vec<Change>,
    /// The resources it concerns (reported by the poller).
    pub resources: Vec<String>,
    /// Its documented type.
    pub kind: Option<String>,
    /// Finished (its changes applied).
    pub done: bool,
    /// Failed, with the reason (its changes never applied).
    pub failed: Option<String>,
    /// When it finishes.
    #[serde(skip, default = "Instant::now")]
    pub due: Instant,
    /// Its place among the tasks started (tasks due together finish in the order started).
    #[serde(default)]
    pub seq: u64,
}

/// The records of one family in one partition, in creation order.
#[derive(Debug, Default)]
pub struct Records {
    id_field: String,
    next: u64,
    order: BTreeMap<u64, Value>,
    by_id: HashMap<String, u64>,
    /// Field → value → records, for the fields other families link through.
    indexes: HashMap<String, HashMap<String, BTreeSet<u64>>>,
}

fn key_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Records {
    fn new(id_field: &str) -> Records {
        Records {
            id_field: id_field.to_string(),
            ..Records::default()
        }
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// The records, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.order.values()
    }

    /// The record with id `id`.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.by_id.get(id).and_then(|n| self.order.get(n))
    }

    /// The records whose `field` is `value` (the field is indexed from now on).
    pub fn linked(&mut self, field: &str, value: &str) -> Vec<&Value> {
        self.ensure_index(field);
        let order = &self.order;
        self.indexes
            .get(field)
            .and_then(|i| i.get(value))
            .map(|set| set.iter().filter_map(|n| order.get(n)).collect())
            .unwrap_or_default()
    }

    /// The records whose `field` is `value`, without building an index.
    pub fn scan(&self, field: &str, value: &str) -> Vec<&Value> {
        if let Some(index) = self.indexes.get(field) {
            return index
                .get(value)
                .map(|set| set.iter().filter_map(|n| self.order.get(n)).collect())
                .unwrap_or_default();
        }
        let p = pointer(field);
        self.order
            .values()
            .filter(|r| r.pointer(&p).and_then(key_text).as_deref() == Some(value))
            .collect()
    }

    fn ensure_index(&mut self, field: &str) {
        if self.indexes.contains_key(field) {
            return;
        }
        let mut index: HashMap<String, BTreeSet<u64>> = HashMap::new();
        let p = pointer(field);
        for (n, r) in &self.order {
            if let Some(k) = r.pointer(&p).and_then(key_text) {
                index.entry(k).or_default().insert(*n);
            }
        }
        self.indexes.insert(field.to_string(), index);
    }

    fn index_add(&mut self, n: u64) {
        let Some(r) = self.order.get(&n) else { return };
        for (field, index) in self.indexes.iter_mut() {
            if let Some(k) = r.pointer(&pointer(field)).and_then(key_text) {
                index.entry(k).or_default().insert(n);
            }
        }
    }

    fn index_remove(&mut self, n: u64) {
        let Some(r) = self.order.get(&n) else { return };
        for (field, index) in self.indexes.iter_mut() {
            if let Some(k) = r.pointer(&pointer(field)).and_then(key_text) {
                if let Some(set) = index.get_mut(&k) {
                    set.remove(&n);
                    if set.is_empty() {
                        index.remove(&k);
                    }
                }
            }
        }
    }

    /// Adds a record (replacing one with the same id).
    pub fn insert(&mut self, record: Value) {
        let id = record.get(&self.id_field).and_then(key_text);
        if let Some(old) = id.as_ref().and_then(|i| self.by_id.get(i).copied()) {
            self.index_remove(old);
            self.order.insert(old, record);
            self.index_add(old);
            return;
        }
        self.next += 1;
        let n = self.next;
        self.order.insert(n, record);
        if let Some(id) = id {
            self.by_id.insert(id, n);
        }
        self.index_add(n);
    }

    /// Removes the record with id `id`.
    pub fn remove(&mut self, id: &str) -> Option<Value> {
        let n = self.by_id.remove(id)?;
        self.index_remove(n);
        self.order.remove(&n)
    }

    /// Sets fields of the record with id `id`.
    pub fn patch(&mut self, id: &str, fields: &[(String, Value)]) {
        let Some(n) = self.by_id.get(id).copied() else {
            return;
        };
        self.index_remove(n);
        if let Some(r) = self.order.get_mut(&n) {
            for (p, v) in fields {
                crate::respond::set_pointer(r, &pointer(p), v.clone());
            }
        }
        self.index_add(n);
    }

    fn to_vec(&self) -> Vec<Value> {
        self.order.values().cloned().collect()
    }
}

/// Records of one tenant: `line/family` → records.
pub type Partition = BTreeMap<String, Records>;

/// Every resource of one emulator.
#[derive(Debug)]
pub struct Store {
    /// Tenant → records.
    pub partitions: HashMap<String, Partition>,
    /// Task id → task.
    pub tasks: HashMap<String, Task>,
    /// Seed of the generators.
    pub seed: u64,
    /// Ids generated so far.
    pub counter: u64,
    /// Addresses and MACs generated so far.
    pub addresses: u64,
    /// How long an asynchronous change takes.
    pub latency: Duration,
    /// Changes made since the journal last took them.
    pub(crate) journal: Vec<crate::journal::Entry>,
    /// Whether changes are kept for a journal.
    pub(crate) journaling: bool,
    /// Tasks started so far (orders tasks due together).
    task_seq: u64,
    /// The tasks still running, by their place (what [`Store::settle`] looks at: finished
    /// tasks stay for the poller but cost a request nothing).
    running: BTreeMap<u64, String>,
    /// The counters the journal last recorded.
    pub(crate) journaled_counters: (u64, u64),
}

impl Store {
    /// An empty store.
    pub fn new(seed: u64, latency: Duration) -> Store {
        Store {
            partitions: HashMap::new(),
            tasks: HashMap::new(),
            seed,
            counter: 0,
            addresses: 0,
            latency,
            journal: Vec::new(),
            journaling: false,
            task_seq: 0,
            running: BTreeMap::new(),
            journaled_counters: (0, 0),
        }
    }

    /// Forgets every record and task; ids start again from the seed. The old records are
    /// freed on another thread, so a reset costs the caller next to nothing.
    pub fn reset(&mut self) {
        let old = std::mem::take(&mut self.partitions);
        self.tasks.clear();
        self.running.clear();
        self.counter = 0;
        self.addresses = 0;
        self.log(crate::journal::Entry::Reset);
        free_later(old);
    }

    fn log(&mut self, e: crate::journal::Entry) {
        if self.journaling {
            self.journal.push(e);
        }
    }

    /// The changes made since the last call, for the journal (the generators' counters last,
    /// when they moved).
    pub(crate) fn take_journal(&mut self) -> Vec<crate::journal::Entry> {
        if !self.journaling {
            return Vec::new();
        }
        let counters = (self.counter, self.addresses);
        if counters != self.journaled_counters {
            self.journaled_counters = counters;
            self.journal.push(crate::journal::Entry::Counters {
                counter: counters.0,
                addresses: counters.1,
            });
        }
        std::mem::take(&mut self.journal)
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

    /// A fresh numeric id (for operations that answer task ids as numbers).
    pub fn new_number(&mut self) -> u64 {
        1_000_000 + (self.next() % 9_000_000_000)
    }

    /// The next address number: distinct for 2^22 addresses, starting at a point the seed
    /// chooses.
    fn next_address(&mut self) -> u64 {
        self.addresses += 1;
        (splitmix64(self.seed) >> 40).wrapping_add(self.addresses) & 0x3f_ffff
    }

    /// A fresh private address in 10.0.0.0/8 (never .0 or .255).
    pub fn new_ip(&mut self) -> String {
        let n = self.next_address();
        let host = 1 + (n % 254);
        let net = n / 254;
        format!("10.{}.{}.{}", (net >> 8) & 0xff, net & 0xff, host)
    }

    /// A fresh public-looking address in 100.64.0.0/10 (shared address space: never a real
    /// host on the internet).
    pub fn new_public_ip(&mut self) -> String {
        let n = self.next_address();
        let host = 1 + (n % 254);
        let net = n / 254;
        format!("100.{}.{}.{}", 64 + ((net >> 8) & 0x3f), net & 0xff, host)
    }

    /// A fresh MAC address (the example's 00:50:56 prefix).
    pub fn new_mac(&mut self) -> String {
        let n = self.next_address();
        format!(
            "00:50:56:{:02x}:{:02x}:{:02x}",
            (n >> 16) & 0xff,
            (n >> 8) & 0xff,
            n & 0xff
        )
    }

    /// The records of `family` in `partition`.
    pub fn records(&self, partition: &str, family: &str) -> Option<&Records> {
        self.partitions.get(partition).and_then(|p| p.get(family))
    }

    /// The records of `family` in `partition`, for changing or indexing.
    pub fn records_mut(&mut self, partition: &str, family: &str) -> &mut Records {
        let id_field = model::id_field(family).unwrap_or("");
        self.partitions
            .entry(partition.to_string())
            .or_default()
            .entry(family.to_string())
            .or_insert_with(|| Records::new(id_field))
    }

    /// The record `id` of `family` in `partition`.
    pub fn get(&self, partition: &str, family: &str, id: &str) -> Option<&Value> {
        self.records(partition, family).and_then(|r| r.get(id))
    }

    /// Applies `change` in `partition` now.
    pub fn apply(&mut self, partition: &str, change: Change) {
        self.log(crate::journal::Entry::Apply {
            partition: partition.to_string(),
            change: change.clone(),
        });
        self.apply_quietly(partition, change);
    }

    fn apply_quietly(&mut self, partition: &str, change: Change) {
        match change {
            Change::Insert { family, records } => {
                let r = self.records_mut(partition, &family);
                for v in records {
                    r.insert(v);
                }
            }
            Change::Remove {
                family,
                ids,
                cascade,
            } => {
                for id in &ids {
                    for (child, link) in &cascade {
                        let linked: Vec<String> = {
                            let c = self.records_mut(partition, child);
                            let id_field = c.id_field.clone();
                            c.linked(link, id)
                                .into_iter()
                                .filter_map(|r| r.get(&id_field).and_then(key_text))
                                .collect()
                        };
                        let c = self.records_mut(partition, child);
                        for l in linked {
                            c.remove(&l);
                        }
                    }
                    self.records_mut(partition, &family).remove(id);
                }
            }
            Change::Patch { family, fields } => {
                let r = self.records_mut(partition, &family);
                for (id, f) in &fields {
                    r.patch(id, f);
                }
            }
        }
    }

    /// Registers a task.
    pub fn add_task(&mut self, id: String, mut task: Task) {
        self.task_seq = self.task_seq.max(self.tasks.len() as u64) + 1;
        task.seq = self.task_seq;
        if !task.done && task.failed.is_none() {
            self.running.insert(task.seq, id.clone());
        }
        self.log(crate::journal::Entry::Task {
            id: id.clone(),
            task: task.clone(),
        });
        self.tasks.insert(id, task);
    }

    /// Puts back a task read from a journal (due now, its place kept).
    pub(crate) fn restore_task(&mut self, id: String, mut task: Task) {
        task.due = Instant::now();
        self.task_seq = self.task_seq.max(task.seq);
        self.log(crate::journal::Entry::Task {
            id: id.clone(),
            task: task.clone(),
        });
        if !task.done && task.failed.is_none() {
            self.running.insert(task.seq, id.clone());
        }
        self.tasks.insert(id, task);
    }

    /// Applies every task whose time has come.
    pub fn settle(&mut self, now: Instant) {
        let due: Vec<String> = self
            .running
            .values()
            .filter(|id| self.tasks.get(*id).is_some_and(|t| t.due <= now))
            .cloned()
            .collect();
        for id in due {
            self.finish_task(&id);
        }
    }

    /// Finishes task `id`: its changes become visible.
    pub fn finish_task(&mut self, id: &str) {
        let Some(task) = self.tasks.get_mut(id) else {
            return;
        };
        if task.done || task.failed.is_some() {
            return;
        }
        task.done = true;
        let seq = task.seq;
        let partition = task.partition.clone();
        let changes = std::mem::take(&mut task.changes);
        self.running.remove(&seq);
        self.log(crate::journal::Entry::Finish { id: id.to_string() });
        for c in changes {
            self.apply_quietly(&partition, c);
        }
    }

    /// Marks task `id` failed: its changes are never applied.
    pub fn fail_task(&mut self, id: &str, reason: &str) {
        if let Some(t) = self.tasks.get_mut(id) {
            if !t.done {
                let seq = t.seq;
                t.failed = Some(reason.to_string());
                t.changes.clear();
                self.running.remove(&seq);
                self.log(crate::journal::Entry::Fail {
                    id: id.to_string(),
                    reason: reason.to_string(),
                });
            }
        }
    }

    /// Number of records in every partition.
    pub fn len(&self) -> usize {
        self.partitions
            .values()
            .flat_map(|p| p.values())
            .map(Records::len)
            .sum()
    }

    /// Finishes every running task (a saved state holds no running task).
    pub fn settle_all(&mut self) {
        self.settle(Instant::now() + Duration::from_secs(365 * 24 * 3600));
    }

    /// The state document without copying the records, for writing (`journal_seq`: the last
    /// journal line it holds).
    pub fn document_ref(&self, journal_seq: u64) -> StateRef<'_> {
        StateRef {
            format: STATE_FORMAT,
            version: STATE_VERSION,
            seed: self.seed,
            counter: self.counter,
            addresses: self.addresses,
            partitions: self
                .partitions
                .iter()
                .map(|(t, p)| {
                    (
                        t.as_str(),
                        p.iter()
                            .filter(|(_, r)| r.len() > 0)
                            .map(|(k, r)| (k.as_str(), RecordsRef(r)))
                            .collect(),
                    )
                })
                .collect(),
            tasks: self.tasks.iter().map(|(id, t)| (id.as_str(), t)).collect(),
            journal_seq,
        }
    }

    /// The state document (call [`Store::settle_all`] first).
    pub fn document(&self) -> StateDoc {
        StateDoc {
            format: Some(STATE_FORMAT.into()),
            version: Some(STATE_VERSION),
            seed: Some(self.seed),
            counter: self.counter,
            addresses: self.addresses,
            partitions: self
                .partitions
                .iter()
                .map(|(t, p)| {
                    (
                        t.clone(),
                        p.iter()
                            .filter(|(_, r)| r.len() > 0)
                            .map(|(k, r)| (k.clone(), r.to_vec()))
                            .collect(),
                    )
                })
                .collect(),
            tasks: self
                .tasks
                .iter()
                .map(|(id, t)| (id.clone(), t.clone()))
                .collect(),
            journal_seq: 0,
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
        let doc = parse(&text)?;
        self.replace(doc);
        Ok(())
    }

    /// Replaces the records, tasks and counters by those of a parsed state document.
    pub fn replace(&mut self, doc: StateDoc) {
        let mut partitions: HashMap<String, Partition> = HashMap::new();
        for (tenant, families) in doc.partitions {
            let p = partitions.entry(tenant).or_default();
            for (key, records) in families {
                let mut r = Records::new(model::id_field(&key).unwrap_or(""));
                for v in records {
                    r.insert(v);
                }
                p.insert(key, r);
            }
        }
        let old = std::mem::replace(&mut self.partitions, partitions);
        free_later(old);
        self.tasks = doc.tasks.into_iter().collect();
        self.task_seq = self.tasks.values().map(|t| t.seq).max().unwrap_or(0);
        // Documents written before tasks were numbered: number them now.
        for t in self.tasks.values_mut().filter(|t| t.seq == 0) {
            self.task_seq += 1;
            t.seq = self.task_seq;
        }
        self.running = self
            .tasks
            .iter()
            .filter(|(_, t)| !t.done && t.failed.is_none())
            .map(|(id, t)| (t.seq, id.clone()))
            .collect();
        let now = Instant::now();
        for t in self.tasks.values_mut() {
            t.due = now;
        }
        self.seed = doc.seed.unwrap_or(self.seed);
        self.counter = doc.counter;
        self.addresses = doc.addresses;
        if self.journaling {
            self.journal.clear();
        }
    }
}

/// Parses a state document's JSON text (checking its format and version), without touching
/// any store: callers parse before they lock.
pub fn parse(bytes: &[u8]) -> Result<StateDoc, String> {
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
    // One pass in the usual case; the header alone is read again only to explain a document
    // that does not parse (another format version may have another shape).
    let doc: StateDoc = match serde_json::from_slice(bytes) {
        Ok(doc) => doc,
        Err(e) => {
            let head: Header =
                serde_json::from_slice(bytes).map_err(|_| format!("not a state document: {e}"))?;
            check(head.format.as_deref(), head.version)?;
            return Err(format!("bad state document: {e}"));
        }
    };
    check(doc.format.as_deref(), doc.version)?;
    Ok(doc)
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
}

/// A state document.
#[derive(Debug, Serialize, Deserialize)]
pub struct StateDoc {
    format: Option<String>,
    version: Option<u64>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    counter: u64,
    #[serde(default)]
    addresses: u64,
    #[serde(default)]
    partitions: HashMap<String, BTreeMap<String, Vec<Value>>>,
    #[serde(default)]
    tasks: BTreeMap<String, Task>,
    /// The number of the last journal line this snapshot holds (state files only).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) journal_seq: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A state document borrowing the store's records (what is written; read as [`StateDoc`]).
#[derive(Serialize)]
pub struct StateRef<'a> {
    format: &'static str,
    version: u64,
    seed: u64,
    counter: u64,
    addresses: u64,
    partitions: BTreeMap<&'a str, BTreeMap<&'a str, RecordsRef<'a>>>,
    tasks: BTreeMap<&'a str, &'a Task>,
    #[serde(skip_serializing_if = "is_zero")]
    journal_seq: u64,
}

/// A family's records, written as a list.
pub struct RecordsRef<'a>(&'a Records);

impl Serialize for RecordsRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
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

/// The id of a record (text, or a number's text).
pub fn id_of(record: &Value, field: &str) -> Option<String> {
    record.get(field).and_then(key_text)
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Writes `doc` to `path` atomically: a temporary file in the same folder (`.<name>.tmp`),
/// flushed and synced, renamed over `path`, and the folder synced.
pub fn write_atomically<T: Serialize>(path: &Path, doc: &T) -> std::io::Result<()> {
    use std::io::Write as _;
    let tmp = temporary(path);
    {
        let file = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        serde_json::to_writer(&mut w, doc)?;
        w.flush()?;
        w.get_ref().sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    sync_dir(path);
    Ok(())
}

/// The temporary file [`write_atomically`] writes beside `path`.
pub fn temporary(path: &Path) -> std::path::PathBuf {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    dir.join(format!(".{name}.tmp"))
}

/// Syncs the folder holding `path` (so a rename in it survives a crash), where the platform
/// allows opening a folder.
pub fn sync_dir(path: &Path) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
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
        assert_eq!(model::shape(&uuid), Some(model::Fresh::Uuid));
        assert_ne!(uuid, Store::new(9, Duration::ZERO).new_id(""));
    }

    #[test]
    fn addresses_are_distinct_and_well_formed() {
        let mut s = Store::new(3, Duration::ZERO);
        let ips: BTreeSet<String> = (0..10_000).map(|_| s.new_ip()).collect();
        assert_eq!(ips.len(), 10_000);
        assert!(ips
            .iter()
            .all(|ip| model::shape(ip) == Some(model::Fresh::Ip)));
        let public = s.new_public_ip();
        assert_eq!(
            model::shape(&public),
            Some(model::Fresh::PublicIp),
            "{public}"
        );
        assert_eq!(model::shape(&s.new_mac()), Some(model::Fresh::Mac));
    }

    #[test]
    fn records_keep_order_and_indexes() {
        let mut r = Records::new("Id");
        for i in 0..5 {
            r.insert(json!({"Id": format!("r{i}"), "Parent": if i % 2 == 0 {"a"} else {"b"}}));
        }
        assert_eq!(r.linked("Parent", "a").len(), 3);
        r.patch("r0", &[("Parent".into(), json!("b"))]);
        assert_eq!(r.linked("Parent", "a").len(), 2);
        assert_eq!(r.scan("Parent", "b").len(), 3);
        r.remove("r1");
        assert_eq!(r.linked("Parent", "b").len(), 2);
        let ids: Vec<&str> = r.iter().filter_map(|v| v["Id"].as_str()).collect();
        assert_eq!(ids, ["r0", "r2", "r3", "r4"]);
    }

    #[test]
    fn export_import_round_trip_and_version_check() {
        let mut s = Store::new(1, Duration::from_secs(60));
        s.apply(
            "",
            Change::Insert {
                family: "x/instance".into(),
                records: vec![json!({"InstanceId": "a"})],
            },
        );
        s.add_task(
            "t".into(),
            Task {
                partition: "".into(),
                line: "x".into(),
                changes: vec![Change::Insert {
                    family: "x/instance".into(),
                    records: vec![json!({"InstanceId": "b"})],
                }],
                resources: vec!["b".into()],
                kind: None,
                done: false,
                failed: None,
                due: Instant::now() + Duration::from_secs(60),
                seq: 0,
            },
        );
        let doc = s.export();
        let mut t = Store::new(2, Duration::ZERO);
        t.import(doc.clone()).unwrap();
        assert_eq!(t.records("", "x/instance").map(Records::len), Some(2));
        assert!(t.tasks["t"].done);
        let mut bad = doc;
        bad["version"] = json!(99);
        assert!(t.import(bad).unwrap_err().contains("99"));
    }
}
