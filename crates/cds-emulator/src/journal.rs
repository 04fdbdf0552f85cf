//! The journal of a state file: every change of the store, appended and synced before the
//! request that made it is answered, so that an acknowledged write survives a crash; replayed
//! over the last snapshot at start, then compacted into a new snapshot.
//!
//! Files, for a state file `state.json`: the snapshot `state.json` (written atomically through
//! `.state.json.tmp`), and the journal `state.json.journal` (one JSON line per change, each
//! numbered). A snapshot says the number of the last change it holds; replay skips the lines
//! it already holds, so a crash between writing a snapshot and emptying the journal loses and
//! repeats nothing. A last line cut short by a crash was never acknowledged and is ignored.
//!
//! One thread writes: changes are queued in the order the store made them (under the store's
//! lock), written in batches and synced once per batch (group commit); each request waits for
//! the sync of its batch before it is answered.

use crate::store::{self, Change, Store, Task};
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Mutex};

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

/// A numbered line of the journal.
#[derive(Serialize, Deserialize)]
struct Line {
    seq: u64,
    #[serde(flatten)]
    entry: Entry,
}

/// The journal grows to this many bytes before it is compacted into a new snapshot.
pub const COMPACT_BYTES: u64 = 16 << 20;

/// Waits for a batch to be on disk.
pub(crate) type Durable = tokio::sync::oneshot::Receiver<Result<(), String>>;

enum Msg {
    /// Lines to append; the sender learns when they are synced.
    Write(
        Vec<u8>,
        Option<tokio::sync::oneshot::Sender<Result<(), String>>>,
    ),
    /// A snapshot holding every change up to `seq`: written atomically, then the journal
    /// emptied.
    Compact(Vec<u8>, Option<mpsc::Sender<Result<(), String>>>),
}

/// The journal of a running emulator.
pub(crate) struct Journal {
    path: PathBuf,
    /// Queue to the writer thread, and the number of the last change queued.
    queue: Mutex<(Option<mpsc::Sender<Msg>>, u64)>,
    writer: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// Bytes in the journal file (the writer's count).
    bytes: std::sync::Arc<AtomicU64>,
    compacting: AtomicBool,
}

/// The journal file of state file `path`.
pub fn journal_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

fn named(path: &Path, e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("state file {}: {e}", path.display()))
}

/// Loads the state of `path` (its snapshot, then its journal) into `store`, writes it back as
/// one snapshot, and starts journaling every change of `store` to it. Fails, naming the path,
/// when the state cannot be read or written.
pub(crate) fn open(path: &Path, store: &mut Store) -> std::io::Result<Journal> {
    store.journaling = false;
    let tmp = store::temporary(path);
    // A temporary file left by a save that was killed holds nothing the snapshot lacks.
    if tmp.exists() {
        std::fs::remove_file(&tmp).map_err(|e| named(&tmp, e))?;
    }
    let mut seq = 0;
    match std::fs::read(path) {
        Ok(bytes) => {
            let doc = store::parse(&bytes).map_err(|e| named(path, e))?;
            seq = doc.journal_seq;
            store.replace(doc);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(named(path, e)),
    }
    let jpath = journal_path(path);
    match std::fs::File::open(&jpath) {
        Ok(f) => seq = replay(std::io::BufReader::new(f), seq, store),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(named(&jpath, e)),
    }
    // Everything known goes into one snapshot now: this also proves the folder writable.
    store::write_atomically(path, &store.document_ref(seq)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        named(path, e)
    })?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(&jpath)
        .map_err(|e| named(&jpath, e))?;
    file.sync_all().map_err(|e| named(&jpath, e))?;
    store::sync_dir(&jpath);
    store.journal.clear();
    store.journaling = true;
    store.journaled_counters = (store.counter, store.addresses);
    let (tx, rx) = mpsc::channel();
    let bytes = std::sync::Arc::new(AtomicU64::new(0));
    let writer = {
        let path = path.to_path_buf();
        let bytes = bytes.clone();
        std::thread::Builder::new()
            .name("cds-emulator-journal".into())
            .spawn(move || write_loop(&path, file, rx, &bytes))?
    };
    Ok(Journal {
        path: path.to_path_buf(),
        queue: Mutex::new((Some(tx), seq)),
        writer: Mutex::new(Some(writer)),
        bytes,
        compacting: AtomicBool::new(false),
    })
}

