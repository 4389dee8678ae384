//! The single task that writes records, so that a reply never waits on the database.
//!
//! A handler hands a [`Record`] to its [`Recorder`], which puts it on a bounded queue without
//! waiting (`try_send`) and returns. The writer takes what is queued, up to a batch, and writes
//! it in one transaction. When the database is down the records are held, up to a bound, and
//! written when it is back; the log says so once when it goes and once when it is back, never
//! per record. A full queue or a full hold buffer loses the oldest counts, never a reply.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::records::{self, Record};
use super::{Backend, StorageError, Store};

/// The writer's bounds. The defaults suit one process of a large bot: a queue for a few seconds
/// of peak traffic, and a day of a busy server's records held through an outage (a record is
/// well under 200 bytes, so the hold stays under 20 MB).
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// Records waiting for the writer; beyond this, new records are dropped (and counted).
    pub queue: usize,
    /// Records held while the database is down; beyond this, the oldest are dropped.
    pub hold: usize,
    /// The most records written in one transaction.
    pub batch: usize,
    /// The first wait before trying a failed write again; it doubles up to `retry_max`.
    pub retry_min: Duration,
    pub retry_max: Duration,
}

impl Default for WriterOptions {
    fn default() -> WriterOptions {
        WriterOptions {
            queue: 8_192,
            hold: 100_000,
            batch: 512,
            retry_min: Duration::from_millis(500),
            retry_max: Duration::from_secs(30),
        }
    }
}

enum Message {
    Record(Record),
    /// Answered once every record sent before it is written (or dropped by a bound).
    Flush(oneshot::Sender<()>),
    /// Forget a server after the records sent before it.
    Forget(u64, oneshot::Sender<Result<(), StorageError>>),
}

/// Hands records to the writer. Cheap to clone; the writer stops once every clone is gone.
#[derive(Clone)]
pub struct Recorder {
    tx: mpsc::Sender<Message>,
    dropped: Arc<AtomicU64>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

/// The writer's task, to wait for after the last [`Recorder`] is dropped.
#[derive(Debug)]
pub struct WriterHandle {
    task: JoinHandle<()>,
}

impl WriterHandle {
    /// Waits until the writer has made its last attempt to write what it held.
    pub async fn finished(self) {
        if let Err(err) = self.task.await {
            tracing::error!(%err, "the storage writer stopped abnormally");
        }
    }
}

/// Starts the writer on the current Tokio runtime.
pub fn spawn_writer(store: Store, options: WriterOptions) -> (Recorder, WriterHandle) {
    let (tx, rx) = mpsc::channel(options.queue.max(1));
    let dropped = Arc::new(AtomicU64::new(0));
    let writer = Writer {
        store,
        retry: options.retry_min,
        options,
        rx,
        dropped: Arc::clone(&dropped),
        held: VecDeque::new(),
        taken: 0,
        settled: 0,
        flushes: Vec::new(),
        forgets: Vec::new(),
        down: false,
        lost_in_outage: 0,
        overloaded: false,
        next_try: Instant::now(),
    };
    let task = tokio::spawn(writer.run());
    (Recorder { tx, dropped }, WriterHandle { task })
}

impl Recorder {
    /// Queues `record` without waiting. `false` when the queue is full (the record is dropped
    /// and counted; the writer logs the count once) or the writer has stopped.
    pub fn record(&self, record: Record) -> bool {
        match self.tx.try_send(Message::Record(record)) {
            Ok(()) => true,
            Err(_) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }

    /// Waits until every record queued before this call is written, however long an outage
    /// lasts; callers put their own time limit on it. For tests, tools and shutting down.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Message::Flush(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }

    /// Deletes everything of `server` once the records queued before are written, so that
    /// none of them lands after the deletion. Fails at once while the database is down.
    pub async fn forget(&self, server: u64) -> Result<(), StorageError> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Message::Forget(server, tx))
            .await
            .map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StorageError {
    StorageError::Query(sqlx::Error::PoolClosed)
}

/// What woke the writer: a message (or `None`: every recorder is gone), or the time to retry.
enum Wake {
    Message(Option<Message>),
    Retry,
}

struct Writer {
    store: Store,
    options: WriterOptions,
    rx: mpsc::Receiver<Message>,
    dropped: Arc<AtomicU64>,
    /// Records taken from the queue and not yet written.
    held: VecDeque<Record>,
    /// Records taken from the queue so far, and of those, written or dropped: a flush taken
    /// after the `taken`-th record is answered when `settled` reaches it.
    taken: u64,
    settled: u64,
    flushes: Vec<(u64, oneshot::Sender<()>)>,
    forgets: Vec<(u64, oneshot::Sender<Result<(), StorageError>>)>,
    /// The database failed the last write; `next_try` says when to try again.
    down: bool,
    retry: Duration,
    next_try: Instant,
    lost_in_outage: u64,
    overloaded: bool,
}

impl Writer {
    async fn run(mut self) {
        loop {
            let waiting = !self.held.is_empty() || !self.flushes.is_empty();
            if !waiting || self.down {
                let message = if waiting {
                    tokio::select! {
                        message = self.rx.recv() => Wake::Message(message),
                        () = tokio::time::sleep_until(self.next_try) => Wake::Retry,
                    }
                } else {
                    Wake::Message(self.rx.recv().await)
                };
                match message {
                    Wake::Message(Some(message)) => self.take(message),
                    Wake::Message(None) => break,
                    Wake::Retry => {}
                }
            }
            while self.held.len() < self.options.batch {
                match self.rx.try_recv() {
                    Ok(message) => self.take(message),
                    Err(_) => break,
                }
            }
            if !self.down || Instant::now() >= self.next_try {
                self.write_held().await;
            }
            self.answer().await;
        }
        // Every recorder is gone: one last try for what is held.
        self.write_held().await;
        self.answer().await;
        if !self.held.is_empty() {
            tracing::warn!(
                records = self.held.len(),
                "stopping with records the database did not take; their counts are lost"
            );
        }
    }

