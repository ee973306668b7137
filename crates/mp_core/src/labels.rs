//! Validated binary labels (0/1 as f32, the FFI representation).
use crate::error::{Error, ErrorCode, Result};

#[derive(Debug, Clone, Copy)]
pub struct BinaryLabels<'a> {
    y: &'a [f32],
    n_pos: usize,
}

impl<'a> BinaryLabels<'a> {
    /// Checks length against `n_rows` and that every label is exactly 0 or 1.
    pub fn new(y: &'a [f32], n_rows: usize) -> Result<Self> {
        if y.len() != n_rows {
            return Err(Error::shape(format!("labels have length {} but n_rows is {n_rows}", y.len())));
        }
        let mut n_pos = 0;
        for (i, &v) in y.iter().enumerate() {
            if v == 1.0 {
                n_pos += 1;
            } else if v != 0.0 {
                return Err(Error::new(
                    ErrorCode::InvalidLabel,
                    format!("label at row {i} is {v}; binary labels must be 0 or 1"),
                ));
            }
        }
        Ok(BinaryLabels { y, n_pos })
    }

    /// As [`BinaryLabels::new`], and both classes must be present (fitting a classifier).
    pub fn with_both_classes(y: &'a [f32], n_rows: usize) -> Result<Self> {
        let l = Self::new(y, n_rows)?;
        if l.n_pos == 0 || l.n_pos == l.len() {
            let only = if l.n_pos == 0 { 0 } else { 1 };
            return Err(Error::new(
                ErrorCode::EmptyClass,
                format!("all {} labels are {only}; a binary classifier needs both classes", l.len()),
            ));
        }
        Ok(l)
    }

    pub fn as_slice(&self) -> &'a [f32] {
        self.y
    }
    pub fn len(&self) -> usize {
        self.y.len()
    }
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
    pub fn n_pos(&self) -> usize {
        self.n_pos
    }
    pub fn n_neg(&self) -> usize {
        self.y.len() - self.n_pos
    }
    pub fn is_pos(&self, i: usize) -> bool {
        self.y[i] == 1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_classes() {
        let l = BinaryLabels::with_both_classes(&[0.0, 1.0, 1.0], 3).unwrap();
        assert_eq!((l.n_pos(), l.n_neg()), (2, 1));
    }

    #[test]
    fn rejects_bad_labels() {
        let e = BinaryLabels::new(&[0.0, f32::NAN], 2).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidLabel);
        assert!(e.message().contains("row 1"));
        assert_eq!(BinaryLabels::new(&[0.0, 2.0], 2).unwrap_err().code(), ErrorCode::InvalidLabel);
        assert_eq!(BinaryLabels::new(&[0.0], 2).unwrap_err().code(), ErrorCode::ShapeMismatch);
        assert_eq!(BinaryLabels::with_both_classes(&[1.0, 1.0], 2).unwrap_err().code(), ErrorCode::EmptyClass);
    }
}
