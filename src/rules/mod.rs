//! Rules: the YAML schema ([`schema`]), the fields rules may name ([`field`]), and the
//! compiler that validates rule files and turns them into an indexed predicate pipeline
//! ([`compile`]).

pub mod compile;
pub mod cond;
pub mod diagnostic;
pub mod field;
pub mod index;
pub mod ir;
pub mod load;
pub mod schema;

pub use compile::{
    Code, Diagnostic, DiagnosticLevel, Each, NoticeRule, Pack, Pairs, Piece, Pred, Rule, RuleFile,
    RuleSet, RuleStatus, Special, StatusMask, Template, load,
};
