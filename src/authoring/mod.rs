//! Rule authoring: the tools a rule author runs in CI. [`lint`] warns about rules that
//! compile but are not fit to ship, [`testing`] runs the cases beside each rule, [`docs`]
//! writes the rule reference, and [`report`] renders `rules lint` and `rules test` output. A layer above the engine: it runs rules, and nothing below imports it.

pub mod docs;
pub mod lint;
pub mod report;
pub mod testing;
