//! The core through its public API and the `calcibot` binary, and the storage layer: no
//! Discord here, so this binary needs no fake Discord.

// The CLI contract of design.md, through the real binary.
mod cli;
// The eval sets stay above their floors.
mod eval_floor;
// Loading and `calcibot check`.
mod knowledge;
// Reading what a message asks and what it is about (issue 8).
mod focus;
// Matching questions to entries.
mod matcher;
// Red flags, crisis and dosing.
mod safety;
// Storage against SQLite and a real PostgreSQL (CALCIBOT_TEST_POSTGRES_URL, set by .ci/run).
mod storage;
// The throwaway PostgreSQL cluster of the tests, shared by both binaries.
#[path = "../support/postgres.rs"]
mod postgres;

// The test layout: every test file is part of a binary.
mod layout;
