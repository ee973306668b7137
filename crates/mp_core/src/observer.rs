//! Progress reporting from long fits without printing: the caller decides what to do with it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Continue,
    Stop,
}

pub trait Observer {
    /// Called once per iteration (boosting round, tree, optimizer step) with the named metrics of that step.
    fn on_iter(&mut self, iteration: u32, metrics: &[(&str, f64)]) -> Control;
}

pub struct NoopObserver;

impl Observer for NoopObserver {
    fn on_iter(&mut self, _iteration: u32, _metrics: &[(&str, f64)]) -> Control {
        Control::Continue
    }
}