/// Applies the journal's lines after `seq` to `store`; returns the number of the last one.
fn replay(reader: impl std::io::BufRead, mut seq: u64, store: &mut Store) -> u64 {
    for line in reader.split(b'\n') {
        let Ok(line) = line else { break };
        if line.is_empty() {
            continue;
        }
        // A line cut short by a crash ends the journal (it was never acknowledged).
        let Ok(Line { seq: n, entry }) = serde_json::from_slice::<Line>(&line) else {
            break;
        };
        if n <= seq {
            continue;
        }
        seq = n;
        match entry {
            Entry::Apply { partition, change } => store.apply(&partition, change),
            Entry::Task { id, task } => store.restore_task(id, task),
            Entry::Finish { id } => store.finish_task(&id),
            Entry::Fail { id, reason } => store.fail_task(&id, &reason),
            Entry::Reset => store.reset(),
            Entry::Counters { counter, addresses } => {
                store.counter = counter;
                store.addresses = addresses;
            }
        }
    }
    store.journal.clear();
    seq
}

fn write_loop(path: &Path, mut file: std::fs::File, rx: mpsc::Receiver<Msg>, bytes: &AtomicU64) {
    let jpath = journal_path(path);
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        let mut waiting = Vec::new();
        let mut dirty = false;
        let mut failed: Option<String> = None;
        for msg in batch {
            match msg {
                Msg::Write(lines, done) => {
                    if failed.is_none() {
                        match file.write_all(&lines) {
                            Ok(()) => {
                                dirty = true;
                                bytes.fetch_add(lines.len() as u64, Ordering::Relaxed);
                            }
                            Err(e) => failed = Some(named(&jpath, e).to_string()),
                        }
                    }
                    waiting.extend(done);
                }
                Msg::Compact(doc, done) => {
                    // The lines before the snapshot are synced first (their requests wait).
                    if dirty && failed.is_none() {
                        if let Err(e) = file.sync_data() {
                            failed = Some(named(&jpath, e).to_string());
                        }
                        dirty = false;
                    }
                    let result = compact(path, &jpath, &mut file, &doc);
                    if result.is_ok() {
                        bytes.store(0, Ordering::Relaxed);
                    }
                    if let Some(done) = done {
                        let _ = done.send(result.map_err(|e| e.to_string()));
                    }
                }
            }
        }
        if dirty && failed.is_none() {
            if let Err(e) = file.sync_data() {
                failed = Some(named(&jpath, e).to_string());
            }
        }
        let result = failed.map_or(Ok(()), Err);
        for done in waiting {
            let _ = done.send(result.clone());
        }
    }
}

/// Writes a snapshot atomically, then empties the journal.
fn compact(path: &Path, jpath: &Path, file: &mut std::fs::File, doc: &[u8]) -> std::io::Result<()> {
    let tmp = store::temporary(path);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(doc)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        store::sync_dir(path);
        Ok::<(), std::io::Error>(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(named(path, e));
    }
    // The snapshot holds every line so far (replay would skip them): empty the journal.
    file.set_len(0).map_err(|e| named(jpath, e))?;
    file.sync_all().map_err(|e| named(jpath, e))
}

