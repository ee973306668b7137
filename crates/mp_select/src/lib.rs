//! Model selection: stratified k-fold splits, and cross-validated evaluation of many configurations
//! (grid search) with one fit per task (a task may score a group of configurations, and each fold is
//! prepared once for its tasks), in parallel on native builds, in a fixed order everywhere.
pub mod cv_report;
pub mod grid;
pub mod kfold;

pub use cv_report::{ConfigReport, MetricSummary};
pub use grid::{evaluate_grid, evaluate_groups, FoldScores};
pub use kfold::{stratified_holdout, stratified_kfold, Fold};