    fn take(&mut self, message: Message) {
        match message {
            Message::Record(record) => {
                self.taken += 1;
                if self.held.len() >= self.options.hold.max(1) {
                    self.held.pop_front();
                    self.settled += 1;
                    self.lost_in_outage += 1;
                }
                self.held.push_back(record);
            }
            Message::Flush(done) => self.flushes.push((self.taken, done)),
            Message::Forget(server, done) => self.forgets.push((server, done)),
        }
    }

    /// Writes what is held, a batch at a time, until all is written or the database fails.
    async fn write_held(&mut self) {
        while !self.held.is_empty() {
            let n = self.held.len().min(self.options.batch.max(1));
            let batch = &self.held.make_contiguous()[..n];
            match records::write(&self.store, batch).await {
                Ok(()) => self.written(n),
                Err(err) if is_outage(&err, self.store.backend()) => {
                    self.failed(&err);
                    return;
                }
                Err(err) => {
                    // Not an outage but a record the database refuses: write the batch one
                    // record at a time and drop the ones refused, rather than hold them forever.
                    let mut refused = 0;
                    for record in self.held.drain(..n).collect::<Vec<_>>() {
                        if records::write(&self.store, std::slice::from_ref(&record))
                            .await
                            .is_err()
                        {
                            refused += 1;
                        }
                    }
                    self.settled += n as u64;
                    tracing::warn!(%err, refused, "the database refused records; they are dropped");
                }
            }
        }
        if self.down {
            tracing::info!(
                lost = self.lost_in_outage,
                "the database is back; the held records are written"
            );
            self.down = false;
            self.lost_in_outage = 0;
            self.retry = self.options.retry_min;
        }
    }

    fn written(&mut self, n: usize) {
        self.held.drain(..n);
        self.settled += n as u64;
    }

    fn failed(&mut self, err: &StorageError) {
        if !self.down {
            tracing::warn!(
                %err,
                held = self.held.len(),
                hold = self.options.hold,
                "the database is unavailable; holding records and writing them when it is back"
            );
            self.down = true;
        }
        self.next_try = Instant::now() + self.retry;
        self.retry = (self.retry * 2).min(self.options.retry_max);
    }

    /// Answers the flushes whose records are settled and the forgets (after the records before
    /// them), and logs dropped records once per overload.
    async fn answer(&mut self) {
        let settled = self.settled;
        let (done, waiting) = std::mem::take(&mut self.flushes)
            .into_iter()
            .partition::<Vec<_>, _>(|(target, _)| *target <= settled);
        self.flushes = waiting;
        for (_, flushed) in done {
            let _ = flushed.send(());
        }
        let forgets = std::mem::take(&mut self.forgets);
        for (server, done) in forgets {
            let result = if self.down {
                Err(stopped())
            } else {
                self.store.forget(server).await
            };
            let _ = done.send(result);
        }
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 && !self.overloaded {
            tracing::warn!(
                dropped,
                queue = self.options.queue,
                "the storage queue is full; records are dropped (replies are not affected)"
            );
        }
        self.overloaded = dropped > 0;
    }
}

/// Whether `err` means the database cannot be reached or is busy (worth holding records and
/// trying again), rather than refusing a record.
fn is_outage(err: &StorageError, backend: Backend) -> bool {
    let StorageError::Query(err) = err else {
        return false;
    };
    let sqlx::Error::Database(db) = err else {
        // Connection, pool, I/O and protocol errors: the database is not there.
        return true;
    };
    let Some(code) = db.code() else {
        return true;
    };
    match backend {
        // An extended result code, whose low byte is the primary code: SQLITE_BUSY (5),
        // SQLITE_LOCKED (6), SQLITE_READONLY (8), SQLITE_IOERR (10), SQLITE_CANTOPEN (14).
        Backend::Sqlite => code
            .parse::<u32>()
            .map(|c| matches!(c & 0xff, 5 | 6 | 8 | 10 | 14))
            .unwrap_or(true),
        // A SQLSTATE, whose class is its first two characters: connection exception (08),
        // insufficient resources (53), operator intervention such as a shutdown (57), and a
        // transaction rolled back for a conflict (40).
        Backend::Postgres => ["08", "53", "57", "40"].iter().any(|c| code.starts_with(c)),
    }
}