impl Journal {
    /// Queues the changes `store` made since the last call (call with the store locked, so
    /// that changes are queued in the order they were made); the receiver learns when they
    /// are on disk. `None`: nothing changed.
    pub(crate) fn queue(&self, store: &mut Store) -> Option<Durable> {
        let entries = store.take_journal();
        if entries.is_empty() {
            return None;
        }
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let mut text = Vec::with_capacity(128 * entries.len());
        for entry in entries {
            q.1 += 1;
            let line = Line { seq: q.1, entry };
            if serde_json::to_writer(&mut text, &line).is_ok() {
                text.push(b'\n');
            }
        }
        let (done, durable) = tokio::sync::oneshot::channel();
        let sent =
            q.0.as_ref()
                .is_some_and(|tx| tx.send(Msg::Write(text, Some(done))).is_ok());
        drop(q);
        if !sent {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let _ = tx.send(Err(format!(
                "state file {}: the journal is closed",
                self.path.display()
            )));
            return Some(rx);
        }
        if self.bytes.load(Ordering::Relaxed) > COMPACT_BYTES
            && !self.compacting.swap(true, Ordering::AcqRel)
        {
            self.snapshot(store, None);
            self.compacting.store(false, Ordering::Release);
        }
        Some(durable)
    }

    /// Queues a snapshot of `store` (call with the store locked, after [`Journal::queue`]).
    fn snapshot(&self, store: &Store, done: Option<mpsc::Sender<Result<(), String>>>) {
        let q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(text) = serde_json::to_vec(&store.document_ref(q.1)) else {
            return;
        };
        if let Some(tx) = &q.0 {
            let _ = tx.send(Msg::Compact(text, done));
        }
    }

    /// Writes the whole state as one snapshot and waits for it (call with the store locked).
    pub(crate) fn compact_now(&self, store: &mut Store) -> std::io::Result<()> {
        let _ = self.queue(store);
        let (tx, rx) = mpsc::channel();
        self.snapshot(store, Some(tx));
        match rx.recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(std::io::Error::other(e)),
            Err(_) => Err(std::io::Error::other(format!(
                "state file {}: the journal is closed",
                self.path.display()
            ))),
        }
    }

    /// Stops the writer after everything queued is written.
    pub(crate) fn close(&self) {
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .take();
        if let Some(w) = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = w.join();
        }
    }

    /// The state file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    fn line(seq: u64, id: &str) -> String {
        let entry = Entry::Apply {
            partition: String::new(),
            change: Change::Insert {
                family: "x/instance".into(),
                records: vec![json!({ "InstanceId": id })],
            },
        };
        let mut t = serde_json::to_string(&Line { seq, entry }).unwrap();
        t.push('\n');
        t
    }

    #[test]
    fn replay_skips_what_the_snapshot_holds_and_stops_at_a_torn_line() {
        let mut store = Store::new(1, Duration::ZERO);
        let text = format!(
            "{}{}{}{}",
            line(1, "a"),
            line(2, "b"),
            line(3, "c"),
            &line(4, "d")[..10]
        );
        let last = replay(std::io::Cursor::new(text.into_bytes()), 1, &mut store);
        assert_eq!(last, 3);
        let ids: Vec<String> = store
            .records("", "x/instance")
            .unwrap()
            .iter()
            .map(|r| r["InstanceId"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids, ["b", "c"]);
    }

    #[test]
    fn a_snapshot_and_its_journal_give_back_the_state_and_compaction_empties_the_journal() {
        let dir = std::env::temp_dir().join(format!("cds-emulator-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.json");
        let mut store = Store::new(1, Duration::ZERO);
        let j = open(&path, &mut store).unwrap();
        for id in ["a", "b"] {
            store.apply(
                "",
                Change::Insert {
                    family: "x/instance".into(),
                    records: vec![json!({ "InstanceId": id })],
                },
            );
            let _ = store.new_id("");
            let durable = j.queue(&mut store).expect("a change to write");
            assert_eq!(durable.blocking_recv().unwrap(), Ok(()));
        }
        let counter = store.counter;
        assert!(std::fs::metadata(journal_path(&path)).unwrap().len() > 0);
        // A crash now: the snapshot is the empty start, the journal has both records.
        let mut again = Store::new(1, Duration::ZERO);
        let j2 = open(&path, &mut again).unwrap();
        assert_eq!(again.len(), 2);
        assert_eq!(again.counter, counter, "ids go on where they stopped");
        assert_eq!(std::fs::metadata(journal_path(&path)).unwrap().len(), 0);
        j2.compact_now(&mut again).unwrap();
        drop((j, j2));
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
