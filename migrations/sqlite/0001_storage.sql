-- calcibot's storage, SQLite dialect (migrations/postgres holds the same tables for PostgreSQL).
-- Server, channel and message ids are Discord snowflakes kept as 64-bit integers; days are days
-- since 1970-01-01 (UTC), so no date type differs between the two databases. Flags are 0/1
-- integers for the same reason. An empty `entry` means "no entry" (NULL would break the keys).

-- Per-install values, such as the secret that keys the vote hashes.
CREATE TABLE install (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- What a server chose; a column left NULL means "the operator's default".
CREATE TABLE server_settings (
    server_id INTEGER PRIMARY KEY,
    auto_answer_own INTEGER NOT NULL DEFAULT 0,
    cooldown_seconds INTEGER,
    support_line TEXT,
    unanswered_on INTEGER NOT NULL DEFAULT 0,
    unanswered_days INTEGER NOT NULL DEFAULT 14,
    removed_day INTEGER
);

CREATE TABLE auto_answer_channels (
    server_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    PRIMARY KEY (server_id, channel_id)
);

-- How often each kind of reply was given, never what was asked.
CREATE TABLE usage_counts (
    server_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    kind TEXT NOT NULL,
    entry TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (server_id, day, kind, entry)
);

CREATE TABLE feedback_counts (
    server_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    entry TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    not_helpful INTEGER NOT NULL,
    PRIMARY KEY (server_id, day, entry)
);

-- One row per (answer, person): a keyed hash of the two ids, never the ids; kept 30 days.
CREATE TABLE votes (
    voter BLOB PRIMARY KEY,
    server_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    entry TEXT NOT NULL,
    helpful INTEGER NOT NULL
);
CREATE INDEX votes_day ON votes (day);

-- Questions the bot could not answer, for servers that opted in: no author, no channel.
CREATE TABLE unanswered (
    id INTEGER PRIMARY KEY,
    server_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    closest TEXT NOT NULL
);
CREATE INDEX unanswered_server ON unanswered (server_id, id);
