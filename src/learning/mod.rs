//! Training the learned layers of the filter: labelled texts → examples → models, the
//! learners compared, their outputs calibrated, and the honest figures that choose
//! between them. Pure CPU, no I/O: the command line reads the corpora and writes the
//! model files (`raqib model`).

pub mod calibrate;
pub mod decisions;
pub mod evaluate;
pub mod examples;
pub mod learners;
pub mod retrain;
pub mod site;
pub mod stack;
