//! The core through its public API and the `calcibot` binary: no Discord here, so this binary
//! links neither serenity's client nor the fake Discord.

// The CLI contract of design.md, through the real binary.
mod cli;
// The eval sets stay above their floors.
mod eval_floor;
// Loading and `calcibot check`.
mod knowledge;
// Matching questions to entries.
mod matcher;
// Red flags, crisis and dosing.
mod safety;

// The test layout: every test file is part of a binary.
mod layout;
